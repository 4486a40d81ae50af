import { PathCondition, regexFullMatch, splitPath } from './match';
import { generateRegexCandidates } from './regex-sample';

/**
 * A few concrete request paths a path condition matches, for proofs such as "this route wins for its own
 * paths under every merge order". Deterministic. Every sample is verified against the condition; paths
 * starting with `/` are preferred, and nothing containing `?` or `#` is returned (Envoy would cut the path
 * there). May be empty for a regex no real path can match or whose syntax the generator does not model.
 */
export function samplePaths(match: Pick<PathCondition, 'kind' | 'value'>): string[] {
  switch (match.kind) {
    case 'exact':
      return usable([match.value]);
    case 'prefix':
      return usable(prefixSamples(match.value));
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

function regexSamples(pattern: string): string[] {
  let generated: string[];
  try {
    generated = generateRegexCandidates(pattern);
  } catch {
    generated = [];
  }
  const candidates = [...generated, ...generated.filter((s) => !s.startsWith('/')).map((s) => `/${s}`), '/'];
  const verified = usable(candidates).filter((s) => regexFullMatch(pattern, s));
  const paths = verified.filter((s) => s.startsWith('/'));
  return paths.length > 0 ? paths : verified;
}

function usable(samples: readonly string[]): string[] {
  return [...new Set(samples)].filter((s) => splitPath(s).path === s);
}
