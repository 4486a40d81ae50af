import { DocumentContext } from './document-context';
import { FieldPath } from './field-path';
import { groupBy } from '../util/group-by';

/** One occurrence of a value that must be unique. */
export interface Occurrence {
  readonly key: string;
  readonly ctx: DocumentContext;
  readonly path: FieldPath;
}

/**
 * Reports every occurrence of a key that occurs more than once, each message naming the other places: the
 * user sees the problem wherever they look, and fixing either side is equally valid.
 */
export function reportDuplicates<T extends Occurrence>(
  items: readonly T[],
  message: (item: T, others: readonly T[]) => string,
  code: string,
): void {
  // Nearly every key occurs once (route names: 7,000 at tier L): find the repeated ones first, group only their items.
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const item of items) {
    if (seen.has(item.key)) repeated.add(item.key);
    else seen.add(item.key);
  }
  if (repeated.size === 0) return;
  const groups = groupBy(items.filter((item) => repeated.has(item.key)), (item) => item.key);
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    for (const item of group) item.ctx.error(code, item.path, message(item, group.filter((o) => o !== item)));
  }
}
