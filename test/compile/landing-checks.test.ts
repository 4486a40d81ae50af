import { rmSync } from 'fs';
import { compileEnvironment, EnvironmentOptions } from '../../src/compile/compile-environment';
import { planProject } from '../../src/compile/compile-project';
import { EnvironmentSlot } from '../../src/compile/expand';
import { featureGatesKey } from '../../src/compile/feature-gates';
import { FindingRecord, Findings } from '../../src/compile/findings';
import { landingChecksKey, PlacementMemo } from '../../src/compile/landing-checks';
import { policiesKey } from '../../src/compile/policy-checks';
import { regexesKey } from '../../src/compile/regex-checks';
import { EnvironmentTable } from '../../src/compile/route-table';
import { retriesKey } from '../../src/compile/version-checks';
import { httpRouteProfileKey, sizeOfHttpRoute } from '../../src/emit/istio/http-route';
import { loadProject } from '../../src/load/load-project';
import { Project } from '../../src/model/project';
import { writeProject } from '../load/project-files';

/**
 * The tables of one compile share which landings the per-landing checks place (PlacementMemo) between slots of the
 * same landings and the same landingChecksKey, when the checks found nothing. Each case below has two clusters
 * hosting one environment that differ in exactly one part of that key, the one that accepts the route first (slots
 * are compiled in cluster order): were that part left out of the key, the second cluster would take the first's
 * placement and its finding would go missing.
 */
const options = {
  sizeOf: (http: Parameters<typeof sizeOfHttpRoute>[0], t: { profile: Parameters<typeof sizeOfHttpRoute>[1] }) => sizeOfHttpRoute(http, t.profile),
  sizeKeyOf: httpRouteProfileKey,
};

/** What a case's cluster sets (every cluster hosts environment `test`). */
interface ClusterSpec {
  readonly istio: string;
  /** @default "1.8.6" */
  readonly knative?: string;
  /** @default none: Istio's own */
  readonly gatewayProxy?: string;
  /** @default false */
  readonly allowFaults?: boolean;
}

function cluster(name: string, c: ClusterSpec): string {
  return `apiVersion: kfaas/v1\nkind: Cluster\nmetadata:\n  name: ${name}\nspec:\n  istio: "${c.istio}"\n  knative: "${c.knative ?? '1.8.6'}"\n` +
    (c.gatewayProxy ? `  gatewayProxy: "${c.gatewayProxy}"\n` : '') +
    `  environments:\n    - name: test\n${c.allowFaults ? '      allowFaults: true\n' : ''}`;
}

function route(name: string, spec: string, match = `/faas/api/shop/${name}/`): string {
  const kind = match.endsWith('/') ? 'prefix' : 'regex';
  return `apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: ${name}\nspec:\n  match:\n    - ${kind}: ${match}\n${spec}`;
}

