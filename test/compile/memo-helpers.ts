import { compileEnvironment, EnvironmentOptions } from '../../src/compile/compile-environment';
import { planProject, ProjectPlan } from '../../src/compile/compile-project';
import { FindingRecord, Findings } from '../../src/compile/findings';
import { EnvironmentTable } from '../../src/compile/route-table';
import { httpRouteProfileKey, sizeOfHttpRoute } from '../../src/emit/istio/http-route';
import { Project } from '../../src/model/project';

/** The sizes the emitter writes, and what they depend on in a profile (what synth compiles with). */
export const emittedSizes = {
  sizeOf: (http: Parameters<typeof sizeOfHttpRoute>[0], t: { profile: Parameters<typeof sizeOfHttpRoute>[1] }) => sizeOfHttpRoute(http, t.profile),
  sizeKeyOf: httpRouteProfileKey,
};

/** Every (cluster, environment) table of a project and the findings of each, in the plan's slot order. */
export interface CompiledTables {
  readonly tables: EnvironmentTable[];
  readonly findings: FindingRecord[][];
}

/**
 * Every table and its findings, compiled with the plan's shared memos (SharedEntries, TableMemo, OrderCheckMemo,
 * PlacementMemo: what synth does) or each alone (no memo, and a size key of its own so nothing is shared).
 * `budget`: the largest object in bytes. @default the plan's default
 */
export function compileEachTable(p: Project, shared: boolean, budget?: number, sizes = emittedSizes): CompiledTables {
  // Alone: the plan `kfaas explain --env` compiles its one table with (shareBetweenTables: false).
  const plan: ProjectPlan = planProject(p, { ...sizes, ...(budget ? { maxObjectBytes: budget } : {}), ...(shared ? {} : { shareBetweenTables: false }) });
  let next = 0;
  const alone: EnvironmentOptions = { ...plan.options, sizeKeyOf: () => `table ${++next}` };
  if (!shared) expect([plan.options.sharedEntries, plan.options.tableMemo, plan.options.orderChecks, plan.options.placements]).toEqual([undefined, undefined, undefined, undefined]);
  const findings: FindingRecord[][] = [];
  const tables = plan.slots.map((slot) => {
    const own = new Findings();
    const table = compileEnvironment(slot, shared ? plan.options : alone, own);
    findings.push(own.records);
    return table;
  });
  return { tables, findings };
}
