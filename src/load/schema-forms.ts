import schemaJson from '../../schema/kfaas.schema.json';
import { RETRY_ON_POLICIES } from '../model/defaults';
import { suggestVersion } from '../model/version';
import { suggestion } from './did-you-mean';
import { isMapping, orList } from './values';

/**
 * How the loader words schema errors for one schema node, keyed by its name in schema/kfaas.schema.json
 * (`DnsLabel`, or a nested node such as `RouteSpec/properties/environments`).
 *
 * The description of a value's valid form for pattern checks lives in the schema itself
 * (`patternErrorMessage`, which the YAML language server shows in editors too); forms add what a schema can't
 * say: a diagnostic code, the reason a particular value fails, and wording for other keywords.
 */
export interface Form {
  /** Diagnostic code for invalid values (default `invalid-value`). */
  readonly code?: string;
  /** A valid value, e.g. `an integer percentage from 0 to 100` (default: the schema's patternErrorMessage). */
  readonly expected?: string;
  /** Appended to the message for this value, e.g. ` (a query string is not part of the path)`. */
  readonly why?: (value: unknown) => string | undefined;
  /** Advice when a number or boolean was written where text is expected (default: quote it). */
  readonly notText?: (source: string) => string;
  /** Whole messages for particular keywords; undefined suppresses the error (another one says it better). */
  readonly keywords?: Readonly<Record<string, (value: unknown, limit: number) => string | undefined>>;
  /** Replaces the list of allowed fields in `unknown field` messages for this mapping. */
  readonly unknownField?: string;
}

const MATCH_KINDS = ['prefix', 'exact', 'regex'];
const MATCH_FIELDS = [...MATCH_KINDS, 'methods', 'headers', 'query'];

