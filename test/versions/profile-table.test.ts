import { readFileSync } from 'fs';
import { join } from 'path';
import { renderProfileTables, TABLE_END, TABLE_START, withProfileTables } from '../../src/versions/profile-table';

/** The README's version profile tables are generated from the code: this fails when they drift apart. */
describe('README version profile tables', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

  test('are exactly what src/versions generates (run npm run docs:profiles after a change)', () => {
    expect(readme).toContain(TABLE_START);
    expect(readme).toContain(TABLE_END);
    expect(withProfileTables(readme)).toBe(readme);
  });

  test('cover the supported ranges, from the Istio floor to the newest known releases', () => {
    const tables = renderProfileTables();
    expect(tables).toMatch(/^\| 1\.1\.0-1\.2\.0 \|/m);
    expect(tables).toMatch(/^\| 1\.24\.0-1\.30\.x \|/m);
    expect(tables).toMatch(/^\| 0\.8\.0-0\.10\.x \|/m);
    expect(tables).toMatch(/^\| 0\.21\.0-1\.23\.x \|/m);
  });
});
