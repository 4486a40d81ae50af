import { DocumentContext } from './document-context';
import { FieldPath } from './field-path';
import { groupRepeated } from '../util/group-by';

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
  const groups = groupRepeated(items, (item) => item.key);
  for (const group of groups.values()) {
    for (const item of group) item.ctx.error(code, item.path, message(item, group.filter((o) => o !== item)));
  }
}
