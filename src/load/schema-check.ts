import type { ErrorObject, ValidateFunction } from 'ajv';
import { suggestion } from './did-you-mean';
import { DocumentContext } from './document-context';
import { FieldPath, formatPath, pointerToPath, Segment } from './field-path';
import { schemaCopies, validators } from './generated/kfaas-validators';
import { KFAAS_SCHEMA, SchemaNode } from './kfaas-schema';
import { Form, FORMS } from './schema-forms';
import { describeValue, isMapping, Mapping, orList, quote } from './values';
import { Target } from './yaml-locator';

/**
 * The validator for one definition of schema/kfaas.schema.json, e.g. `Route`: generated at build time
 * (src/load/validator-source.ts) instead of compiling the schema with Ajv in every run.
 */
function validator(definition: string): ValidateFunction {
  const v = validators[definition];
  if (!v) throw new Error(`src/load/generated/kfaas-validators.ts has no validator for ${definition} (npm run schema:validators)`);
  return v;
}

let names: Map<object, string> | undefined;

/**
 * Every schema node by its name (`DnsLabel`, `RouteSpec/properties/environments`), for the nodes errors point at:
 * the generated code's copies of the schema's nodes, named as the nodes they copy. Built at the first error.
 */
function schemaNames(): Map<object, string> {
  if (!names) {
    const own = new Map<object, string>();
    for (const [name, node] of Object.entries(KFAAS_SCHEMA.$defs)) nameNodes(node, name, own);
    names = new Map();
    for (const [copy, pointer] of schemaCopies) nameCopy(copy, atPointer(pointer), own, names);
  }
  return names;
}

/** Keys whose values are data, not schema nodes. */
const DATA_KEYS = new Set(['examples', 'enum', 'const', 'default']);

function nameNodes(node: unknown, name: string, into: Map<object, string>): void {
  if (node === null || typeof node !== 'object') return;
  if (!Array.isArray(node)) into.set(node, name);
  for (const [key, child] of Object.entries(node)) if (!DATA_KEYS.has(key)) nameNodes(child, `${name}/${key}`, into);
}

/** Names the nodes of `copy` (a deep copy of `node`) as `node`'s are named in `own`. */
function nameCopy(copy: unknown, node: unknown, own: ReadonlyMap<object, string>, into: Map<object, string>): void {
  if (node === null || typeof node !== 'object' || copy === null || typeof copy !== 'object') return;
  const name = own.get(node);
  if (name !== undefined) into.set(copy, name);
  for (const [key, child] of Object.entries(node)) if (!DATA_KEYS.has(key)) nameCopy((copy as Record<string, unknown>)[key], child, own, into);
}

/** The schema node at a JSON pointer (`/$defs/Route`; '' is the root). */
function atPointer(pointer: string): unknown {
  const keys = pointer === '' ? [] : pointer.slice(1).split('/').map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  return keys.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], KFAAS_SCHEMA);
}

/** Validates `data` against `definition` and reports every problem at its field, in plain words. */
export function checkSchema(ctx: DocumentContext, definition: string, data: Mapping): void {
  const validate = validator(definition);
  if (validate(data)) return;
  for (const issue of describeErrors(validate.errors ?? [], data, ctx)) ctx.error(issue.code, issue.path, issue.message, issue.target);
}

interface Issue {
  readonly code: string;
  readonly path: FieldPath;
  readonly message: string;
  readonly target: Target;
}

/**
 * Keywords about one value, best first: when several fail for the same value (a long name with bad characters
 * fails maxLength and pattern) only the most telling one is reported.
 */
const VALUE_KEYWORDS = ['type', 'pattern', 'enum', 'const', 'minLength', 'maxLength', 'minimum', 'maximum'];

function describeErrors(errors: readonly ErrorObject[], data: Mapping, ctx: DocumentContext): Issue[] {
  // anyOf: its branches' errors are noise; the anyOf error speaks for them.
  const dropped = new Set<ErrorObject>();
  for (const e of errors) {
    if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') continue;
    const branches = e.schema as unknown[];
    for (const other of errors) {
      if (other !== e && other.instancePath === e.instancePath && branches.includes(other.parentSchema)) dropped.add(other);
    }
  }
  const best = new Map<string, ErrorObject>();
  for (const e of errors) {
    const rank = VALUE_KEYWORDS.indexOf(e.keyword);
    if (rank < 0 || dropped.has(e)) continue;
    const key = valueKey(e);
    const current = best.get(key);
    if (current === undefined || rank < VALUE_KEYWORDS.indexOf(current.keyword)) best.set(key, e);
  }
  const issues: Issue[] = [];
  const names = schemaNames();
  for (const e of errors) {
    if (dropped.has(e) || e.keyword === 'propertyNames') continue; // propertyNames: the inner error names the key
    if (VALUE_KEYWORDS.includes(e.keyword) && best.get(valueKey(e)) !== e) continue;
    const base = pointerToPath(e.instancePath, data);
    const onKey = e.propertyName !== undefined;
    const path = onKey ? [...base, e.propertyName as string] : base;
    const issue = describe(e, path, onKey, names.get(e.parentSchema as object), ctx);
    if (issue) issues.push(onKey ? issue : { ...issue, message: numbersAsWritten(issue.message, e.data, ctx.sourceText(path)) });
  }
  return issues;
}

/**
 * A number YAML read as something else than was written (`99999999999999999999` is 1e20 to JavaScript, `1e400`
 * Infinity) is echoed as written, so the message shows the user's own text.
 */
