import { spawn } from 'child_process';
import { cpSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/**
 * A reader that goes away (`kfaas explain ... | head -1`) closes kfaas's stdout: the command runs on to its own exit
 * status, with no stack trace on stderr (before: an unhandled EPIPE 'error' event, printed with its stack).
 */
const REPO = join(__dirname, '..', '..');
const BIN = join(REPO, 'bin', 'kfaas');

let project: string;
beforeAll(() => {
  // GIVEN a copy of the example project (explain keeps its cache in the project root: never the repository's own)
  project = mkdtempSync(join(tmpdir(), 'kfaas-closed-pipe-'));
  for (const f of ['routes', 'clusters']) cpSync(join(REPO, f), join(project, f), { recursive: true });
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

/** Runs bin/kfaas with its stdout's reader closed before the command writes anything. */
function runWithStdoutClosed(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

test('explain whose stdout reader went away exits 0 without a stack trace', async () => {
  // WHEN explain answers into a pipe already closed
  const r = await runWithStdoutClosed(['explain', '--cluster', 'us-west-prod', '--env', 'prod', '/faas/api/saas/showroom/x']);
  // THEN it ends as it would with a reader: exit 0, nothing on stderr
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}, 60_000);

test('a command that fails still exits 2 with its diagnostics on stderr when stdout is closed', async () => {
  // WHEN explain is asked for a cluster the project does not have, its stdout closed
  const r = await runWithStdoutClosed(['explain', '--cluster', 'no-such-cluster', '--env', 'prod', '/faas/api/x']);
  // THEN the usual user error: exit 2, a diagnostic, no stack trace
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/no-such-cluster/);
  expect(r.stderr).not.toMatch(/EPIPE|\n\s+at /);
}, 60_000);
