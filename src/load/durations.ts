import { DocumentContext } from './document-context';
import { FieldPath } from './field-path';
import { Mapping, str } from './values';

/** Milliseconds per unit of a kfaas duration. */
const UNIT_MS: Readonly<Record<string, bigint>> = { ms: 1n, s: 1000n, m: 60_000n, h: 3_600_000n };

const DURATION = /^([0-9]+)(?:\.([0-9]+))?(ms|s|m|h)$/;

/**
 * Longest duration Istio can carry: its timeouts are protobuf `google.protobuf.Duration`, whose seconds range
 * is +-315,576,000,000 (10,000 years; protocolbuffers/protobuf src/google/protobuf/duration.proto). Longer values
 * are rejected by the API server's validation or overflow in Envoy.
 */
const MAX_DURATION_MS = 315_576_000_000_000n;

export type DurationResult =
  | { readonly ok: true; readonly ms: number }
  | { readonly ok: false; readonly problem: 'format' | 'fraction-of-ms' | 'zero' | 'too-large' };

/**
 * Parses `10s`, `500ms`, `1.5s`, `2m`, `1h` into whole milliseconds. Exact decimal arithmetic (no float
 * rounding): `1.1s` is 1100ms, `0.5ms` is not a whole millisecond. Istio rejects durations under 1ms.
 */
export function parseDuration(text: string): DurationResult {
  const m = DURATION.exec(text);
  if (!m) return { ok: false, problem: 'format' };
  const fraction = m[2] ?? '';
  const scaled = BigInt(m[1] + fraction) * UNIT_MS[m[3]];
  const divisor = 10n ** BigInt(fraction.length);
  if (scaled % divisor !== 0n) return { ok: false, problem: 'fraction-of-ms' };
  const ms = scaled / divisor;
  if (ms === 0n) return { ok: false, problem: 'zero' };
  if (ms > MAX_DURATION_MS) return { ok: false, problem: 'too-large' };
  return { ok: true, ms: Number(ms) };
}

/** The message for a duration that has the right form but is not a valid Istio duration. */
function durationProblemMessage(text: string, problem: 'fraction-of-ms' | 'zero' | 'too-large'): string {
  switch (problem) {
    case 'fraction-of-ms':
      return `expected whole milliseconds (Istio has millisecond precision), got "${text}"`;
    case 'zero':
      return `expected a duration of at least 1ms (Istio rejects shorter ones; leave the field out for the default), got "${text}"`;
    case 'too-large':
      return `expected a duration of at most 315576000000s (protobuf Duration's range, which Istio timeouts use), got "${text}"`;
  }
}

/** Whole milliseconds of the duration field `key`; reports well-formed but invalid durations (the schema reports the rest). */
export function readDurationField(ctx: DocumentContext, m: Mapping, key: string, at: FieldPath): number | undefined {
  const text = str(m, key);
  if (text === undefined) return undefined;
  const parsed = parseDuration(text);
  if (parsed.ok) return parsed.ms;
  if (parsed.problem !== 'format') ctx.error('invalid-duration', [...at, key], durationProblemMessage(text, parsed.problem));
  return undefined;
}