function numbersAsWritten(message: string, value: unknown, written: string | undefined): string {
  if (typeof value !== 'number' || written === undefined || written === String(value) || message.includes(written)) return message;
  return message.split(String(value)).join(written);
}

function valueKey(e: ErrorObject): string {
  return `${e.instancePath}|${e.propertyName ?? ''}`;
}

function describe(e: ErrorObject, path: Segment[], onKey: boolean, name: string | undefined, ctx: DocumentContext): Issue | undefined {
  const form: Form = (name && FORMS[name]) || {};
  const parent = e.parentSchema as SchemaNode;
  const value: unknown = onKey ? e.propertyName : e.data;
  const expected = form.expected ?? patternMessage(parent);
  const code = form.code ?? 'invalid-value';
  const target: Target = onKey ? 'key' : 'value';
  const special = form.keywords?.[e.keyword];
  if (special) {
    const message = special(value, Number((e.params as { limit?: unknown }).limit));
    return message === undefined ? undefined : { code, path, message, target };
  }
  const why = form.why?.(value) ?? '';
  switch (e.keyword) {
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const params = e.params as { additionalProperty?: string; unevaluatedProperty?: string };
      const field = String(params.additionalProperty ?? params.unevaluatedProperty);
      const allowed = declaredFields(parent);
      const hint = suggestion(field, allowed) || `; ${form.unknownField ?? `expected one of: ${allowed.join(', ')}`}`;
      return { code: 'unknown-field', path: [...path, field], message: `unknown field "${field}"${hint}`, target: 'key' };
    }
    case 'required': {
      const field = String((e.params as { missingProperty: string }).missingProperty);
      return { code: 'missing-field', path, message: `missing required field "${field}"`, target: 'key' };
    }
    case 'type': {
      const wanted = expected ?? typePhrase(String(e.schema));
      const source = ctx.sourceText(path) ?? String(value);
      const advice =
        e.schema === 'string' && (typeof value === 'number' || typeof value === 'boolean')
          ? (form.notText?.(source) ?? `; quote it: "${source}"`)
          : '';
      return { code: 'wrong-type', path, message: `expected ${wanted}, got ${describeValue(value, source)}${advice}`, target };
    }
    case 'pattern':
      return { code, path, message: `expected ${expected ?? `a string matching ${String(e.schema)}`}, got ${shortQuote(value)}${why}`, target };
    case 'minLength':
      return { code, path, message: `expected ${expected ?? 'a non-empty string'}, got an empty string`, target };
    case 'maxLength':
      return { code, path, message: `expected ${expected ?? `at most ${String(e.schema)} characters`}, got ${String(value).length} characters`, target };
    case 'minimum':
      return { code, path, message: `expected ${expected ?? `a number of at least ${String(e.schema)}`}, got ${quote(value)}`, target };
    case 'maximum':
      return { code, path, message: `expected ${expected ?? `a number of at most ${String(e.schema)}`}, got ${quote(value)}`, target };
    case 'enum': {
      const allowed = (e.schema as unknown[]).map(String);
      const guess = typeof value === 'string' ? suggestion(value, allowed) : '';
      return { code, path, message: `expected ${expected ?? orList(allowed)}, got ${shortQuote(value)}${guess}`, target };
    }
    case 'const':
      return { code, path, message: `expected ${quote(e.schema)}, got ${shortQuote(value)}`, target };
    case 'anyOf':
    case 'oneOf':
      return { code, path, message: `expected ${expected ?? 'a different value'}, got ${shortQuote(value)}${why}`, target };
    case 'minItems':
      return { code, path, message: `expected ${expected ?? `at least ${String(e.schema)} item(s)`}, got an empty list`, target: 'key' };
    case 'uniqueItems': {
      const { i, j } = e.params as { i: number; j: number };
      const items = Array.isArray(value) ? value : [];
      return {
        code: 'duplicate-item',
        path: [...path, i],
        message: `duplicate item ${shortQuote(items[i])} (also at ${formatPath([...path, j])}); expected each value once`,
        target: 'value',
      };
    }
    default:
      return { code, path, message: `${expected ? `expected ${expected}: ` : ''}${e.message ?? 'invalid value'}`, target };
  }
}

/** The fields a mapping's schema declares: those of the definitions it includes by `allOf`, then its own. */
function declaredFields(node: SchemaNode): string[] {
  const included = ((node.allOf as SchemaNode[] | undefined) ?? []).flatMap((branch) => {
    const ref = typeof branch.$ref === 'string' ? KFAAS_SCHEMA.$defs[branch.$ref.replace('#/$defs/', '')] : branch;
    return ref ? declaredFields(ref) : [];
  });
  return [...included, ...Object.keys((node.properties as object | undefined) ?? {})];
}

function patternMessage(node: SchemaNode | undefined): string | undefined {
  const m = node?.patternErrorMessage;
  return typeof m === 'string' ? m.replace(/^expected /, '') : undefined;
}

function typePhrase(type: string): string {
  switch (type) {
    case 'string':
      return 'a string';
    case 'integer':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping';
    default:
      return type;
  }
}

/** Quotes a value, shortening long text so a message stays on one screen line. */
function shortQuote(v: unknown): string {
  if (typeof v === 'string' && v.length > 80) return `${JSON.stringify(v.slice(0, 60))}... (${v.length} chars)`;
  if (isMapping(v) || Array.isArray(v)) return describeValue(v);
  return quote(v);
}

