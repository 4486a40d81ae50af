import { firstMatch } from './explain';
import { mergeVirtualHost, selectVirtualServices } from './merge';
import { orderVirtualServices } from './merge-order';
import { SampleRequest } from './request-match';
import { VsRef, formatVsRef, isVirtualService, vsRef } from './virtual-service';

/**
 * Proof that no route is shadowed whatever order Istio merges the VirtualServices in: for every merge order,
 * every sample path must be won by its expected route. Istio calls the cross-resource order undefined, and
 * in GitOps creation time is an accident, so a correct layout must not depend on it.
 */

export interface OrderSample extends SampleRequest {
  /** The expected winner's `routeName` (the name as written in the VirtualService the route came from). */
  readonly route: string;
}

export interface OrderViolation {
  /** The merge order, as `namespace/name` keys. */
  readonly order: readonly string[];
  readonly path: string;
  readonly expected: string;
  /** The route that won instead; undefined when nothing matched. */
  readonly actual?: string;
  readonly actualVirtualService?: VsRef;
}

/** Orders tried by default: all of them up to this many VirtualServices, else a fixed sample. */
const MAX_EXHAUSTIVE_VIRTUAL_SERVICES = 6;
/** Pseudo-random shuffles tried beyond identity and reverse when there are too many for all permutations. */
const SHUFFLE_COUNT = 8;
const SHUFFLE_SEED = 0x6b666173; // "kfas"

export function checkOrderProof(
  objects: readonly unknown[],
  host: string,
  gateway: string,
  samples: readonly OrderSample[],
  orders?: readonly (readonly string[])[],
): OrderViolation[] {
  const roots = selectVirtualServices(objects.filter(isVirtualService), host, gateway).selected;
  const keys = orderVirtualServices(roots).map((vs) => formatVsRef(vsRef(vs)));
  const violations: OrderViolation[] = [];
  for (const order of orders ?? mergeOrders(keys)) {
    const merged = mergeVirtualHost(objects, { host, gateway, mergeOrder: order });
    for (const sample of samples) {
      const winner = firstMatch(merged, sample);
      if (winner?.routeName === sample.route) continue;
      violations.push({
        order: merged.order.map(formatVsRef),
        path: sample.path,
        expected: sample.route,
        ...(winner ? { actual: winner.routeName ?? '(unnamed)', actualVirtualService: winner.origin.virtualService } : {}),
      });
    }
  }
  return violations;
}

/**
 * Every permutation of `keys` when there are at most MAX_EXHAUSTIVE_VIRTUAL_SERVICES, otherwise identity,
 * reverse and SHUFFLE_COUNT seeded shuffles. Deterministic; duplicates removed.
 */
export function mergeOrders(keys: readonly string[]): string[][] {
  const orders = keys.length <= MAX_EXHAUSTIVE_VIRTUAL_SERVICES ? permutations(keys) : sampledOrders(keys);
  const seen = new Set<string>();
  return orders.filter((o) => {
    const id = JSON.stringify(o);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function permutations(keys: readonly string[]): string[][] {
  if (keys.length <= 1) return [[...keys]];
  return keys.flatMap((key, i) => permutations([...keys.slice(0, i), ...keys.slice(i + 1)]).map((rest) => [key, ...rest]));
}

function sampledOrders(keys: readonly string[]): string[][] {
  const next = lcg(SHUFFLE_SEED);
  const shuffles = Array.from({ length: SHUFFLE_COUNT }, () => {
    const a = [...keys];
    for (let i = a.length - 1; i > 0; i--) {
      const j = next() % (i + 1);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  });
  return [[...keys], [...keys].reverse(), ...shuffles];
}

/** Numerical Recipes' 32-bit LCG: reproducible, no Math.random. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state >>> 8;
  };
}
