import { MAX_REGEX_LENGTH } from '../model/defaults';
import { HeaderCondition, HeaderTest, HttpMethod, QueryCondition, QueryTest, RequestConditions } from '../model/project';
import { DocumentContext } from './document-context';
import { FieldPath } from './field-path';
import { regexProblem } from '../regex';
import { has, isMapping, list, mapping, Mapping } from './values';
import { compareText } from '../util/compare';

const HEADER_TESTS = ['exact', 'prefix', 'regex', 'present', 'absent'] as const;
const QUERY_TESTS = ['exact', 'regex'] as const;

/**
 * Headers a match may not test: the authority is kfaas's own (every request to an environment's gateway host
 * carries the same one), so a condition on it could only ever be always or never true.
 */
const UNMATCHABLE_HEADERS = ['host'];

/**
 * Reads the conditions of one match item besides its path (`methods`, `headers`, `query`), already checked by
 * the schema for shape; reports invalid regexes and headers that cannot be matched. Undefined when none.
 */
export function readConditions(ctx: DocumentContext, item: Mapping, at: FieldPath): RequestConditions | undefined {
  const out: { -readonly [K in keyof RequestConditions]: RequestConditions[K] } = {};
  const methods = list(item, 'methods')?.filter((m): m is HttpMethod => typeof m === 'string');
  if (methods && methods.length > 0) {
    out.methods = [...new Set(methods)].sort(compareText);
    out.methodsOrigin = ctx.origin([...at, 'methods']);
  }
  const headers = readNamed(ctx, mapping(item, 'headers'), [...at, 'headers'], HEADER_TESTS, (name, test, path) => {
    if (UNMATCHABLE_HEADERS.includes(name)) {
      ctx.error('unmatchable-header', path.slice(0, -1), `a match cannot test header "${name}": every request to the environment's gateway host carries the same authority; expected another header`, 'key');
      return undefined;
    }
    return { name, test: test as HeaderTest, origin: ctx.origin(path) } satisfies HeaderCondition;
  });
  if (headers.length > 0) out.headers = headers;
  const query = readNamed(ctx, mapping(item, 'query'), [...at, 'query'], QUERY_TESTS, (name, test, path) =>
    ({ name, test: test as QueryTest, origin: ctx.origin(path) }) satisfies QueryCondition);
  if (query.length > 0) out.query = query;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Reads `{ <name>: { <kind>: value } }` conditions, sorted by name; entries the schema rejects are skipped. */
function readNamed<T>(
  ctx: DocumentContext,
  m: Mapping | undefined,
  at: FieldPath,
  kinds: readonly string[],
  make: (name: string, test: { kind: string; value?: string }, path: FieldPath) => T | undefined,
): T[] {
  if (!m) return [];
  const out: { name: string; value: T }[] = [];
  for (const name of Object.keys(m).sort(compareText)) {
    const spec = m[name];
    if (!isMapping(spec)) continue;
    const found = kinds.filter((k) => has(spec, k));
    if (found.length !== 1) continue;
    const kind = found[0];
    const raw = spec[kind];
    const path = [...at, name, kind];
    let test: { kind: string; value?: string };
    if (kind === 'present' || kind === 'absent') {
      if (raw !== true) continue;
      test = { kind };
    } else {
      if (typeof raw !== 'string') continue;
      if (kind === 'regex') {
        if (raw.length === 0 || raw.length > MAX_REGEX_LENGTH) continue;
        const problem = regexProblem(raw);
        if (problem) {
          ctx.error('invalid-regex', path, problem);
          continue;
        }
      }
      test = { kind, value: raw };
    }
    const value = make(name, test, path);
    if (value !== undefined) out.push({ name, value });
  }
  return out.map((o) => o.value);
}
