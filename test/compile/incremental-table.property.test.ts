import fc from 'fast-check';
import { compileEnvironmentFromIndex, sortedEntriesOf } from '../../src/compile/compile-environment';
import { compileSlot, planProject, ProjectPlan } from '../../src/compile/compile-project';
import { IndexedObject } from '../../src/compile/incremental-table';
import { rootUnitCounts } from '../../src/compile/layout-merged';
import { VirtualServiceTable } from '../../src/compile/route-table';
import { changedFilesOf, ListRows, listWithLandings, rowsOf, updateRows } from '../../src/compile/table-index';
import { MatchInput, ProjectBuilder } from '../support/project-builder';
import { jsonSizeOf } from './helpers';

/**
 * The index-driven compile of a table (compileEnvironmentFromIndex: layoutFromIndex) against a compile from scratch:
 * random projects whose paths are prefixes of one another (several components, exact, prefix and regex matches,
 * fallback routes inside owned prefixes, groups large enough to be delegated, several objects per table, folders near
 * their room), then random route edits. After each edit, every table the index compiles must be the table a full
 * compile gives (names, roles, HTTP routes, order), kept objects included, and a full compile must find nothing there
 * (the index path never hides a finding: it compiles a table only when the previous compile and its own checks of the
 * changed components found nothing). The index then records what the build would record. Tables where fallback routes
 * land are compiled whole (their proof reads other components); the test checks they are refused.
 */
type Kind = 'prefix' | 'exact' | 'regex' | 'regex-prefix';
interface GenRoute {
  readonly name: string;
  readonly team: string;
  /** Segments under /faas/api/<team>/. */
  readonly segments: readonly string[];
  readonly kind: Kind;
  readonly timeoutMs?: number;
  readonly prodOnly?: boolean;
  readonly fallback?: boolean;
}

const TEAMS = ['t0', 't1'];

function matchOf(r: GenRoute): MatchInput {
  const base = `/faas/api/${r.team}/${r.segments.join('/')}`;
  switch (r.kind) {
    case 'exact':
      return { exact: base };
    case 'regex':
      return { regex: `${base}/v[0-9]+` };
    case 'regex-prefix':
      return { regex: `${base}/.*` };
    default:
      return `${base}/`;
  }
}

function projectOf(routes: readonly GenRoute[]) {
  const b = new ProjectBuilder()
    .cluster('c1', { istio: '1.22.6', environments: ['alpha', 'prod'] })
    // Istio 1.5: no delegation, so a group too large for one object is an error there
    .cluster('c2', { istio: '1.5.4', knative: '0.15.0', environments: ['alpha'] })
    .team('t0', ['/faas/api/t0/'])
    .team('t1', ['/faas/api/t1/']);
  for (const r of routes) {
    b.route(r.name, {
      team: r.fallback ? 'plat' : r.team, match: [matchOf(r)],
      ...(r.timeoutMs ? { timeoutMs: r.timeoutMs } : {}), ...(r.prodOnly ? { environments: ['prod'] } : {}),
      ...(r.fallback ? { fallback: true } : {}),
    });
  }
  return b.build();
}

const segmentArb = fc.constantFrom('a', 'b', 'ab', 'a-b', 'c');
const routeArb = (name: string): fc.Arbitrary<GenRoute> => fc.record({
  name: fc.constant(name),
  team: fc.constantFrom(...TEAMS),
  // Mostly under a few first segments, so that some groups outgrow one object
  segments: fc.tuple(fc.constantFrom('a', 'a', 'a', 'b', 'c'), fc.array(segmentArb, { maxLength: 2 })).map(([first, rest]) => [first, ...rest]),
  kind: fc.constantFrom<Kind>('prefix', 'prefix', 'prefix', 'exact', 'exact', 'regex', 'regex-prefix'),
  timeoutMs: fc.option(fc.constantFrom(1000, 2000, 30000), { nil: undefined }),
  prodOnly: fc.boolean(),
  fallback: fc.constantFrom(false, false, false, false, false, false, false, false, false, true),
}).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined && v !== false)) as unknown as GenRoute);

type Edit = { readonly op: 'add'; readonly route: GenRoute } | { readonly op: 'remove' | 'change'; readonly at: number; readonly route: GenRoute };
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.nat(999).chain((n) => routeArb(`n${n}`)).map((route): Edit => ({ op: 'add', route })),
  fc.record({ at: fc.nat(), route: routeArb('x') }).map(({ at, route }): Edit => ({ op: 'remove', at, route })),
  fc.record({ at: fc.nat(), route: routeArb('x') }).map(({ at, route }): Edit => ({ op: 'change', at, route })),
);

function applyEdit(routes: readonly GenRoute[], edit: Edit): GenRoute[] {
  if (edit.op === 'add') return routes.some((r) => r.name === edit.route.name) ? [...routes] : [...routes, edit.route];
  if (routes.length === 0) return [];
  const target = routes[edit.at % routes.length];
  if (edit.op === 'remove') return routes.filter((r) => r !== target);
  return routes.map((r) => (r === target ? { ...edit.route, name: target.name } : r));
}

/** The content key of each route file (one route per file: routes/<team>/<name>.yaml). */
function fileKeys(routes: readonly GenRoute[]): (path: string) => string {
  const byPath = new Map(routes.map((r) => [`routes/${r.fallback ? 'plat' : r.team}/${r.name}.yaml`, JSON.stringify(r)]));
  return (path) => byPath.get(path) ?? `missing:${path}`;
}

/** What the build keeps per table: the index entry and the objects it stands for (as the output folder would). */
interface Indexed {
  readonly rows: ListRows;
  readonly objects: readonly IndexedObject[];
}

