/**
 * Whole milliseconds as a protobuf JSON Duration: `10000` → `10s`, `500` → `0.5s`, `1` → `0.001s`.
 * Exact (integer arithmetic, no floating point), shortest form.
 */
export function durationJson(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new Error(`duration must be whole, non-negative milliseconds, got ${ms}`);
  const seconds = Math.floor(ms / 1000);
  const millis = ms % 1000;
  if (millis === 0) return `${seconds}s`;
  return `${seconds}.${String(millis).padStart(3, '0').replace(/0+$/, '')}s`;
}
