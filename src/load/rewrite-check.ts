import { RouteBehaviour } from '../model/project';
import { DocumentContext } from './document-context';
import { FieldPath } from './field-path';

/**
 * Istio's `rewrite.uri` replaces the matched prefix (Envoy `prefix_rewrite`), so a prefix and its rewrite must
 * both end in `/` or neither: `prefix: /p` with `uri: /` forwards `/p/abc` as `//abc`, and `prefix: /p/` with
 * `uri: /v1` forwards `/p/abc` as `/v1abc` (shared/docs/domain-notes.md "Prefix rewrite").
 *
 * Checks one resolved behaviour (the spec, or an override applied to it). `rewriteAt` is where the rewrite it
 * uses was written; `seen` keeps a pair reported once when the base and several overrides share it.
 */
export function checkPrefixRewrites(ctx: DocumentContext, behaviour: RouteBehaviour, rewriteAt: FieldPath, seen: Set<string>): void {
  const uri = behaviour.rewriteUri;
  if (uri === undefined) return;
  for (const match of behaviour.match) {
    if (match.kind !== 'prefix') continue;
    const prefix = match.value;
    if (prefix.endsWith('/') === uri.endsWith('/')) continue;
    const key = `${rewriteAt.join('.')}|${match.origin.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    ctx.error('prefix-rewrite-slash', rewriteAt, prefixRewriteMessage(prefix, uri, match.origin.path));
  }
}

/** What goes wrong, with an example request and the fix. */
function prefixRewriteMessage(prefix: string, uri: string, matchPath: string): string {
  const sample = prefix.endsWith('/') ? `${prefix}abc` : `${prefix}/abc`;
  const forwarded = uri + sample.slice(prefix.length);
  const head = `expected the rewrite and ${matchPath} (${JSON.stringify(prefix)}) both to end in "/" or neither: ` +
    `Istio replaces the matched prefix, so ${JSON.stringify(sample)} would be forwarded as ${JSON.stringify(forwarded)}; `;
  if (uri.endsWith('/')) {
    const withSlash = `${prefix}/`;
    const fixUri = uri === '/' ? '' : `, or rewrite to ${JSON.stringify(uri.replace(/\/+$/, ''))}`;
    return `${head}match prefix ${JSON.stringify(withSlash)} (add exact ${JSON.stringify(prefix)} if that path must match too)${fixUri}`;
  }
  return `${head}rewrite to ${JSON.stringify(`${uri}/`)}`;
}
