import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { withProfileTables } from './profile-table';

/** `npm run docs:profiles`: rewrites the README's generated version profile section. */
const readme = join(__dirname, '..', '..', '..', 'README.md');
const before = readFileSync(readme, 'utf8');
const after = withProfileTables(before);
if (after !== before) writeFileSync(readme, after);
process.stdout.write(after === before ? 'README.md profile tables are up to date\n' : 'README.md profile tables rewritten\n');
