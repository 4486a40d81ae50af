import { slugify, stableHash } from '../compile/naming';

const MAX_NAME = 63;

/**
 * The Route name for a VirtualService (and one of its http entries when it has several). The seed's naming
 * `<namespace>-ns-<service>-ksvc-virtualservice` gives `<service>`; any other name is kept. The result is a
 * DNS-1123 label of at most 63 characters (cut, with a hash of the full name, when longer).
 */
export function routeNameFor(vsName: string, namespace: string, entry?: string): string {
  const seed = new RegExp(`^${escape(namespace)}-ns-(.+)-ksvc-virtualservice$`).exec(vsName);
  const base = seed ? seed[1] : vsName;
  const full = entry === undefined ? base : `${base}-${entry}`;
  const slug = slugify(full);
  if (slug === full && slug.length <= MAX_NAME && slug !== '') return slug;
  const hash = stableHash(full);
  if (slug !== '' && slug.length <= MAX_NAME) return slug;
  return `${slug.slice(0, MAX_NAME - hash.length - 1).replace(/-+$/, '')}-${hash}`.replace(/^-/, '');
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
