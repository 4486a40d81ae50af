import { gatewayServiceName } from '../model/defaults';

/** Longest object name kfaas produces when it can (a DNS-1123 label; subdomains allow 253). */
export const MAX_OBJECT_NAME_LENGTH = 63;

/** Lowercase; every run of characters other than [a-z0-9] becomes one `-`; no leading or trailing `-`. */
export function slugify(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** 8 hex digits of FNV-1a (32-bit) over the UTF-16 code units: short, stable across runs and platforms. */
export function stableHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** What an object of the `merged` layout is named after. */
export interface NameRequest {
  /** The path literal of the object's first component (or of the delegated component). */
  readonly literal: string;
  /** Appended after the slug, e.g. `d1` for the first delegate. */
  readonly suffix?: string;
}

/**
 * `<namespace>-ksvc-gateway-<slug>[-<hash>][-<suffix>]`. The hash of the literal is added only when needed:
 * an empty or truncated slug, or `forceHash` (used for names that would otherwise collide).
 */
export function objectName(namespace: string, request: NameRequest, forceHash = false): string {
  const base = gatewayServiceName(namespace);
  const tail = request.suffix ? `-${request.suffix}` : '';
  const slug = slugify(request.literal);
  const room = MAX_OBJECT_NAME_LENGTH - base.length - 1 - tail.length;
  if (!forceHash && slug !== '' && slug.length <= room) return `${base}-${slug}${tail}`;
  const hash = stableHash(request.literal);
  const cut = slug.slice(0, Math.max(0, room - hash.length - 1)).replace(/-+$/, '');
  return `${base}-${cut ? `${cut}-` : ''}${hash}${tail}`;
}

/**
 * Unique, deterministic names for the objects of one table, in request order. A name depends only on its own
 * literal unless two requests would collide; then both get the hash, so adding a route rarely renames objects.
 */
export function objectNames(namespace: string, requests: readonly NameRequest[]): string[] {
  const names = requests.map((r) => objectName(namespace, r));
  const counts = countOf(names);
  const second = requests.map((r, i) => (counts.get(names[i])! > 1 ? objectName(namespace, r, true) : names[i]));
  // Equal literal and suffix cannot happen for distinct objects; number them anyway rather than emit duplicates.
  const seen = new Map<string, number>();
  return second.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k === 1 ? n : `${n}-${k}`;
  });
}

function countOf(names: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const n of names) m.set(n, (m.get(n) ?? 0) + 1);
  return m;
}
