import { CORE_SCHEMA, loadAll } from 'js-yaml';
import type { Alias, Document, LineCounter } from 'yaml';
import { Diagnostic, SourceLocation } from '../diagnostics/diagnostic';
import { formatPath, Segment } from './field-path';
import { SourceFile } from './read-tree';

let yamlModule: typeof import('yaml') | undefined;

/**
 * The `yaml` package (positions, aliases, comments), loaded at its first use: a run whose files js-yaml reads
 * cleanly and that reports nothing never needs it, and loading it took 0.07-0.25 s of every run.
 */
export function yamlPackage(): typeof import('yaml') {
  return (yamlModule ??= require('yaml') as typeof import('yaml'));
}

/** Most alias expansions a document may make: enough for shared snippets, far too few for an alias bomb. */
const MAX_ALIAS_COUNT = 50;

/**
 * Deepest nesting of lists and mappings a document may have. kfaas documents need about 10 levels; the limit
 * keeps every later stage (schema check, builders) far from the JavaScript stack's depth, which a crafted file
 * could otherwise exhaust.
 */
const MAX_NESTING_DEPTH = 64;

export const TOO_DEEP_MESSAGE = `expected at most ${MAX_NESTING_DEPTH} levels of nested lists and mappings (kfaas documents need about 10), got more; flatten the document`;

/**
 * YAML 1.2 allows a byte order mark at the start of every document of a stream (spec 1.2.2 section 9.1.1,
 * "Document Prefix"), as concatenated files carry them; both parsers only drop one at the start of the file
 * and would read `\uFEFFapiVersion` as a key. Removes each BOM that starts a document: at the start of the
 * file, of a `---`/`...`/`%` line, or right after such a marker line.
 */
export function withoutDocumentBoms(text: string): string {
  return text.replace(/(^|\n)\uFEFF(?=---|\.\.\.|%)/g, '$1').replace(/^\uFEFF/, '').replace(/((?:^|\n)(?:---|\.\.\.)[^\n]*\n)\uFEFF/g, '$1');
}

/** One non-empty document of a file, as plain data. */
export interface RawDocument {
  /** Position of the document in its file (0-based, counting empty documents). */
  readonly index: number;
  readonly data: unknown;
}

/**
 * A file's YAML syntax tree with positions (the `yaml` package), built on first use and kept: files that load
 * cleanly only need it when someone asks where a value was written.
 */
export class YamlSource {
  private parsed?: { readonly documents: readonly Document.Parsed[]; readonly lines: LineCounter };

  public constructor(public readonly file: SourceFile) {}

  public get documents(): readonly Document.Parsed[] {
    return this.tree().documents;
  }

  /** 1-based line and column of a character offset. */
  public location(offset: number): SourceLocation {
    const { line, col } = this.tree().lines.linePos(offset);
    return { file: this.file.path, line, col };
  }

  private tree(): { readonly documents: readonly Document.Parsed[]; readonly lines: LineCounter } {
    if (!this.parsed) {
      const { LineCounter: Lines, parseAllDocuments } = yamlPackage();
      const lines = new Lines();
      const documents = parseAllDocuments(this.file.text, {
        lineCounter: lines,
        uniqueKeys: true,
        prettyErrors: false,
        resolveKnownTags: false, // !!binary, !!set, !!timestamp... are reported, not silently converted
      });
      this.parsed = { documents: Array.isArray(documents) ? documents : [], lines };
    }
    return this.parsed;
  }
}

/** Anchors (alias bombs need them) and directives (`%YAML 1.1` changes scalar meanings) take the careful path. */
const NEEDS_CAREFUL_READ = /&|^%/m;

/**
 * Fast path for the common, clean file: js-yaml (several times faster than the `yaml` package) with the YAML
 * 1.2 core schema. Undefined when the file is not plain (anchors, directives) or js-yaml refuses it; the caller
 * then reads it with `readCareful`, which reports every problem with its position.
 */
