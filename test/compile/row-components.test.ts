import fc from 'fast-check';
import { partitionComponents } from '../../src/compile/partition';
import { componentsOf, diffOf, RowComponents } from '../../src/compile/row-components';
import { ListRows } from '../../src/compile/table-index';

/**
 * The columns of a list's components (row-components.ts, read by the index-driven layout) against partitionComponents
 * (what a full compile lays out), on random rows whose literals are prefixes of one another; and the diff of two
 * partitions against its definition (a component is unchanged when the other partition has one of the same root and
 * neither holds a row of a changed file).
 */
interface Row {
  readonly literal: string;
  readonly size: number;
  readonly file: string;
}

const FILES = ['f0', 'f1', 'f2', 'f3', 'f4'];
const rowArb: fc.Arbitrary<Row> = fc.record({
  literal: fc.array(fc.constantFrom('/a', '/b', '/', 'a', 'b'), { maxLength: 4 }).map((parts) => parts.join('')),
  size: fc.integer({ min: 1, max: 500 }),
  file: fc.constantFrom(...FILES),
});
const rowsArb = fc.array(rowArb, { maxLength: 40 });
const changedArb = fc.subarray(FILES).map((files) => new Set(files));

/** ListRows of `rows` (one route per file), in literal order as the table index keeps them. */
function listRowsOf(rows: readonly Row[]): { readonly list: ListRows; readonly sorted: readonly Row[] } {
  const sorted = [...rows].sort((a, b) => (a.literal < b.literal ? -1 : a.literal > b.literal ? 1 : 0));
  const routes = FILES.map((file) => ({ name: `route-${file}`, file, fileKey: `key-${file}` }));
  return {
    sorted,
    list: { literals: sorted.map((r) => r.literal), sizes: sorted.map((r) => r.size), routeOf: sorted.map((r) => FILES.indexOf(r.file)), routes },
  };
}

/** The columns as plain arrays, for comparison. */
function plain(c: RowComponents) {
  return { roots: [...c.roots], starts: [...c.starts], sizes: [...c.sizes], touched: [...c.touched] };
}

test('componentsOf gives the components partitionComponents gives, as columns', () => {
  fc.assert(
    fc.property(rowsArb, changedArb, (rows, changed) => {
      const { list, sorted } = listRowsOf(rows);
      const expected = partitionComponents(sorted);
      const starts = [0];
      for (const c of expected) starts.push(starts[starts.length - 1] + c.entries.length);
      expect(plain(componentsOf(list, changed))).toEqual({
        roots: expected.map((c) => c.root),
        starts,
        sizes: expected.map((c) => c.entries.reduce((sum, e) => sum + e.size, 0)),
        touched: expected.map((c) => (c.entries.some((e) => changed.has(e.file)) ? 1 : 0)),
      });
      // a component's rows are one run of the rows, starting at its root
      const components = componentsOf(list, changed);
      expected.forEach((c, i) => expect(list.literals.slice(components.starts[i], components.starts[i + 1])).toEqual(c.entries.map((e) => e.literal)));
    }),
    { numRuns: 300 },
  );
});

test('diffOf: unchanged components, their running count and the largest component of either partition', () => {
  fc.assert(
    fc.property(rowsArb, rowsArb, changedArb, (rowsBefore, rowsNow, changed) => {
      const before = componentsOf(listRowsOf(rowsBefore).list, changed);
      const now = componentsOf(listRowsOf(rowsNow).list, changed);
      const diff = diffOf(before, now);
      const sameRootClean = (root: string, other: RowComponents, touched: number): number => {
        const k = other.roots.indexOf(root);
        return k >= 0 && touched === 0 && other.touched[k] === 0 ? 1 : 0;
      };
      const unchanged = now.roots.map((root, j) => sameRootClean(root, before, now.touched[j]));
      expect([...diff.unchanged]).toEqual(unchanged);
      expect([...diff.cleanBefore]).toEqual(before.roots.map((root, i) => sameRootClean(root, now, before.touched[i])));
      expect([...diff.unchangedBefore]).toEqual(unchanged.reduce((counts, u) => [...counts, counts[counts.length - 1] + u], [0]));
      expect(diff.largest).toBe(Math.max(0, ...before.sizes, ...now.sizes));
    }),
    { numRuns: 300 },
  );
});
