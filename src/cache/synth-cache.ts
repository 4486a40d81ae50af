import { createHash } from 'crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, statSync, writeFileSync } from 'fs';
import { join } from 'path';
import { listFiles } from '../util/list-files';

/**
 * Lets a `kfaas synth` whose inputs, kfaas build and output folder are all exactly as the last successful run
 * left them finish without loading, compiling or rendering anything.
 *
 * The key is a SHA-256 over every file under clusters/ and routes/ (path, kind, link target, bytes) and over
 * kfaas's own compiled code, so any edit (or a rebuilt kfaas) misses. The output side is checked by listing
 * the output folder: the same files with the same sizes and modification times as recorded, nothing added.
 * Anything else, or any doubt, is a miss and the full pipeline runs. This module deliberately imports only
 * Node built-ins: the point is to stay cheap.
 */
export const CACHE_DIR = '.kfaas-cache';
const FORMAT = 1;

interface OutputStamp {
  readonly size: number;
  readonly mtimeMs: number;
}

interface CacheRecord {
  readonly format: number;
  readonly key: string;
  readonly outDir: string;
  readonly outputs: Readonly<Record<string, OutputStamp>>;
  /** Formatted warnings of the run, printed again on a hit. */
  readonly warnings: readonly string[];
  /** The summary line of the run, printed again on a hit. */
  readonly summary: string;
}

/** Hash of everything a synth reads. */
export function inputKey(root: string): string {
  const hash = createHash('sha256');
  hash.update(`kfaas-cache-${FORMAT}\0`);
  hashTree(hash, root, 'clusters');
  hashTree(hash, root, 'routes');
  hashTree(hash, join(__dirname, '..', '..'), 'src'); // kfaas's compiled code (lib/src)
  return hash.digest('hex');
}

function hashTree(hash: ReturnType<typeof createHash>, base: string, rel: string): void {
  const abs = join(base, rel);
  let st;
  try {
    st = lstatSync(abs);
  } catch {
    hash.update(`missing:${rel}\0`);
    return;
  }
  if (st.isSymbolicLink()) {
    hash.update(`link:${rel}:${readlinkSync(abs)}\0`);
    try {
      if (statSync(abs).isFile()) hash.update(readFileSync(abs));
    } catch {
      hash.update('dangling\0');
    }
  } else if (st.isDirectory()) {
    hash.update(`dir:${rel}\0`);
    for (const name of readdirSync(abs).sort()) hashTree(hash, base, `${rel}/${name}`);
  } else if (st.isFile()) {
    hash.update(`file:${rel}:${st.size}\0`);
    hash.update(readFileSync(abs));
  } else {
    hash.update(`other:${rel}\0`);
  }
}

function recordPath(root: string, outDir: string): string {
  const id = createHash('sha256').update(outDir).digest('hex').slice(0, 16);
  return join(root, CACHE_DIR, `synth-${id}.json`);
}

function stampOutputs(outDir: string): Record<string, OutputStamp> | undefined {
  if (!existsSync(outDir)) return undefined;
  const out: Record<string, OutputStamp> = {};
  for (const rel of listFiles(outDir)) {
    const st = lstatSync(join(outDir, rel));
    out[rel] = { size: st.size, mtimeMs: st.mtimeMs };
  }
  return out;
}

/** The previous run's record when inputs, kfaas and outputs are all unchanged; otherwise undefined. */
export function lookup(root: string, outDir: string, key: string): CacheRecord | undefined {
  let record: CacheRecord;
  try {
    record = JSON.parse(readFileSync(recordPath(root, outDir), 'utf8')) as CacheRecord;
  } catch {
    return undefined;
  }
  if (record.format !== FORMAT || record.key !== key || record.outDir !== outDir) return undefined;
  const now = stampOutputs(outDir);
  if (!now) return undefined;
  const names = Object.keys(now);
  if (names.length !== Object.keys(record.outputs).length) return undefined;
  for (const name of names) {
    const was = record.outputs[name];
    if (!was || was.size !== now[name].size || was.mtimeMs !== now[name].mtimeMs) return undefined;
  }
  return record;
}

/** Records a successful synth. Failing to write the cache never fails the synth. */
export function store(root: string, outDir: string, key: string, warnings: readonly string[], summary: string): void {
  try {
    const outputs = stampOutputs(outDir) ?? {};
    const record: CacheRecord = { format: FORMAT, key, outDir, outputs, warnings, summary };
    const path = recordPath(root, outDir);
    mkdirSync(join(root, CACHE_DIR), { recursive: true });
    writeFileSync(`${path}.tmp`, JSON.stringify(record));
    renameSync(`${path}.tmp`, path);
  } catch {
    // a read-only checkout: no cache, just slower re-runs
  }
}
