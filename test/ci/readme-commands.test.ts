import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';

/** The README's commands run as written on a fresh `npm ci`, without a global install or network. */
const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };
const docs = ['README.md', 'docs/ARCHITECTURE.md', 'docs/benchmarks.md'].map((f) => [f, readFileSync(join(ROOT, f), 'utf8')] as const);
const SUBCOMMANDS = 'synth|watch|validate|explain|import|map|diff|upgrade-plan';

test('commands are written as `npx kfaas ...` (npm ci puts no kfaas on PATH), and npx finds the bin offline', () => {
  expect(pkg.bin.kfaas).toBe('bin/kfaas');
  const bare = new RegExp(`(?:\`|^\\$ |^)kfaas (?:${SUBCOMMANDS})\\b`, 'gm');
  for (const [file, text] of docs) expect({ file, bare: text.match(bare) ?? [] }).toEqual({ file, bare: [] });
  expect(docs[0][1]).toMatch(/`npx kfaas synth`/);
  const r = spawnSync('npx', ['--no-install', 'kfaas', '--help'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, npm_config_offline: 'true' } });
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^kfaas: compiles routes\//);
});

test('every script that runs cdk8s-cli turns its upgrade check (a registry look-up) off', () => {
  const cdk8s = Object.entries(pkg.scripts).filter(([, cmd]) => /\bcdk8s (?:synth|import)\b/.test(cmd));
  expect(cdk8s.map(([name]) => name).sort()).toEqual(['cdk8s:synth', 'import']);
  for (const [name, cmd] of cdk8s) expect({ name, cmd }).toEqual({ name, cmd: expect.stringMatching(/^CDK8S_CHECK_UPGRADE=false cdk8s /) });
  expect(docs[0][1]).toMatch(/CDK8S_CHECK_UPGRADE=false/);
});