export function readFast(text: string): RawDocument[] | undefined {
  if (NEEDS_CAREFUL_READ.test(text)) return undefined;
  let documents: unknown[];
  try {
    documents = loadAll(text, undefined, { schema: CORE_SCHEMA });
  } catch {
    return undefined;
  }
  const out: RawDocument[] = [];
  documents.forEach((data, index) => {
    if (data !== null && data !== undefined) out.push({ index, data });
  });
  return out;
}

/**
 * Careful path: parses with positions and reports syntax errors, duplicate keys, unsupported tags, non-scalar
 * keys, unknown aliases and alias bombs. Documents with such problems are left out; empty documents are skipped.
 */
export function readCareful(source: YamlSource, out: Diagnostic[]): RawDocument[] {
  const result: RawDocument[] = [];
  source.documents.forEach((doc, index) => {
    const before = out.length;
    // Where the parser ran out of stack depends on the stack's size: point at the document, the same on every run.
    for (const e of doc.errors) out.push(syntaxDiagnostic(source, doc, e.code, e.message, e.code === 'RESOURCE_EXHAUSTION' ? (doc.range?.[0] ?? 0) : e.pos[0]));
    for (const w of doc.warnings) out.push(syntaxDiagnostic(source, doc, w.code, w.message, w.pos[0]));
    if (out.length > before || doc.contents === null) return;
    checkNodes(source, doc, out);
    if (out.length > before) return;
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      if (e instanceof RangeError) {
        out.push({ severity: 'error', code: 'too-deep', location: source.location(doc.contents.range[0]), message: TOO_DEEP_MESSAGE });
        return;
      }
      const bomb = /excessive alias count/i.test(errorMessage(e));
      const first = firstAlias(doc);
      out.push({
        severity: 'error',
        code: bomb ? 'yaml-alias' : 'yaml-syntax',
        location: source.location(first?.range?.[0] ?? doc.contents.range[0]),
        message: bomb
          ? `expected at most ${MAX_ALIAS_COUNT} alias expansions per document, got more (an alias bomb?); repeat the values instead`
          : `invalid YAML: ${lowerFirst(errorMessage(e))}`,
      });
      return;
    }
    if (data !== null && data !== undefined) result.push({ index, data });
  });
  return result;
}

function syntaxDiagnostic(source: YamlSource, doc: Document.Parsed, code: string, message: string, offset: number): Diagnostic {
  const location = source.location(offset);
  if (code === 'DUPLICATE_KEY') {
    const dup = duplicateKeyAt(doc, offset);
    if (dup) {
      return {
        severity: 'error',
        code: 'duplicate-key',
        location,
        path: formatPath(dup.path) || undefined,
        message: `duplicate key "${dup.key}" (first at line ${source.location(dup.firstOffset).line}); expected each key once per mapping`,
      };
    }
    return { severity: 'error', code: 'duplicate-key', location, message: 'duplicate key; expected each key once per mapping' };
  }
  if (code === 'RESOURCE_EXHAUSTION' && /call stack/i.test(message)) {
    // The parser itself ran out of stack: nesting thousands of levels deep.
    return { severity: 'error', code: 'too-deep', location, message: TOO_DEEP_MESSAGE };
  }
  if (code === 'TAG_RESOLVE_FAILED') {
    const tag = message.replace(/^Unresolved tag: /, '').replace(/^tag:yaml\.org,2002:/, '!!');
    return {
      severity: 'error',
      code: 'yaml-tag',
      location,
      message: `unsupported YAML tag ${tag}; expected plain strings, numbers, booleans, lists and mappings`,
    };
  }
  return { severity: 'error', code: 'yaml-syntax', location, message: `invalid YAML: ${lowerFirst(message.split('\n')[0])}` };
}

/**
 * The field path of the first value nested deeper than MAX_NESTING_DEPTH (the path is that long), or undefined,
 * searching depth first, a node's last entry first. Recursive but never deeper than MAX_NESTING_DEPTH + 1 calls
 * (it stops there), so it never runs out of stack itself; the path is made only for the value found (every document of
 * every parsed file is searched, nearly always in vain).
 */
