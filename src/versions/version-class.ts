import { Version } from '../model/version';
import {
  ISTIO_DELEGATE_PUSH_BUG, ISTIO_SINCE, KNATIVE_OWN_RETRIES, KNATIVE_SINCE, PLATFORM_PRODUCT_SINCE, REGEX_FACTS, RETRY_ON_SINCE,
} from './facts';
import { ROUTE_FEATURE_GATES } from './route-features';
import { ISTIO_SUPPORT, KNATIVE_SUPPORT } from './support';

/**
 * The fact tables holding a version threshold kfaas compares a cluster's versions against. Gateway API gates
 * (gateway-api.ts) are `major.minor` only by design, and platform-profile.ts's own have no patch either;
 * test/versions/version-class.test.ts scans the sources for a version literal with a patch and fails unless its minor
 * is among {@link patchSensitiveMinors}, and for a threshold written outside src/versions.
 */
const FACT_TABLES: readonly unknown[] = [
  ISTIO_SINCE, REGEX_FACTS, ISTIO_DELEGATE_PUSH_BUG, RETRY_ON_SINCE, KNATIVE_SINCE, KNATIVE_OWN_RETRIES, ROUTE_FEATURE_GATES,
  ISTIO_SUPPORT, KNATIVE_SUPPORT, PLATFORM_PRODUCT_SINCE,
];

let sensitive: ReadonlySet<string> | undefined;

/**
 * The `major.minor` of every threshold with a patch (`1.2.1`, `1.4.3`, `1.12.2`): the minors in which a patch
 * release changes what kfaas renders or reports. Every other threshold is `X.Y.0`.
 */
export function patchSensitiveMinors(): ReadonlySet<string> {
  if (sensitive) return sensitive;
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    if (isVersion(value)) {
      if (value.patch !== 0) found.add(`${value.major}.${value.minor}`);
      return;
    }
    for (const v of Object.values(value)) walk(v);
  };
  FACT_TABLES.forEach(walk);
  return (sensitive = found);
}

/**
 * The class of a version: two versions of one class compare alike with every threshold kfaas knows, so every fact
 * derived from them by a threshold (the version profile's fields, feature gates, Gateway API gates, the platform
 * profile's API versions) is the same; only the text differs (diagnostics quote it, and the platform folder's proxy
 * image for Istio < 1.10 names it). `major.minor`, with the patch only in a patch-sensitive minor: a
 * threshold `X.Y.0` cannot tell two patches of one minor apart, and thresholds with a patch are all in
 * {@link patchSensitiveMinors}. Classes are intervals of the version order, so the older of two versions (a
 * cluster's control plane and its oldest gateway proxy) is in the older of their classes.
 */
export function versionClassOf(v: Pick<Version, 'major' | 'minor' | 'patch'>): string {
  const minor = `${v.major}.${v.minor}`;
  return patchSensitiveMinors().has(minor) ? `${minor}.${v.patch}` : minor;
}

/** A Version value (`major`, `minor`, `patch` and the text `raw`). */
export function isVersion(value: unknown): value is Version {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.major === 'number' && typeof v.minor === 'number' && typeof v.patch === 'number' && typeof v.raw === 'string';
}
