import { regexSamples } from '../regex';
import { PathCondition, splitPath } from './match';

/**
 * A few concrete request paths a path condition matches, for proofs such as "this route wins for its own
 * paths under every merge order". Deterministic. Every sample matches the condition; paths starting with `/`
 * are preferred, and nothing containing `?` or `#` is returned (Envoy would cut the path there). Empty for a
 * regex no request path can match. Throws for a pattern that is not valid RE2.
 */
export function samplePaths(match: Pick<PathCondition, 'kind' | 'value'>): string[] {
  switch (match.kind) {
    case 'exact':
      return usable([match.value]);
    case 'prefix':
      return usable(prefixSamples(match.value));
    case 'pathSeparatedPrefix':
      return usable(segmentSamples(match.value));
    case 'regex':
      return regexSamples(match.value);
  }
}

/** The suffixes probe both the segment (`/shop/...`) and the non-segment (`/shopkfaas-sample`) reading. */
function prefixSamples(prefix: string): string[] {
  const base = prefix === '' ? '/' : prefix;
  const samples = [base, base + 'kfaas-sample', base + 'a/b'];
  if (!base.endsWith('/')) samples.push(`${base}/kfaas-sample`);
  return samples;
}

/** The value itself, and paths below it (Gateway API PathPrefix as Istio emits it). */
function segmentSamples(value: string): string[] {
  return value === '' ? ['/', '/kfaas-sample'] : [value, `${value}/`, `${value}/kfaas-sample`, `${value}/a/b`];
}

function usable(samples: readonly string[]): string[] {
  return [...new Set(samples)].filter((s) => splitPath(s).path === s);
}
