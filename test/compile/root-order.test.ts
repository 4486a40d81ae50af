import { HttpRouteTable, VirtualServiceTable } from '../../src/compile/route-table';
import { compareSpecificity, rank, Ranked } from '../../src/compile/specificity';
import { MatchInput, ProjectBuilder } from '../support/project-builder';
import { compile, jsonSizeOf } from './helpers';

/**
 * Root VirtualServices list their HTTP routes in specificity order (compareSpecificity), a delegating route where
 * its group's prefix would stand, its slices in order: layout-merged.ts places them by their entries' places in the
 * sorted list instead of sorting each object's routes again. Here objects hold several groups, some delegated, with
 * exact, prefix and regex matches, conditions, and routes whose matches rank apart.
 */
const builder = new ProjectBuilder()
  .cluster('c', { istio: '1.22.3', environments: ['alpha'] })
  .team('big', ['/faas/api/big/'])
  .route('big-root', { team: 'big', match: ['/faas/api/big/'] });
for (let i = 0; i < 40; i++) {
  builder.route(`big-${i}`, { team: 'big', match: [`/faas/api/big/s${(i * 37) % 100}/`, { exact: `/faas/api/big/s${(i * 37) % 100}` }] });
}
for (let i = 0; i < 60; i++) {
  const base = `/faas/api/t${i % 7}/svc-${(i * 7919) % 1000}`;
  const shapes: MatchInput[][] = [
    [`${base}/`],
    [{ exact: base }, `${base}/v2/`],
    [{ regex: `${base}/v[0-9]+/.*` }],
    [{ prefix: `${base}/`, conditions: { methods: ['GET', 'POST'] } }, { prefix: `${base}/`, conditions: { headers: { 'x-canary': { kind: 'exact', value: '1' } } } }],
  ];
  builder.route(`r${i}`, { team: `t${i % 7}`, match: shapes[i % 4] });
}
const project = builder.build();

/** What each HTTP route of a root object ranks as: its matches, or a delegating route its group's prefix. */
function keysOf(http: readonly HttpRouteTable[], delegates: readonly VirtualServiceTable[]): Ranked[] {
  return http.flatMap((h) => {
    if (h.action.type === 'delegate') {
      const name = h.action.name;
      const root = h.matches[0].value;
      // its slice: the place of its delegate among the delegates of the same group (layoutMerged names them in order)
      const group = delegates.filter((d) => d.http.some((r) => r.matches.some((m) => m.value.startsWith(root))));
      return [rank('prefix', root, '', `delegate-${String(group.findIndex((d) => d.name === name)).padStart(6, '0')}`)];
    }
    return h.matches.map((m) => rank(m.kind, m.value, h.route, m.origin.path, {
      ...(m.method ? { method: m.method } : {}), ...(m.headers ? { headers: m.headers } : {}), ...(m.query ? { query: m.query } : {}),
    }));
  });
}

test('root objects hold several groups, delegated ones among them, each in specificity order', () => {
  const result = compile(project, { sizeOf: jsonSizeOf, maxObjectBytes: 8000, preferredObjectBytes: 3000 });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const table = result.tables[0];
  const roots = table.virtualServices.filter((vs) => vs.role === 'root');
  const delegates = table.virtualServices.filter((vs) => vs.role === 'delegate');
  expect(roots.length).toBeGreaterThanOrEqual(3);
  expect(delegates.length).toBeGreaterThanOrEqual(2);
  expect(roots.some((vs) => vs.http.some((h) => h.action.type === 'delegate') && new Set(vs.http.map((h) => h.matches[0].value.split('/')[3])).size > 1)).toBe(true);
  for (const vs of roots) {
    const keys = keysOf(vs.http, delegates);
    expect(keys.length).toBeGreaterThan(1);
    expect(keys).toEqual([...keys].sort(compareSpecificity));
  }
});
