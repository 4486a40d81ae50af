/** A released version such as Istio `1.5.4` or Knative `0.15.0` (a leading `v` and a suffix are tolerated). */
export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** The text as written by the user. */
  readonly raw: string;
}

const VERSION_PATTERN = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+][0-9A-Za-z.-]+)?$/;

/** Parses `1.5.4`, `v1.22`, `1.30.3-rc.1`; returns undefined when the text is not a version. */
export function parseVersion(raw: string): Version | undefined {
  const m = VERSION_PATTERN.exec(raw.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: m[3] === undefined ? 0 : Number(m[3]), raw };
}

/** True when `v` is at least `major.minor` (patch ignored: every behaviour kfaas follows changes on minors). */
export function atLeast(v: Version, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}