export const FORMS: Readonly<Record<string, Form>> = {
  ApiVersion: { code: 'unknown-api-version' },
  DnsLabel: {
    code: 'invalid-name',
    keywords: {
      maxLength: (v) => `expected a DNS-1123 label (lowercase letters, digits, '-', at most 63 chars), got ${String(v).length} characters`,
      minLength: () => `expected a DNS-1123 label (lowercase letters, digits, '-', at most 63 chars), got an empty string`,
    },
  },
  DnsSubdomain: { code: 'invalid-name' },
  Version: {
    code: 'invalid-version',
    why: (v) => {
      const fixed = typeof v === 'string' ? suggestVersion(v) : undefined;
      return fixed ? `; write "${fixed}"` : undefined;
    },
    notText: (source) => `; quote it with the patch number: "${suggestVersion(source) ?? source}"`,
  },
  Duration: { code: 'invalid-duration', notText: (source) => `; add a unit, e.g. ${source}s` },
  HttpPath: { code: 'invalid-path', why: pathProblem },
  Regex: {
    code: 'invalid-regex',
    expected: 'an RE2 regular expression',
    keywords: {
      maxLength: (v, limit) => `expected a regex of at most ${limit} characters (Istio's limit), got ${String(v).length} characters`,
      minLength: () => 'expected an RE2 regular expression, got an empty string',
    },
  },
  Match: {
    code: 'invalid-match',
    expected: 'a match with exactly one of prefix, exact or regex',
    keywords: {
      oneOf: (v) => {
        const keys = isMapping(v) ? Object.keys(v) : [];
        const kinds = keys.filter((k) => MATCH_KINDS.includes(k));
        // an unknown field (a misspelt kind) is reported on its own, with a did-you-mean
        if (kinds.length === 0 && keys.some((k) => !MATCH_FIELDS.includes(k))) return undefined;
        return kinds.length === 0
          ? 'expected exactly one of prefix, exact or regex, got none'
          : `expected exactly one of prefix, exact or regex, got ${kinds.join(' and ')}; write one match item per path`;
      },
    },
  },
  HeaderMatch: {
    code: 'invalid-match',
    expected: 'a header match such as { exact: "true" }, { prefix: beta- }, { regex: ... }, { present: true } or { absent: true }',
    keywords: {
      minProperties: () => 'expected exactly one of exact, prefix, regex, present or absent, got none',
      maxProperties: (v) => `expected exactly one of exact, prefix, regex, present or absent, got ${isMapping(v) ? Object.keys(v).join(' and ') : 'several'}`,
    },
  },
  QueryMatch: {
    code: 'invalid-match',
    expected: 'a query parameter match such as { exact: "1" } or { regex: "[0-9]+" }',
    keywords: {
      minProperties: () => 'expected exactly one of exact or regex, got none',
      maxProperties: (v) => `expected exactly one of exact or regex, got ${isMapping(v) ? Object.keys(v).join(' and ') : 'several'}`,
    },
  },
  HeaderName: { code: 'invalid-header-name' },
  MatchList: { code: 'invalid-match', expected: 'a list of path matches such as "- prefix: /faas/api/shop/"' },
  Rewrite: {
    expected: 'a mapping such as { uri: / }',
    unknownField: 'only "uri" may be rewritten (a route never changes the host it is sent to)',
  },
  RouteOverride: {
    unknownField: `an override may only replace ${orList(Object.keys(schemaJson.$defs.RouteFields.properties))}`,
  },
  'RouteSpec/properties/overrides': { expected: 'a mapping of environment name to fields, such as { prod: { timeout: 30s } }' },
  TrafficTarget: { expected: 'a mapping such as { service: shop-cart, weight: 90 }' },
  Retries: { expected: 'a mapping such as { attempts: 2, perTryTimeout: 1s, retryOn: [5xx, connect-failure] }' },
  Environment: { expected: 'a mapping such as { name: alpha }' },
  LocalGateway: { expected: 'a mapping such as { gateway: knative-serving/knative-local-gateway, host: ... }' },
  TrafficList: { code: 'invalid-traffic', expected: 'a list of { service, weight } entries' },
  Weight: { code: 'invalid-weight', expected: 'an integer percentage from 0 to 100' },
  RetryAttempts: {
    code: 'invalid-retries',
    expected: 'an integer number of retries from 0 to 10',
    keywords: {
      maximum: (v, limit) =>
        `expected at most ${limit} retry attempts, got ${String(v)}: every retry re-sends the request, so a high count multiplies the load on a service that is already failing or cold-starting`,
    },
  },
  RetryOn: {
    code: 'invalid-retry-on',
    expected: `an HTTP status code (100-599) or one of ${RETRY_ON_POLICIES.join(', ')}`,
    why: (v) => (typeof v === 'string' ? suggestion(v, RETRY_ON_POLICIES) : undefined),
  },
  'Retries/properties/retryOn': { code: 'invalid-retry-on', expected: 'a list of retry conditions such as [5xx, connect-failure]' },
  'ClusterSpec/properties/environments': { expected: 'a list of environments such as "- name: alpha"' },
  'RouteSpec/properties/environments': { expected: 'a list of environment names (leave the field out for every environment)' },
  'RouteSpec/properties/clusters': { expected: 'a list of cluster names (leave the field out for every cluster)' },
  'TeamSpec/properties/owns': { expected: 'a list of path prefixes such as "- /faas/api/shop/"' },
  Reviewers: { code: 'invalid-reviewer', expected: 'a list of reviewers such as ["@example/shop-reviewers"]' },
  'Reviewers/items': { code: 'invalid-reviewer' },
  'DeliverySpec/properties/engines': { code: 'invalid-engine', expected: 'a list of engines: argocd, flux or both' },
  'DeliverySpec/properties/repository': { code: 'invalid-repository' },
  ArgoCdSettings: { expected: 'a mapping such as { namespace: argocd, clusters: { cn-hz-test: { name: hz-test } } }' },
  FluxSettings: { expected: 'a mapping such as { namespace: flux-system, interval: 5m }' },
  ArgoCdDestination: {
    code: 'invalid-destination',
    expected: 'a mapping with exactly one of name or server, such as { name: hz-test }',
    keywords: {
      minProperties: () => 'expected exactly one of name (the Argo CD cluster name) or server (its API URL), got none',
      maxProperties: () => 'expected exactly one of name or server, got both; Argo CD refuses a destination with both',
    },
  },
};

/** Why a path-like value fails, for the cases the expected form does not make obvious. */
function pathProblem(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  if (!v.startsWith('/')) return '';
  if (/\s/.test(v)) return ' (it contains whitespace; encode a space as %20)';
  if (v.includes('?')) return ' (a query string is not part of the path)';
  if (v.includes('#')) return ' (a fragment is not part of the path; browsers never send it)';
  return undefined;
}

