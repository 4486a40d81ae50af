import { existsSync, readFileSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { listFiles } from '../../src/util/list-files';
import { SCHEMA_PATH } from '../../src/model/defaults';

/** Every shipped example file points editors (YAML language server) at the published schema. */
const ROOT = join(__dirname, '..', '..');
const examples = ['clusters', 'routes'].flatMap((folder) => listFiles(join(ROOT, folder)).map((f) => `${folder}/${f}`));

test.each(examples)('%s references schema/kfaas.schema.json', (file) => {
  const first = readFileSync(join(ROOT, file), 'utf8').split('\n')[0];
  const m = /^# yaml-language-server: \$schema=(.+)$/.exec(first);
  expect(m).not.toBeNull();
  const target = resolve(dirname(join(ROOT, file)), m![1]);
  expect(target).toBe(resolve(ROOT, SCHEMA_PATH));
  expect(existsSync(target)).toBe(true);
});
