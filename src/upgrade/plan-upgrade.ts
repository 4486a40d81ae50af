import { readFileSync } from 'fs';
import { join, resolve } from 'path';
import { Diagnostic, formatDiagnostic } from '../diagnostics/diagnostic';
import { diffRenderedTrees, TreeDiffReport } from '../diff/diff-trees';
import { GENERATED_MARK } from '../model/defaults';
import { runPipeline } from '../pipeline';
import { listFiles } from '../util/list-files';
import { editClusterVersions, VersionEdit } from './edit-cluster-versions';

/** What `kfaas upgrade-plan` found. */
export interface UpgradePlan {
  readonly cluster: string;
  /** The cluster file that was edited in memory. */
  readonly file: string;
  readonly from: { readonly istio: string; readonly knative: string };
  readonly to: { readonly istio: string; readonly knative: string };
  /** Every diagnostic of a run with the new versions. */
  readonly diagnostics: readonly Diagnostic[];
  /** Diagnostics the new versions raise that the current ones do not (`kfaas synth` would show them after the edit). */
  readonly raised: readonly Diagnostic[];
  /** Diagnostics of the current versions that the new ones no longer raise (e.g. a split that becomes possible). */
  readonly resolved: readonly Diagnostic[];
  /** The cluster's output as a synth after the edit would write it (paths relative to the output folder); absent on errors. */
  readonly planned?: Map<string, string>;
  /** `dist/<cluster>/` as on disk against `planned`; absent on errors. */
  readonly report?: TreeDiffReport;
}

/** A user error of `upgrade-plan` (unknown cluster, unloadable project). */
export class UpgradePlanError extends Error {}

/**
 * Renders the project with one cluster's versions replaced, in memory: the cluster's file is edited as text and
 * the whole project goes through the normal load → compile → render path (so every version check of the loader
 * and compiler applies), and nothing is written. Compares the cluster's planned output with its folder on disk,
 * and the diagnostics with those of the current versions.
 */
export function planUpgrade(root: string, outDir: string, cluster: string, edit: VersionEdit): UpgradePlan {
  const current = runPipeline({ root, outDir, write: false });
  const model = current.project?.clusters.find((c) => c.name === cluster);
  if (!model) {
    const known = current.project?.clusters.map((c) => c.name).join(', ') || 'none';
    const errors = current.diagnostics.filter((d) => d.severity === 'error' && d.location?.file.startsWith('clusters/'));
    const why = errors.length > 0 ? `; clusters/ has errors:\n${errors.map(formatDiagnostic).join('\n')}` : '';
    throw new UpgradePlanError(`no cluster ${cluster} (known: ${known})${why}`);
  }
  const file = model.origin.at.file;
  const text = editClusterVersions(readFileSync(join(root, file), 'utf8'), cluster, edit);
  if (text === undefined) throw new UpgradePlanError(`${file}: cannot find spec.istio and spec.knative of cluster ${cluster} to edit`);
  const planned = runPipeline({ root, outDir, write: false, overlay: new Map([[file, text]]) });

  const key = (d: Diagnostic): string => formatDiagnostic(d);
  const before = new Set(current.diagnostics.map(key));
  const after = new Set(planned.diagnostics.map(key));
  const from = { istio: model.istio.raw, knative: model.knative.raw };
  const plan = {
    cluster,
    file,
    from,
    to: { istio: edit.istio ?? from.istio, knative: edit.knative ?? from.knative },
    diagnostics: planned.diagnostics,
    raised: planned.diagnostics.filter((d) => !before.has(key(d))),
    resolved: current.diagnostics.filter((d) => !after.has(key(d))),
  };
  if (!planned.tree) return plan;
  const prefix = `${cluster}/`;
  const head = new Map([...planned.tree].filter(([path]) => path.startsWith(prefix)));
  return { ...plan, planned: head, report: diffRenderedTrees(readOutputFolder(outDir, cluster), head) };
}

/** The files kfaas generated under `<outDir>/<cluster>/`, keyed like a rendered tree (`<cluster>/<env>/<file>`). */
export function readOutputFolder(outDir: string, cluster: string): Map<string, string> {
  const out = new Map<string, string>();
  const dir = resolve(outDir, cluster);
  for (const rel of listFiles(dir)) {
    let text: string;
    try {
      text = readFileSync(join(dir, rel), 'utf8');
    } catch {
      continue; // a dangling symlink or an unreadable file is not kfaas output
    }
    if (text.startsWith(GENERATED_MARK)) out.set(`${cluster}/${rel}`, text);
  }
  return out;
}
