/** A released version such as Istio `1.5.4` or Knative `0.15.0`. */
export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** The text as written by the user. */
  readonly raw: string;
}

/**
 * `MAJOR.MINOR.PATCH` as `istioctl version` and Knative's release tags (without their `v`) print it: no `v`, no
 * leading zeros, no missing patch, no suffix. One spelling per version, so two clusters on the same release
 * never read differently and a typo such as `01.022.0` is not silently taken for 1.22.0.
 */
const VERSION_PATTERN = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/;

/** Parses `1.5.4`; returns undefined for anything else (`v1.22.0`, `1.22`, `01.022.0`, `1.30.3-rc.1`). */
export function parseVersion(raw: string): Version | undefined {
  const m = VERSION_PATTERN.exec(raw);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), raw };
}

/** The canonical spelling of a possibly mistyped version (`v1.22` → `1.22.0`), or undefined when none. */
export function suggestVersion(raw: string): string | undefined {
  const m = /^\s*[vV]?0*(\d+)\.0*(\d+)(?:\.0*(\d+))?(?:[-+].*)?\s*$/.exec(raw);
  if (!m) return undefined;
  return `${Number(m[1])}.${Number(m[2])}.${m[3] === undefined ? 0 : Number(m[3])}`;
}

/** Orders versions by major, minor, patch. */
export function compareVersions(a: Pick<Version, 'major' | 'minor' | 'patch'>, b: Pick<Version, 'major' | 'minor' | 'patch'>): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** True when `v` is at least `major.minor.patch` (patch 0 when omitted). */
export function atLeast(v: Version, major: number, minor: number, patch = 0): boolean {
  return compareVersions(v, { major, minor, patch }) >= 0;
}

/** `1.12` of `1.12.9`. */
export function minorOf(v: Pick<Version, 'major' | 'minor'>): string {
  return `${v.major}.${v.minor}`;
}

/** A version value from its numbers (raw is the canonical spelling). */
export function versionOf(major: number, minor: number, patch = 0): Version {
  return { major, minor, patch, raw: `${major}.${minor}.${patch}` };
}