/** A stand-in for the object key: the object's content (kept objects are found by it, as in the output folder). */
const keyOf = (vs: VirtualServiceTable): string => JSON.stringify(vs);

const BUDGETS = { maxObjectBytes: 1024 + 1600, preferredObjectBytes: 1024 + 700 };

function planOf(routes: readonly GenRoute[], maxObjectsPerFolder: number): ProjectPlan {
  return planProject(projectOf(routes), { ...BUDGETS, maxObjectsPerFolder, sizeOf: jsonSizeOf, shareBetweenTables: false });
}

/** The index entry of a table compiled whole, when the build records one. */
function indexOfFull(compiled: ReturnType<typeof compileSlot>, keyOfFile: (path: string) => string): Indexed | undefined {
  const sorted = sortedEntriesOf(compiled.table);
  const units = rootUnitCounts(compiled.table.virtualServices);
  if (compiled.findings.length > 0 || !sorted || !units || compiled.table.virtualServices.some((vs) => vs.role !== 'root')) return undefined;
  const vss = compiled.table.virtualServices;
  return { rows: rowsOf(sorted, keyOfFile), objects: units.map((n, i) => ({ name: vss[i].name, units: n, key: keyOf(vss[i]) })) };
}

test('a table compiled from its index equals the table compiled from scratch, after every edit of random edit sequences', () => {
  let fromIndex = 0;
  let keptObjects = 0;
  const fallbacks = new Map<string, number>();
  fc.assert(
    fc.property(
      fc.array(fc.nat(999).chain((n) => routeArb(`r${n}`)), { minLength: 4, maxLength: 50 }),
      fc.array(editArb, { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 3, max: 12 }),
      // objects whose file is gone from the output folder (canKeep refuses them): built again
      fc.boolean(),
      // fallback routes (the tables they land in are compiled whole): in some runs only
      fc.boolean(),
      (generated, moves, maxObjectsPerFolder, filesLost, withFallbacks) => {
        const noFallback = (r: GenRoute): GenRoute => (withFallbacks || !r.fallback ? r : { ...r, fallback: undefined });
        const edits = moves.map((e) => ({ ...e, route: noFallback(e.route) }));
        let routes = generated.filter((r, i) => generated.findIndex((o) => o.name === r.name) === i).map(noFallback);
        const objects = new Map<string, VirtualServiceTable>();
        const index = new Map<string, Indexed>();
        const record = (plan: ProjectPlan, keyOfFile: (path: string) => string): void => {
          index.clear();
          for (const slot of plan.slots) {
            const full = compileSlot(plan, slot);
            const entry = indexOfFull(full, keyOfFile);
            for (const vs of full.table.virtualServices) objects.set(keyOf(vs), vs);
            if (entry) index.set(`${slot.cluster.name}/${slot.environment.name}`, entry);
          }
        };
        record(planOf(routes, maxObjectsPerFolder), fileKeys(routes));
        for (const edit of edits) {
          routes = applyEdit(routes, edit);
          const keyOfFile = fileKeys(routes);
          const plan = planOf(routes, maxObjectsPerFolder);
          const next = new Map<string, Indexed>();
          for (const slot of plan.slots) {
            const name = `${slot.cluster.name}/${slot.environment.name}`;
            const full = compileSlot(plan, slot);
            for (const vs of full.table.virtualServices) objects.set(keyOf(vs), vs);
            const previous = index.get(name);
            if (!previous) {
              const entry = indexOfFull(full, keyOfFile);
              if (entry) next.set(name, entry);
              continue;
            }
            const changed = changedFilesOf(previous.rows, slot.landings, (file, key) => key === keyOfFile(file));
            const result = compileEnvironmentFromIndex(slot, plan.options, {
              previous, changed,
              list: (changedEntries) => listWithLandings(updateRows(previous.rows, changed, changedEntries(), keyOfFile), slot.landings),
              canKeep: (object) => !filesLost || object.name.length % 2 === 0,
            });
            if ('fallback' in result) {
              fallbacks.set(result.fallback, (fallbacks.get(result.fallback) ?? 0) + 1);
              const entry = indexOfFull(full, keyOfFile);
              if (entry) next.set(name, entry);
              continue;
            }
            fromIndex++;
            // THEN a full compile finds nothing in this table, and gives the same objects in the same order
            expect(full.findings.map((f) => f.diagnostic.message)).toEqual([]);
            const assembled = result.roots.map((r) => ('kept' in r ? objects.get(r.kept.key)! : r.built));
            keptObjects += result.roots.filter((r) => 'kept' in r).length;
            expect(assembled).toEqual(full.table.virtualServices);
            expect(result.table.virtualServices).toEqual(result.roots.flatMap((r) => ('built' in r ? [r.built] : [])));
            next.set(name, {
              rows: result.rows,
              objects: result.roots.map((r, i) => ('kept' in r ? r.kept : { name: r.built.name, units: result.unitCounts[i], key: keyOf(r.built) })),
            });
          }
          index.clear();
          for (const [k, v] of next) index.set(k, v);
        }
      },
    ),
    { numRuns: 150 },
  );
  // The index path was taken (about 600 tables in 150 runs) and kept objects (about 400), and it refused tables
  // whose changed components the order checks find something in
  expect(fromIndex).toBeGreaterThan(100);
  expect(keptObjects).toBeGreaterThan(50);
  expect(fallbacks.get('the order checks found something')).toBeGreaterThan(0);
  expect(fallbacks.get('fallback routes')).toBeGreaterThan(0);
}, 240_000);
