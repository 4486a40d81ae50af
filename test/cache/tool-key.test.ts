import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { toolKeyOf } from '../../src/cache/incremental-cache';
import { StatMemo } from '../../src/cache/stat-memo';
import { RUNNING_TOOL, ToolLayout, toolHashes } from '../../src/cache/synth-cache';

/**
 * The tool key (synth-cache.ts toolHashes, incremental-cache.ts toolKeyOf): every cached result depends on the code
 * that made it, so the key must change whenever any code that runs changes, and only then may the cache be reused.
 */
describe('tool key', () => {
  let pkg: string;
  const write = (rel: string, text: string): void => {
    mkdirSync(join(pkg, rel, '..'), { recursive: true });
    writeFileSync(join(pkg, rel), text);
  };
  beforeEach(() => {
    // GIVEN a built kfaas package: modules with their source maps, the bundle, tsc's state, package files
    pkg = mkdtempSync(join(tmpdir(), 'kfaas-tool-'));
    write('package.json', '{"name":"kfaas","version":"0.1.0"}');
    write('package-lock.json', '{"lockfileVersion":3}');
    write('node_modules/.package-lock.json', '{"packages":{"node_modules/js-yaml":{"version":"4.1.0"}}}');
    write('lib/src/compile/route-table.js', 'exports.limit = 50;\n');
    write('lib/src/compile/route-table.js.map', '{"version":3,"mappings":"AAAA"}');
    write('lib/schema/kfaas.schema.json', '{"type":"object"}');
    write('lib/kfaas.js', 'exports.main = () => 0;\n');
    write('lib/.tsbuildinfo', '{"program":{}}');
  });
  afterEach(() => rmSync(pkg, { recursive: true, force: true }));

  const modules = (): ToolLayout => ({ packageRoot: pkg, dirs: ['lib'] });
  const bundle = (): ToolLayout => ({ packageRoot: pkg, bundle: 'lib/kfaas.js', dirs: [] });
  /** The key as a fresh process computes it, and as one with the stat memo an earlier run left. */
  const keys = (layout: ToolLayout, memoDir: string): [string, string] => {
    const memo = StatMemo.open(memoDir, 0);
    const key = toolKeyOf(toolHashes(undefined, memo, layout));
    memo.save();
    return [toolKeyOf(toolHashes(undefined, StatMemo.none(), layout)), key];
  };

  test.each([
    ['a module of the build', 'lib/src/compile/route-table.js', 'exports.limit = 49;\n'],
    ['a module added to the build', 'lib/src/compile/extra.js', 'exports.x = 1;\n'],
    ['a file the build reads (the compiled JSON Schema)', 'lib/schema/kfaas.schema.json', '{"type":"array"}'],
    ['the installed dependencies', 'node_modules/.package-lock.json', '{"packages":{"node_modules/js-yaml":{"version":"4.1.1"}}}'],
    ['the lock file', 'package-lock.json', '{"lockfileVersion":2}'],
    ['package.json', 'package.json', '{"name":"kfaas","version":"0.2.0"}'],
  ])('running the modules of lib/: %s changed changes the key', (_what, rel, text) => {
    const memoDir = join(pkg, '.memo');
    const before = keys(modules(), memoDir);
    // WHEN one file changes (same size where the text allows: the stat memo must still see it)
    write(rel, text);
    // THEN the key changes, with or without the memo
    const after = keys(modules(), memoDir);
    expect(after[0]).not.toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    expect(after[1]).toBe(after[0]);
  });

  test('running the bundle: the bundle changed changes the key, modules it does not run do not', () => {
    const memoDir = join(pkg, '.memo');
    const before = keys(bundle(), memoDir);
    write('lib/src/compile/route-table.js', 'exports.limit = 49;\n');
    expect(keys(bundle(), memoDir)).toEqual(before);
    write('lib/kfaas.js', 'exports.main = () => 1;\n');
    const after = keys(bundle(), memoDir);
    expect(after[0]).not.toBe(before[0]);
    expect(after[1]).toBe(after[0]);
    write('node_modules/.package-lock.json', '{}');
    expect(keys(bundle(), memoDir)[0]).not.toBe(after[0]);
  });

  test('source maps and tsc state run no code: left out of the key', () => {
    const before = keys(modules(), join(pkg, '.memo'))[0];
    write('lib/src/compile/route-table.js.map', '{"version":3,"mappings":"BBBB"}');
    write('lib/.tsbuildinfo', '{"program":{"changed":true}}');
    expect(keys(modules(), join(pkg, '.memo'))[0]).toBe(before);
    expect(Object.keys(toolHashes(undefined, StatMemo.none(), modules())).sort()).toEqual([
      'tool:lib/',
      'tool:lib/kfaas.js',
      'tool:lib/schema/',
      'tool:lib/schema/kfaas.schema.json',
      'tool:lib/src/',
      'tool:lib/src/compile/',
      'tool:lib/src/compile/route-table.js',
      'tool:node_modules/.package-lock.json',
      'tool:package-lock.json',
      'tool:package.json',
    ]);
  });

  test('this process runs the sources (ts-jest): they are what the key covers', () => {
    expect(RUNNING_TOOL.bundle).toBeUndefined();
    expect(RUNNING_TOOL.dirs).toEqual(['src', 'schema', 'imports']);
    // and the build's modules, all of lib/ (bin/kfaas with the bundle: test/cli/bundle.test.ts)
    const built = require('../../lib/src/cache/synth-cache') as { RUNNING_TOOL: ToolLayout };
    expect(built.RUNNING_TOOL).toEqual({ packageRoot: join(__dirname, '..', '..'), dirs: ['lib'] });
  });
});
