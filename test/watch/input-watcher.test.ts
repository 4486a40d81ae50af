import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { FALLBACK_POLL_MS, InputWatcher, InputWatcherOptions } from '../../src/watch/input-watcher';

/** What wakes `kfaas watch`: real file system events on a temp project, and the fallback to polling. */
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kfaas-input-watcher-'));
  mkdirSync(join(root, 'routes', 'shop'), { recursive: true });
  mkdirSync(join(root, 'clusters'));
  writeFileSync(join(root, 'routes', 'shop', 'cart.yaml'), 'a: 1\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A started watcher and a promise of its next wake-up. */
function watching(options: Partial<InputWatcherOptions> = {}): { watcher: InputWatcher; woken: () => Promise<void>; wakes: () => number } {
  let wakes = 0;
  let next: (() => void) | undefined;
  const watcher = new InputWatcher({
    root,
    areas: ['clusters', 'routes'],
    debounceMs: 20,
    onChange: () => {
      wakes++;
      next?.();
    },
    ...options,
  });
  watcher.start();
  const woken = (): Promise<void> => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not woken within 5 s')), 5000);
    next = () => {
      clearTimeout(timer);
      next = undefined;
      resolve();
    };
  });
  return { watcher, woken, wakes: () => wakes };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('a file replaced by a rename (as editors and sed -i save) wakes it every time, not only the first', async () => {
  const { watcher, woken } = watching();
  try {
    for (const text of ['a: 2\n', 'a: 3\n', 'a: 4\n']) {
      const wake = woken();
      writeFileSync(join(root, 'routes', 'shop', 'cart.yaml.tmp'), text);
      renameSync(join(root, 'routes', 'shop', 'cart.yaml.tmp'), join(root, 'routes', 'shop', 'cart.yaml'));
      await wake;
    }
  } finally {
    watcher.stop();
  }
});

test('a file in a team folder created after the start wakes it, and so does the routes/ folder itself coming back', async () => {
  const { watcher, woken } = watching();
  try {
    let wake = woken();
    mkdirSync(join(root, 'routes', 'pay'));
    await wake;
    wake = woken();
    writeFileSync(join(root, 'routes', 'pay', 'refund.yaml'), 'a: 1\n');
    await wake;
    wake = woken();
    rmSync(join(root, 'routes'), { recursive: true });
    await wake;
    wake = woken();
    mkdirSync(join(root, 'routes', 'web'), { recursive: true });
    await wake;
    wake = woken();
    writeFileSync(join(root, 'routes', 'web', 'home.yaml'), 'a: 1\n');
    await wake;
  } finally {
    watcher.stop();
  }
});

test('a burst of events wakes it once, and dot files (editor swap files) not at all', async () => {
  const { watcher, woken, wakes } = watching({ debounceMs: 150 });
  try {
    const wake = woken();
    for (let i = 0; i < 5; i++) writeFileSync(join(root, 'routes', 'shop', 'cart.yaml'), `a: ${i}\n`);
    await wake;
    writeFileSync(join(root, 'routes', 'shop', '.cart.yaml.swp'), 'x');
    await sleep(400);
    expect(wakes()).toBe(1);
  } finally {
    watcher.stop();
  }
});

test('where a folder cannot be watched (ENOSPC), it says so once and polls instead, at the interval it names', async () => {
  const messages: string[] = [];
  const { watcher, woken } = watching({
    watchFolder: () => {
      throw Object.assign(new Error('inotify limit'), { code: 'ENOSPC' });
    },
    onFallback: (m) => messages.push(m),
  });
  try {
    await woken(); // right after falling back: anything may have changed
    await woken(); // then from the poll
    expect(messages).toEqual([
      `cannot watch ${root} for changes (ENOSPC: the inotify watch limit (fs.inotify.max_user_watches) is reached); polling every ${FALLBACK_POLL_MS} ms instead`,
    ]);
  } finally {
    watcher.stop();
  }
});

test('--poll: no watching at all, a look every interval', async () => {
  let watched = 0;
  const { watcher, woken } = watching({
    pollMs: 100,
    watchFolder: () => {
      watched++;
      throw new Error('not expected');
    },
  });
  try {
    await woken();
    await woken();
    expect(watched).toBe(0);
  } finally {
    watcher.stop();
  }
});