export function tooDeepPath(data: unknown): Segment[] | undefined {
  const path = deepFrom(data, 0);
  return path?.reverse();
}

/** The path, last segment first, from `value` (at `depth`) to the first value too deep; undefined when none. */
function deepFrom(value: unknown, depth: number): Segment[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_NESTING_DEPTH) return [];
  if (Array.isArray(value)) {
    for (let i = value.length - 1; i >= 0; i--) {
      const found = deepFrom(value[i], depth + 1);
      if (found) {
        found.push(i);
        return found;
      }
    }
    return undefined;
  }
  const keys = Object.keys(value);
  for (let i = keys.length - 1; i >= 0; i--) {
    const found = deepFrom((value as Record<string, unknown>)[keys[i]], depth + 1);
    if (found) {
      found.push(keys[i]);
      return found;
    }
  }
  return undefined;
}

/** The duplicated key starting at `offset`, its field path and where the key first appeared. */
function duplicateKeyAt(doc: Document.Parsed, offset: number): { key: string; path: Segment[]; firstOffset: number } | undefined {
  const { isMap, isScalar, visit } = yamlPackage();
  let found: { key: string; path: Segment[]; firstOffset: number } | undefined;
  visit(doc, {
    Pair(_, pair, ancestors) {
      const key = pair.key;
      if (!isScalar(key) || key.range?.[0] !== offset) return undefined;
      const parent = ancestors[ancestors.length - 1];
      if (!isMap(parent)) return undefined;
      const first = parent.items.find((p) => p !== pair && isScalar(p.key) && p.key.value === key.value);
      const text = String(key.value);
      found = { key: text, path: [...segmentsOf(ancestors), text], firstOffset: (first?.key as { range?: number[] })?.range?.[0] ?? offset };
      return visit.BREAK;
    },
  });
  return found;
}

/** Keys must be plain scalars and aliases must point to an anchor defined before them. */
function checkNodes(source: YamlSource, doc: Document.Parsed, out: Diagnostic[]): void {
  const { isAlias, isScalar, isSeq, visit } = yamlPackage();
  visit(doc, {
    Pair(_, pair, ancestors) {
      if (pair.key !== null && !isScalar(pair.key)) {
        const range = (pair.key as { range?: number[] }).range;
        out.push({
          severity: 'error',
          code: 'yaml-key',
          location: source.location(range?.[0] ?? 0),
          path: formatPath(segmentsOf(ancestors)) || undefined,
          message: `expected a plain field name as key, got a ${isSeq(pair.key) ? 'list' : isAlias(pair.key) ? 'alias' : 'mapping'}`,
        });
      }
      return undefined;
    },
    Alias(_, alias) {
      if (alias.resolve(doc) === undefined) {
        out.push({
          severity: 'error',
          code: 'yaml-alias',
          location: source.location(alias.range?.[0] ?? 0),
          message: `unknown alias *${alias.source}; expected an anchor &${alias.source} defined before it`,
        });
      }
      return undefined;
    },
  });
}

function firstAlias(doc: Document.Parsed): Alias | undefined {
  const { visit } = yamlPackage();
  let found: Alias | undefined;
  visit(doc, {
    Alias(_, alias) {
      found = alias;
      return visit.BREAK;
    },
  });
  return found;
}

/** Field path of a node from the ancestor chain `visit` hands over. */
function segmentsOf(ancestors: readonly unknown[]): Segment[] {
  const { isPair, isScalar, isSeq } = yamlPackage();
  const out: Segment[] = [];
  for (let i = 0; i < ancestors.length; i++) {
    const item = ancestors[i];
    if (isPair(item)) out.push(isScalar(item.key) ? String(item.key.value) : '?');
    else if (isSeq(item) && i + 1 < ancestors.length) out.push(item.items.indexOf(ancestors[i + 1] as never));
  }
  return out;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
