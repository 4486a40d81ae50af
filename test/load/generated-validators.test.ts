import { readFileSync } from 'fs';
import { join } from 'path';
import { GENERATED_VALIDATORS, validatorSource } from '../../src/load/validator-source';
import { DOCUMENT_KINDS } from '../../src/load/document-kinds';
import { schemaCopies, validators } from '../../src/load/generated/kfaas-validators';

/**
 * The loader validates with code generated from schema/kfaas.schema.json at development time (Ajv standalone), so
 * the file must be what the schema, the document kinds and the installed Ajv give today.
 */
const REPO = join(__dirname, '..', '..');

test('src/load/generated/kfaas-validators.ts is current (else: npm run schema:validators)', () => {
  expect(readFileSync(join(REPO, GENERATED_VALIDATORS), 'utf8')).toBe(validatorSource());
});

test('it holds a validator for every document kind and copies of the schema nodes errors point at', () => {
  for (const kind of DOCUMENT_KINDS) expect(typeof validators[kind.definition]).toBe('function');
  const pointers = schemaCopies.map(([, pointer]) => pointer);
  expect(pointers).toEqual(expect.arrayContaining(DOCUMENT_KINDS.map((k) => `/$defs/${k.definition}`)));
});
