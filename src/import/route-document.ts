import { dump } from 'js-yaml';
import { API_VERSION, SCHEMA_PATH } from '../model/defaults';
import { ImportedBehaviour } from './imported-route';
import { MergedRoute } from './merge-routes';

/**
 * First line after the schema comment of every file `kfaas import` writes. A later import rewrites or removes
 * only files that carry it, never a hand-written route.
 */
export const IMPORT_MARK = '# Imported by kfaas import';

/** The whole text of `routes/<team>/<name>.yaml` for one imported Route. */
export function routeDocumentText(route: MergedRoute, sources: readonly string[]): string {
  const spec: Record<string, unknown> = behaviourFields(route.base, route.name);
  if (route.environments) spec.environments = [...route.environments];
  if (route.clusters) spec.clusters = [...route.clusters];
  const envs = Object.keys(route.overrides).sort();
  if (envs.length > 0) {
    spec.overrides = Object.fromEntries(envs.map((e) => [e, behaviourFields(route.overrides[e], undefined)]));
  }
  const doc = { apiVersion: API_VERSION, kind: 'Route', metadata: { name: route.name }, spec };
  const header = [
    `# yaml-language-server: $schema=../../${SCHEMA_PATH}`,
    `${IMPORT_MARK} from ${sources.join(', ')}.`,
    ...(route.splitReason ? [`# Split from one imported route: ${route.splitReason}.`] : []),
  ];
  return `${header.join('\n')}\n${dump(doc, { lineWidth: -1, noRefs: true, sortKeys: false })}`;
}

/** Route spec fields in the order the README shows them; `service` left out when it equals the route name. */
function behaviourFields(b: Partial<ImportedBehaviour>, routeName: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (b.service !== undefined && b.service !== routeName) out.service = b.service;
  if (b.match !== undefined) {
    out.match = b.match.map((m) => ({
      [m.kind]: m.value,
      ...(m.methods ? { methods: [...m.methods] } : {}),
      ...(m.headers ? { headers: { ...m.headers } } : {}),
      ...(m.query ? { query: { ...m.query } } : {}),
    }));
  }
  if (b.rewriteUri !== undefined) out.rewrite = { uri: b.rewriteUri };
  if (b.timeoutMs !== undefined) out.timeout = durationText(b.timeoutMs);
  if (b.retries !== undefined) {
    const r: Record<string, unknown> = { attempts: b.retries.attempts };
    if (b.retries.perTryTimeoutMs !== undefined) r.perTryTimeout = durationText(b.retries.perTryTimeoutMs);
    if (b.retries.retryOn !== undefined && b.retries.retryOn.length > 0) r.retryOn = [...b.retries.retryOn];
    out.retries = r;
  }
  if (b.traffic !== undefined) out.traffic = b.traffic.map((t) => ({ service: t.service, weight: t.weight }));
  return out;
}

/** Whole milliseconds as kfaas writes durations: `10s`, `1500ms`, `2m`. */
function durationText(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
