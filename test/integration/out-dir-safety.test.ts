import { cpSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { main } from '../../src/cli/main';
import { CliIo } from '../../src/cli/io';
import { listFiles } from '../../src/util/list-files';

/**
 * Publishing only ever deletes files kfaas wrote: even `--out .` (the project root) leaves the route and
 * cluster files, and anything else hand-written, in place.
 */
test('synth --out pointed at the project root deletes nothing kfaas did not write', async () => {
  // GIVEN a copy of the example project
  const root = mkdtempSync(join(tmpdir(), 'kfaas-outdir-'));
  try {
    for (const folder of ['clusters', 'routes']) cpSync(join(__dirname, '..', '..', folder), join(root, folder), { recursive: true });
    const inputs = listFiles(root).map((f) => [f, readFileSync(join(root, f), 'utf8')] as const);

    // WHEN it is synthesized into its own root, twice
    let err = '';
    const io: CliIo = { stdout: () => undefined, stderr: (t) => (err += t), env: {}, cwd: root };
    expect(await main(['synth', '--root', root, '--out', root], io)).toBe(0);
    expect(await main(['synth', '--root', root, '--out', root, '--no-cache'], io)).toBe(0);

    // THEN every input file is still there, unchanged, and the foreign files were named as such
    for (const [f, text] of inputs) expect({ f, text: readFileSync(join(root, f), 'utf8') }).toEqual({ f, text });
    expect(err).toContain('routes/shop/cart.yaml was not written by kfaas; left in place');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
