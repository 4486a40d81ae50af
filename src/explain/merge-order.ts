import { compareText } from '../util/compare';
import { VirtualService, vsKeyMatches, vsRef } from './virtual-service';

/**
 * The order in which Istio appends the routes of several VirtualServices bound to one host and gateway:
 * creation time, then name, then namespace (istio `sortConfigByCreationTime`). In GitOps creation time is an
 * accident, which is why callers can choose the order: as VirtualService keys (`namespace/name` or `name`)
 * or as a comparator.
 */
export type MergeOrder = readonly string[] | ((a: VirtualService, b: VirtualService) => number);

/** Istio's order. A missing or unparsable timestamp is Go's zero time: older than any other. */
function defaultMergeOrder(a: VirtualService, b: VirtualService): number {
  const ta = creationTime(a);
  const tb = creationTime(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ra = vsRef(a);
  const rb = vsRef(b);
  return compareText(ra.name, rb.name) || compareText(ra.namespace, rb.namespace);
}

/**
 * Sorts VirtualServices by `order`. With a key list, the listed ones come first in list order and the rest
 * follow in Istio's order; keys naming no VirtualService are ignored.
 */
export function orderVirtualServices(vss: readonly VirtualService[], order?: MergeOrder): VirtualService[] {
  const byDefault = [...vss].sort(defaultMergeOrder);
  if (order === undefined) return byDefault;
  if (typeof order === 'function') return byDefault.sort(order);
  const listed: VirtualService[] = [];
  for (const key of order) {
    for (const vs of byDefault) {
      if (!listed.includes(vs) && vsKeyMatches(key, vsRef(vs))) listed.push(vs);
    }
  }
  return [...listed, ...byDefault.filter((vs) => !listed.includes(vs))];
}

function creationTime(vs: VirtualService): number {
  const t = vs.metadata.creationTimestamp === undefined ? NaN : Date.parse(vs.metadata.creationTimestamp);
  return Number.isNaN(t) ? -Infinity : t;
}
