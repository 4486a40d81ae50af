import { Cluster, Environment } from '../model/project';
import { sha256 } from '../util/sha256';
import { platformProfileFor } from '../versions/platform-profile';
import { isVersion, versionClassOf } from '../versions/version-class';

/**
 * What a (cluster, environment) table and its objects take from the cluster file, as one digest: the whole Cluster
 * but its other environments and its platform-only fields, with every source location left out and every version
 * replaced by its class (versionClassOf), plus the environment itself, also without locations. Every field is in it
 * unless listed here as left out, so a field added to the model is keyed from the start.
 *
 * Left out, because no byte of the table's output depends on them (only its diagnostics do, which quote the
 * version's text and point at the cluster file's lines: a table with findings is reused only under the whole cluster
 * file's key, see incremental-build.ts):
 * - `origin`, and every field named `...Origin` or `...Origins` (`versionOrigins`, `kubernetesOrigin`, ...): where a
 *   value was written (line, column, field path); comments, blank lines and key order move them;
 * - the text of a version within its class (`1.22.6` and `1.22.7`): every threshold compares them alike;
 * - the other environments of the cluster: a table is compiled from its own environment and the cluster-wide
 *   fields (compile-environment.ts), never from a sibling environment;
 * - the fields only the platform folder is made of (compile-platform.ts, forwarding.ts, compile-egress.ts, all keyed
 *   by {@link clusterInputsDigest}): `kubernetes`, `javaExport`, `javaGateway` and the east-west `gateway` but its
 *   `domains` (compile-domains.ts reads those for the environment's business domains).
 *
 * The digest is the same for equal inputs whatever the cluster file's order of keys, comments or environments.
 */
export function slotInputsDigest(cluster: Cluster, environment: Environment): string {
  const { environments: _others, kubernetes: _k, javaExport: _j, javaGateway: _g, gateway, ...read } = cluster;
  // The east-west gateway's business domains decide which hostnames an environment serves; the rest of it is the
  // platform folder's alone.
  return sha256(canonicalJson({ cluster: { ...read, ...(gateway ? { gateway: { domains: gateway.domains } } : {}) }, environment }));
}

/**
 * What a cluster's platform table (`dist/<cluster>/platform/`) takes from the cluster file, as one digest: the whole
 * Cluster, every environment included, without source locations and with versions as their class (as
 * {@link slotInputsDigest}), plus the one output naming a version's text, the gateway's proxy image (Istio < 1.10:
 * platform-profile.ts proxyImage). The slots' own inputs come with their keys (incremental-build.ts).
 */
export function clusterInputsDigest(cluster: Cluster): string {
  return sha256(canonicalJson({ cluster, proxyImage: platformProfileFor(cluster).proxyImage }));
}

/** Object keys named like a source location (`origin`, `versionOrigins`, `kubernetesOrigin`, `suffixesOrigin`, ...). */
const LOCATION_KEY = /^origin$|Origins?$/;

/**
 * JSON of a model value without source locations, with versions as their class and object keys sorted (the loader
 * builds the same model from any key order, but sorting makes the digest independent of how it builds it).
 */
function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value));
}

function canonical(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (isVersion(value)) return { versionClass: versionClassOf(value) };
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Map) return { map: [...value].map(([k, v]) => [canonical(k), canonical(v)]) };
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined || (LOCATION_KEY.test(key) && isLocation(v))) continue;
    out[key] = canonical(v);
  }
  return out;
}

/**
 * A source location (`{ at, path }`: model/origin.ts), or a list or record of them (`versionOrigins`): what a field
 * named like one must hold to be left out, so that a field such as a CORS origin is never taken for one.
 */
function isLocation(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if ('at' in value && 'path' in value) return true;
  const parts = Array.isArray(value) ? value : Object.values(value);
  return parts.length > 0 && parts.every(isLocation);
}
