import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { checkedBytes } from '../../src/cache/checked-json';
import { IncrementalCache } from '../../src/cache/incremental-cache';
import { StatMemo } from '../../src/cache/stat-memo';
import { RegexFacts } from '../../src/regex';

/**
 * incremental.json (incremental-cache.ts): what a run saves is what the next run of the same build reads back,
 * its large maps kept as flat arrays; a file of another format or build, or a damaged one, is an empty cache (never
 * misread).
 */
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kfaas-incremental-file-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const TOOL = 'test-build';
const FILE = (): string => join(root, '.kfaas-cache', 'incremental.json');
const open = (tool = TOOL): IncrementalCache => IncrementalCache.open(root, tool, StatMemo.none());
const FACTS: RegexFacts = { literal: '/a/', complete: false, empty: false, prefixEquivalent: true };

/** Saves a cache holding one of each kind of entry. */
function saveOne(): void {
  const cache = open();
  const answers = cache.ownership('teams-key');
  answers.set('shop\u0000prefix\u0000/shop/', null);
  answers.set('shop\u0000prefix\u0000/other/', 'other');
  cache.setObject('object-key', ['hash-1', 'VirtualService']);
  cache.setTable('table-key', { findings: [], files: { 'c/e/kustomization.yaml': 'hash-2' }, kinds: {}, objects: ['object-key'] });
  cache.setRegexFacts(new Map([['/a/.*', FACTS]]));
  cache.setRegexProgramSizes(new Map([['/a/.*', 12]]));
  cache.save();
}

test('what a run saves, the next run of the same build reads back', () => {
  saveOne();
  const next = open();
  expect(next.table('table-key')).toEqual({ findings: [], files: { 'c/e/kustomization.yaml': 'hash-2' }, kinds: {}, objects: ['object-key'] });
  expect(next.object('object-key')).toEqual(['hash-1', 'VirtualService']);
  expect([...next.ownership('teams-key')]).toEqual([
    ['shop\u0000prefix\u0000/shop/', null],
    ['shop\u0000prefix\u0000/other/', 'other'],
  ]);
  expect(next.regexFacts()).toEqual([['/a/.*', FACTS]]);
  expect(next.regexProgramSizes()).toEqual([['/a/.*', 12]]);
  // ownership answers hold for one content of the Team files only
  expect([...open().ownership('other-teams-key')]).toEqual([]);
});

test('a file of another build, of the earlier object format, or damaged, is an empty cache', () => {
  saveOne();
  const empty = (cache: IncrementalCache): void => {
    expect(cache.table('table-key')).toBeUndefined();
    expect(cache.object('object-key')).toBeUndefined();
    expect([...cache.ownership('teams-key')]).toEqual([]);
    expect(cache.regexFacts()).toEqual([]);
  };
  empty(open('another-build'));
  // the same entries as objects (format 4), checksum right: ignored, never read as the flat arrays of later formats
  const saved = JSON.parse(readFileSync(FILE(), 'utf8').split('\n').slice(1).join('\n')) as { format: number; tool: string };
  writeFileSync(FILE(), checkedBytes({
    ...saved,
    format: 4,
    objects: { 'object-key': ['hash-1', 'VirtualService'] },
    regexFacts: { '/a/.*': FACTS },
    ownership: { teams: 'teams-key', answers: { 'shop\u0000prefix\u0000/shop/': null } },
  }));
  empty(open());
  // a flipped byte
  saveOne();
  const text = readFileSync(FILE(), 'utf8');
  writeFileSync(FILE(), text.replace('hash-1', 'hash-9'));
  empty(open());
});

test('a run that adds nothing and drops nothing leaves the file as it was; any addition or drop writes it', () => {
  saveOne();
  const inode = (): number => statSync(FILE()).ino;
  /** A run using every entry saved, with what `change` does to it. */
  const run = (change: (cache: IncrementalCache) => void = () => undefined): void => {
    const cache = open();
    cache.table('table-key');
    cache.ownership('teams-key');
    cache.setRegexFacts(new Map(cache.regexFacts()));
    cache.setRegexProgramSizes(new Map(cache.regexProgramSizes()));
    change(cache);
    cache.save();
  };
  let before = inode();
  run();
  expect(inode()).toBe(before);
  const changes: ((cache: IncrementalCache) => void)[] = [
    (cache) => cache.ownership('teams-key').set('shop\u0000prefix\u0000/new/', null),
    (cache) => cache.setRegexFacts(new Map([...cache.regexFacts(), ['/b/.*', FACTS]])),
    (cache) => cache.setRegexProgramSizes(new Map([...cache.regexProgramSizes(), ['/b/.*', 3]])),
    (cache) => cache.setTable('table-key', { findings: [], files: {}, kinds: {} }),
    (cache) => cache.setObject('object-key', ['hash-3', 'VirtualService']),
  ];
  for (const change of changes) {
    run(change);
    expect(inode()).not.toBe(before);
    before = inode();
  }
  // a run that did not use the table drops it
  const cache = open();
  cache.ownership('teams-key');
  cache.setRegexFacts(new Map(cache.regexFacts()));
  cache.setRegexProgramSizes(new Map(cache.regexProgramSizes()));
  cache.save();
  expect(inode()).not.toBe(before);
  expect(open().table('table-key')).toBeUndefined();
});
