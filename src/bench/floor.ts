import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { dump, loadAll } from 'js-yaml';

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

function walkYaml(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walkYaml(p, out);
    else if (entry.name.endsWith('.yaml') || entry.name.endsWith('.yml')) out.push(p);
  }
}

function main(argv: readonly string[]): void {
  const [root, objectsFile, outDir] = argv;
  const inputs: string[] = [];
  walkYaml(join(root, 'clusters'), inputs);
  walkYaml(join(root, 'routes'), inputs);
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
