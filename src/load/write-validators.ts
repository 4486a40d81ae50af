import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { GENERATED_VALIDATORS, validatorSource } from './validator-source';

/** `npm run schema:validators`: rewrites src/load/generated/kfaas-validators.ts from schema/kfaas.schema.json. */
const target = join(__dirname, '..', '..', '..', GENERATED_VALIDATORS);
const after = validatorSource();
let before = '';
try {
  before = readFileSync(target, 'utf8');
} catch {
  // not generated yet
}
if (after !== before) writeFileSync(target, after);
process.stdout.write(after === before ? `${GENERATED_VALIDATORS} is up to date\n` : `${GENERATED_VALIDATORS} rewritten\n`);
