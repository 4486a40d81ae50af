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
  /** The path literal the readable part of the name comes from (the object's first component, or slice). */
  readonly literal: string;
  /**
   * What identifies the object among all objects of its folder, hashed into the name.
   *
   * @default literal
   */
  readonly identity?: string;
  /** Appended after the hash, e.g. `d` for a delegate. */
  readonly suffix?: string;
}

/**
 * `<namespace>-ksvc-gateway-<slug>-<hash of identity>[-<suffix>]`, within MAX_OBJECT_NAME_LENGTH when the
 * namespace allows: a slug too long keeps its end (the most specific segments).
 *
 * The hash is always there, so a name depends on its own identity only and never on which other objects exist:
 * two literals with the same slug (`/a-b/`, `/a/b/`, `/A/b/`) still get different names, and adding one can
 * never rename the other. Object names are an interface (a rename is a delete and a create in Argo CD).
 */
export function objectName(namespace: string, request: NameRequest): string {
  const base = gatewayServiceName(namespace);
  const hash = stableHash(request.identity ?? request.literal);
  const tail = `-${hash}${request.suffix ? `-${request.suffix}` : ''}`;
  const room = Math.max(0, MAX_OBJECT_NAME_LENGTH - base.length - 1 - tail.length);
  const full = slugify(request.literal);
  // A slug cut short keeps its last whole words.
  const slug = full.length <= room ? full : full.slice(full.length - room).replace(full[full.length - room - 1] === '-' ? /^-+/ : /^[^-]*-*/, '');
  return `${base}${slug ? `-${slug}` : ''}${tail}`;
}

/**
 * Unique names for the objects of one folder, in request order. Distinct identities give distinct names unless
 * their slugs and 32-bit hashes both collide; then the later ones are numbered rather than emitted twice.
 */
export function objectNames(namespace: string, requests: readonly NameRequest[]): string[] {
  const seen = new Map<string, number>();
  return requests.map((r) => {
    const n = objectName(namespace, r);
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k === 1 ? n : `${n}-${k}`;
  });
}
