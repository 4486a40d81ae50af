import { compareVersions, minorOf, Version, versionOf } from '../model/version';

/**
 * The Istio and Knative releases kfaas renders for, in one place. A version outside is refused with a
 * diagnostic naming the range; a minor newer than any kfaas knows (same major) is rendered as the newest known
 * one only when the cluster says `allowNewerVersions: true`, with a warning.
 */
export interface SupportedProduct {
  /** `Istio` or `Knative`, as messages name it. */
  readonly name: string;
  /** Oldest supported release. */
  readonly oldest: Version;
  /** Newest known minor of each major line, e.g. Knative 0.x ended at 0.26. */
  readonly newestMinor: Readonly<Record<number, number>>;
  /** Why releases below `oldest` are refused (appended to the message). */
  readonly belowReason?: string;
}

/**
 * Istio 1.1.0 to 1.30. Istio 1.0 is refused: no Knative release kfaas supports runs on it (Knative 0.8 needs
 * Istio >= 1.1, shared/docs/domain-notes.md), and its strict parser rejects fields every route needs.
 */
export const ISTIO_SUPPORT: SupportedProduct = {
  name: 'Istio',
  oldest: versionOf(1, 1),
  newestMinor: { 1: 30 },
  belowReason: 'Knative 0.8, the oldest Knative kfaas supports, needs Istio 1.1 or newer',
};

/** Knative Serving 0.8.0 to 1.23 (0.x ended at 0.26; 1.0 followed). */
export const KNATIVE_SUPPORT: SupportedProduct = {
  name: 'Knative',
  oldest: versionOf(0, 8),
  newestMinor: { 0: 26, 1: 23 },
};

/** `Istio 1.1.0 to 1.30.x`. */
function describeRange(product: SupportedProduct): string {
  const majors = Object.keys(product.newestMinor).map(Number).sort((a, b) => a - b);
  const top = majors[majors.length - 1];
  return `${product.name} ${product.oldest.raw} to ${top}.${product.newestMinor[top]}.x`;
}

/** The newest minor kfaas knows, as a version (`1.30.0`). */
function newestKnown(product: SupportedProduct): Version {
  const majors = Object.keys(product.newestMinor).map(Number).sort((a, b) => a - b);
  const top = majors[majors.length - 1];
  return versionOf(top, product.newestMinor[top]);
}

/** What to say about a version: nothing, a warning (allowed newer minor) or an error. */
export type SupportVerdict =
  | { readonly ok: true; readonly warning?: string }
  | { readonly ok: false; readonly error: string };

/**
 * Checks `version` of `product`. `allowNewer` is the cluster's `allowNewerVersions`; `field` names it in advice.
 */
export function checkSupported(product: SupportedProduct, version: Version, allowNewer: boolean): SupportVerdict {
  const range = describeRange(product);
  if (compareVersions(version, product.oldest) < 0) {
    const reason = product.belowReason ? ` (${product.belowReason})` : '';
    return { ok: false, error: `${product.name} ${version.raw} is older than the supported range, ${range}${reason}` };
  }
  const newestInMajor = product.newestMinor[version.major];
  const newest = newestKnown(product);
  if (newestInMajor === undefined) {
    return {
      ok: false,
      error: `${product.name} ${version.raw} is not a release kfaas knows: the supported range is ${range}` +
        (version.major > newest.major ? ' (a new major version may change anything; kfaas needs a profile for it)' : ''),
    };
  }
  if (version.minor <= newestInMajor) return { ok: true };
  if (version.major < newest.major) {
    return { ok: false, error: `${product.name} ${version.major}.x ended at ${version.major}.${newestInMajor}; ${version.raw} does not exist (supported: ${range})` };
  }
  if (!allowNewer) {
    return {
      ok: false,
      error: `${product.name} ${version.raw} is newer than any release kfaas knows (supported: ${range}); ` +
        `set spec.allowNewerVersions: true to render it as ${minorOf(newest)}, and check the output against its release notes`,
    };
  }
  return {
    ok: true,
    warning: `${product.name} ${version.raw} is newer than any release kfaas knows; rendered as ${minorOf(newest)} ` +
      '(spec.allowNewerVersions: true): check the output against its release notes',
  };
}
