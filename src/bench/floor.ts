import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { dump, loadAll } from 'js-yaml';
import { listFiles } from '../util/list-files';

/**
 * The benchmark's floor: the least any generator must do. It reads every input file with js-yaml and writes
 * the same output bytes kfaas wrote, with js-yaml, from the output objects (handed over as JSON).
 *
 * Usage: node floor.js <project root> <objects.json> <out dir>
 */
interface FloorFile {
  readonly path: string;
  readonly header: string;
  readonly objects: readonly unknown[];
}

function main(argv: readonly string[]): void {
  const [root, objectsFile, outDir] = argv;
  const inputs = ['clusters', 'routes']
    .flatMap((folder) => listFiles(join(root, folder)).map((f) => join(root, folder, f)))
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'));
  let documents = 0;
  for (const file of inputs) documents += loadAll(readFileSync(file, 'utf8')).length;

  const files = JSON.parse(readFileSync(objectsFile, 'utf8')) as FloorFile[];
  for (const f of files) {
    const body = f.objects.map((o) => dump(o, { noRefs: true, lineWidth: -1, sortKeys: false })).join('---\n');
    const target = join(outDir, f.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, f.header + body);
  }
  process.stdout.write(JSON.stringify({ inputs: inputs.length, documents, outputs: files.length }) + '\n');
}

main(process.argv.slice(2));
