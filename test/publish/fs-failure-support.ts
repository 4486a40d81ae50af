import { spawnSync, SpawnSyncReturns } from 'child_process';
import { chownSync, cpSync, mkdirSync, readdirSync, writeFileSync } from 'fs';
import { join } from 'path';

/**
 * Real file-system failures for the publishing tests, made the real way where this machine allows it (we run as
 * root in CI: tmpfs mounts, read-only bind mounts, `chattr +i`, an unprivileged user through setpriv) and
 * otherwise injected into the CLI process with a preload that makes the named fs calls fail with the errno.
 * Each test names in its title which way ran; none is ever skipped.
 */
export const REPO = join(__dirname, '..', '..');

function run(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

/** Mounts a tmpfs of `kib` KiB at `dir`; false when mounting is not allowed here. */
export function mountTmpfs(dir: string, kib: number): boolean {
  mkdirSync(dir, { recursive: true });
  return run('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir]);
}

/** Makes `dir` a read-only bind mount of itself; false when not allowed here. */
export function bindReadOnly(dir: string): boolean {
  if (!run('mount', ['--bind', dir, dir])) return false;
  if (run('mount', ['-o', 'remount,bind,ro', dir])) return true;
  run('umount', [dir]);
  return false;
}

export function unmount(dir: string): void {
  run('umount', [dir]);
}

/** Sets or clears the immutable attribute; false when the file system or the process cannot. */
export function chattr(flag: '+i' | '-i', path: string): boolean {
  return run('chattr', [flag, path]);
}

/** The command prefix that runs a program as user nobody, or undefined when that cannot be done here. */
export function asNobody(): string[] | undefined {
  const prefix = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'];
  const probe = spawnSync(prefix[0], [...prefix.slice(1), process.execPath, '-e', `require(${JSON.stringify(join(REPO, 'lib', 'src', 'cli', 'main.js'))})`], {
    encoding: 'utf8',
  });
  return !probe.error && probe.status === 0 ? prefix : undefined;
}

/** Gives a folder tree to user nobody (for runs as nobody). */
export function chownTree(dir: string): void {
  chownSync(dir, 65534, 65534);
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) chownSync(join(e.parentPath ?? (e as unknown as { path: string }).path, e.name), 65534, 65534);
}

/** A failure to inject: calls of `fs[op]` on a path starting with `under` throw an error with `code`. */
export interface Injected {
  readonly op: 'writeFileSync' | 'mkdirSync' | 'readFileSync' | 'renameSync' | 'linkSync';
  readonly under: string;
  readonly code: string;
}

const PRELOAD = `
const fs = require('fs');
for (const rule of JSON.parse(process.env.KFAAS_TEST_INJECT)) {
  const original = fs[rule.op];
  fs[rule.op] = function (p, ...rest) {
    if (String(p).startsWith(rule.under)) {
      const e = new Error(rule.code + ': injected by the test, ' + rule.op + " '" + p + "'");
      e.code = rule.code;
      e.path = String(p);
      throw e;
    }
    return original.call(this, p, ...rest);
  };
}
`;

/** A project copy (routes/, clusters/) in `root`. */
export function makeProject(root: string): void {
  cpSync(join(REPO, 'routes'), join(root, 'routes'), { recursive: true });
  cpSync(join(REPO, 'clusters'), join(root, 'clusters'), { recursive: true });
}

/** Runs `kfaas synth` (the built CLI) on `root`, optionally as another user or with injected failures. */
export function synth(
  root: string,
  args: readonly string[],
  opts: { prefix?: string[]; inject?: readonly Injected[]; preloadDir?: string; env?: Record<string, string> } = {},
): SpawnSyncReturns<string> {
  const nodeArgs: string[] = [];
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...opts.env };
  if (opts.inject && opts.inject.length > 0) {
    const preload = join(opts.preloadDir ?? root, 'inject-fs-failure.js');
    writeFileSync(preload, PRELOAD);
    nodeArgs.push('--require', preload);
    env.KFAAS_TEST_INJECT = JSON.stringify(opts.inject);
  }
  const argv = [process.execPath, ...nodeArgs, join(REPO, 'bin', 'kfaas'), 'synth', '--root', root, ...args];
  const [cmd, ...rest] = [...(opts.prefix ?? []), ...argv];
  return spawnSync(cmd, rest, { encoding: 'utf8', env, cwd: root });
}
