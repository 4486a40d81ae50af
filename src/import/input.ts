import { lstatSync, readdirSync, readFileSync } from 'fs';
import { join, relative, resolve } from 'path';
import { loadAll } from 'js-yaml';
import { LineCounter, parseAllDocuments } from 'yaml';
import { Diagnostic, SourceLocation } from '../diagnostics/diagnostic';
import { MAX_INPUT_FILE_BYTES } from '../model/defaults';
import { compareText } from '../util/compare';

/** One object read from the importer's input, with where it came from (file and document index). */
export interface InputObject {
  /** Shown path of the file (`-` for standard input), relative to the working folder when inside it. */
  readonly file: string;
  /** 0-based index of the YAML document in the file. */
  readonly document: number;
  /** Index in the document's `items` when the document is a `List`. */
  readonly item?: number;
  /** 1-based line where the document starts. */
  readonly line: number;
  readonly object: unknown;
}

export interface InputRead {
  readonly objects: InputObject[];
  readonly diagnostics: Diagnostic[];
}

/** Where an input object is, for diagnostics: `file:line:1`. */
export function inputLocation(o: Pick<InputObject, 'file' | 'line'>): SourceLocation {
  return { file: o.file, line: o.line, col: 1 };
}

/** `document 3` or `document 3, items[5]` (1-based document number, as `kubectl` users count them). */
export function describeInput(o: Pick<InputObject, 'document' | 'item'>): string {
  return `document ${o.document + 1}${o.item === undefined ? '' : `, items[${o.item}]`}`;
}

const YAML_FILE = /\.(ya?ml|json)$/i;

/**
 * Reads VirtualServices to import from files, folders (recursively, `*.yaml`/`*.yml`/`*.json`, sorted) or `-`
 * (standard input, e.g. `kubectl get virtualservices -n kfaas-system -o yaml`). `List` documents are expanded
 * into their items. Never throws on bad input: unreadable files and invalid YAML become diagnostics.
 */
export function readImportInputs(args: readonly string[], cwd: string, stdin: () => string): InputRead {
  const objects: InputObject[] = [];
  const diagnostics: Diagnostic[] = [];
  const error = (file: string, line: number, message: string, code = 'import-input'): void => {
    diagnostics.push({ severity: 'error', code, location: { file, line, col: 1 }, message });
  };
  for (const arg of args) {
    if (arg === '-') {
      readText('-', stdin(), objects, error);
      continue;
    }
    const abs = resolve(cwd, arg);
    const shown = (p: string): string => {
      const rel = relative(cwd, p);
      return rel === '' || rel.startsWith('..') ? p : rel.split('\\').join('/');
    };
    let files: string[];
    try {
      files = lstatSync(abs).isDirectory() ? listYaml(abs) : [abs];
    } catch (e) {
      error(shown(abs), 1, `cannot read ${arg}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      continue;
    }
    for (const file of files) {
      let text: string;
      try {
        if (lstatSync(file).size > MAX_INPUT_FILE_BYTES * 64) {
          error(shown(file), 1, `file is larger than ${MAX_INPUT_FILE_BYTES * 64} bytes; split the export`);
          continue;
        }
        text = readFileSync(file, 'utf8');
      } catch (e) {
        error(shown(file), 1, `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
        continue;
      }
      readText(shown(file), text, objects, error);
    }
  }
  return { objects, diagnostics };
}

function listYaml(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => compareText(a.name, b.name))) {
      if (e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && YAML_FILE.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * Parses one file's documents with js-yaml (fast). When that fails, the `yaml` package reports every syntax
 * error with its line. Start lines of documents are found by `yaml` only when asked (`documentLine`), so clean
 * input pays for one parse.
 */
function readText(
  file: string,
  text: string,
  out: InputObject[],
  error: (file: string, line: number, message: string, code?: string) => void,
): void {
  let docs: unknown[];
  try {
    docs = loadAll(text.replace(/^\uFEFF/, ''));
  } catch {
    for (const doc of parseAllDocuments(text, { uniqueKeys: false })) {
      for (const e of doc.errors) {
        const line = e.linePos?.[0]?.line ?? 1;
        error(file, line, `invalid YAML: ${e.message.split('\n')[0]}`, 'import-yaml');
      }
    }
    return;
  }
  let starts: number[] | undefined;
  const lineOf = (document: number): number => {
    // One document (a kubectl List, a single object) starts on line 1: no second parse of a large file.
    if (docs.length === 1) return 1;
    starts ??= documentStarts(text);
    return starts[document] ?? 1;
  };
  docs.forEach((doc, document) => {
    if (doc === null || doc === undefined) return;
    const o = doc as Record<string, unknown>;
    if (typeof o === 'object' && !Array.isArray(o) && typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) {
      (o.items as unknown[]).forEach((item, i) => out.push(lazyLine({ file, document, item: i, object: item }, lineOf)));
      return;
    }
    out.push(lazyLine({ file, document, object: doc }, lineOf));
  });
}

function lazyLine(o: Omit<InputObject, 'line'>, lineOf: (document: number) => number): InputObject {
  return Object.defineProperty({ ...o }, 'line', { get: () => lineOf(o.document), enumerable: true }) as InputObject;
}

/** 1-based start line of each document, as the `yaml` package counts documents (the same as js-yaml). */
function documentStarts(text: string): number[] {
  const counter = new LineCounter();
  return parseAllDocuments(text, { lineCounter: counter, uniqueKeys: false }).map((d) => {
    const start = d.contents?.range?.[0] ?? d.range[0];
    return counter.linePos(start).line;
  });
}