function load(files: Record<string, string>): Project {
  const root = writeProject({ ...files, 'routes/shop/plain.yaml': route('plain', '  timeout: 2s\n') });
  try {
    const { project, diagnostics } = loadProject(root);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    return project;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Every table and its findings, with the plan's placement memo or without (each landing checked in each table). */
function compileAll(project: Project, memo: boolean): { tables: EnvironmentTable[]; findings: FindingRecord[][] } {
  const plan = planProject(project, options);
  const resolved: EnvironmentOptions = memo ? plan.options : { ...plan.options, placements: undefined };
  const findings: FindingRecord[][] = [];
  const tables = plan.slots.map((slot) => {
    const own = new Findings();
    const table = compileEnvironment(slot, resolved, own);
    findings.push(own.records);
    return table;
  });
  return { tables, findings };
}

const parts: Record<string, (slot: EnvironmentSlot) => string> = {
  split: (slot) => String(slot.profile.perDestinationAuthority), featureGates: featureGatesKey, retries: retriesKey, regexes: regexesKey, policies: policiesKey,
};

const cases: { part: string; code: string; a: ClusterSpec; b: ClusterSpec; route: string; match?: string; also?: string }[] = [
  {
    // gateway proxies before 1.12 lack the per-destination authority and, as a feature gate, the split itself
    part: 'split', also: 'featureGates', code: 'weighted-split-unsupported', a: { istio: '1.16.7', gatewayProxy: '1.12.9' }, b: { istio: '1.16.7', gatewayProxy: '1.11.8' },
    route: '  traffic:\n    - { service: a, weight: 30 }\n    - { service: b, weight: 70 }\n',
  },
  {
    part: 'featureGates', code: 'feature-unsupported', a: { istio: '1.16.7' }, b: { istio: '1.16.7', gatewayProxy: '1.14.6' },
    route: '  directResponse:\n    status: 410\n',
  },
  {
    part: 'featureGates', code: 'feature-unsupported', a: { istio: '1.16.7' }, b: { istio: '1.16.7', knative: '0.10.2' },
    route: '  service: shop\n  tag: blue\n',
  },
  {
    part: 'retries', code: 'retry-on-unsupported', a: { istio: '1.23.0' }, b: { istio: '1.22.6' },
    route: '  retries:\n    attempts: 2\n    retryOn: [reset-before-request]\n',
  },
  { part: 'retries', code: 'zero-retries-unsupported', a: { istio: '1.2.1' }, b: { istio: '1.2.0' }, route: '  retries:\n    attempts: 0\n' },
  {
    part: 'regexes', code: 'regex-program-size', a: { istio: '1.13.9' }, b: { istio: '1.12.9' },
    route: '', match: '/faas/api/shop/big/[a-z]{600}/[0-9]{600}',
  },
  {
    part: 'policies', code: 'faults-not-allowed', a: { istio: '1.16.7', allowFaults: true }, b: { istio: '1.16.7' },
    route: '  fault:\n    abort: { httpStatus: 503, percentage: 1 }\n',
  },
];

describe.each(cases)('a slot that differs from another only in $part ($code)', ({ part, code, a, b, route: spec, match, also }) => {
  const project = load({
    'clusters/a-accepts.yaml': cluster('a-accepts', a),
    'clusters/b-refuses.yaml': cluster('b-refuses', b),
    'routes/shop/checked.yaml': route('checked', spec, match),
  });

  test('differs in that part of the key alone', () => {
    const slots = planProject(project, options).slots;
    expect(slots.map((s) => s.cluster.name)).toEqual(['a-accepts', 'b-refuses']);
    const differing = Object.entries(parts).filter(([, key]) => key(slots[0]) !== key(slots[1])).map(([name]) => name);
    expect(differing.sort()).toEqual([part, ...(also ? [also] : [])].sort());
    expect(landingChecksKey(slots[0])).not.toEqual(landingChecksKey(slots[1]));
  });

  test('is checked, not given the placement of the other', () => {
    const memo = compileAll(project, true);
    expect(memo).toEqual(compileAll(project, false));
    // (Istio 1.2.0 also warns, at the cluster, that routes without retries keep Istio's default retries)
    expect(memo.findings.map((f) => f.map((r) => r.diagnostic.code).filter((c) => c !== 'istio-default-retries'))).toEqual([[], [code]]);
    expect(memo.tables[1].virtualServices.flatMap((vs) => vs.http.map((h) => h.route))).toEqual(['plain']);
  });
});

test('slots of the same landings and key share one placement; one that found something is not shared', () => {
  const project = load({
    'clusters/a.yaml': cluster('a', { istio: '1.16.7' }),
    'clusters/b.yaml': cluster('b', { istio: '1.18.7', knative: '1.10.2' }),
    'clusters/c.yaml': cluster('c', { istio: '1.16.7' }),
  });
  const slots = planProject(project, options).slots;
  expect(landingChecksKey(slots[0])).toEqual(landingChecksKey(slots[1]));
  const memo = new PlacementMemo();
  const placed = slots.map((slot) => memo.placed(slot, new Findings()));
  expect(placed[1]).toBe(placed[0]);
  expect(placed[2]).toBe(placed[0]);
  expect(placed[0].map((l) => l.route.name)).toEqual(['plain']);

  const refused = load({
    'clusters/a.yaml': cluster('a', { istio: '1.16.7' }),
    'clusters/b.yaml': cluster('b', { istio: '1.16.7' }),
    'routes/shop/checked.yaml': route('checked', '  fault:\n    abort: { httpStatus: 503, percentage: 1 }\n'),
  });
  const twoSlots = planProject(refused, options).slots;
  const refusing = new PlacementMemo();
  const found = twoSlots.map((slot) => {
    const findings = new Findings();
    const landings = refusing.placed(slot, findings);
    return { landings: landings.map((l) => l.route.name), findings: findings.records.map((r) => r.diagnostic.message) };
  });
  expect(found.map((f) => f.landings)).toEqual([['plain'], ['plain']]);
  expect(found[0].findings).toEqual([expect.stringContaining('cluster a ')]);
  expect(found[1].findings).toEqual([expect.stringContaining('cluster b ')]);
});

test('a slot whose proxies lack the per-destination authority alone is checked, not given the placement of the other', () => {
  // The versions tie the authority to a feature gate (both from 1.12): a profile differing in the authority alone
  // shows the key holds it on its own.
  const project = load({
    'clusters/a.yaml': cluster('a', { istio: '1.16.7' }),
    'clusters/b.yaml': cluster('b', { istio: '1.16.7' }),
    'routes/shop/checked.yaml': route('checked', '  traffic:\n    - { service: a, weight: 30 }\n    - { service: b, weight: 70 }\n'),
  });
  const [first, second] = planProject(project, options).slots;
  const without: EnvironmentSlot = { ...second, profile: { ...second.profile, perDestinationAuthority: false } };
  const memo = new PlacementMemo();
  expect(memo.placed(first, new Findings()).map((l) => l.route.name)).toEqual(['checked', 'plain']);
  const findings = new Findings();
  expect(memo.placed(without, findings).map((l) => l.route.name)).toEqual(['plain']);
  expect(findings.records.map((r) => r.diagnostic.code)).toEqual(['weighted-split-unsupported']);
});
