import { formatFieldChange } from './fields';
import { Guard, TreeDiffSummary } from './diff-trees';
import { GatewayBindingChange, ObjectChange } from './object-diff';
import { RouteChange } from './route-diff';
import { BindingImpact, ImpactEntry, RoutingOutcome } from './routing-impact';
import { formatProbe } from './sample-requests';

/** One-line descriptions shared by the text and Markdown reports. */

export function describeGuard(g: Guard): string {
  const prod = g.production ? 'production ' : '';
  switch (g.kind) {
    case 'removed-cluster':
      return `${prod}cluster ${g.cluster} removed: every environment it serves loses its routes`;
    case 'removed-environment':
      return `${prod}environment ${g.cluster}/${g.environment} removed: all its routes go`;
    case 'removed-route':
      return `${prod}route ${g.route} removed from ${g.cluster}/${g.environment}`;
  }
}

export function describeSummary(s: TreeDiffSummary): string {
  if (s.foldersChanged === 0) return `no change (${s.foldersUnchanged} folder(s) compared)`;
  const counts = (r: Readonly<Record<string, number>>): string =>
    Object.entries(r).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
  return (
    `${s.foldersChanged} folder(s) changed, ${s.foldersUnchanged} unchanged; ` +
    `routes: ${counts(s.routes)}; objects: ${counts(s.objects)}; ${s.rerouted} request(s) re-routed`
  );
}

/** `routes +a +b`, `routes -c`, `routes ~d` for the http entries an object gained, lost or changed. */
function entryParts(o: ObjectChange): string[] {
  const e = o.entries;
  if (!e) return [];
  const list = (sign: string, names: readonly string[]): string[] => (names.length > 0 ? [`routes ${sign}${names.join(` ${sign}`)}`] : []);
  return [...list('+', e.added), ...list('-', e.removed), ...list('~', e.changed)];
}

export function describeObject(o: ObjectChange): string {
  const id = `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
  switch (o.change) {
    case 'added':
      return `+ ${id}`;
    case 'removed':
      return `- ${id}`;
    case 'renamed': {
      const parts = [...o.fields.map(formatFieldChange), ...entryParts(o)];
      return `> ${id}: renamed from ${o.renamedFrom!.name} (${parts.length === 0 ? 'same content; ' : ''}the old object is deleted and the new one created)` +
        (parts.length > 0 ? `: ${parts.join('; ')}` : '');
    }
    case 'changed': {
      const parts = [...o.fields.map(formatFieldChange), ...entryParts(o)];
      return `~ ${id}: ${parts.join('; ') || 'changed'}`;
    }
  }
}

export function describeGateway(g: GatewayBindingChange): string {
  return g.change === 'bound'
    ? `+ gateway ${g.gateway} now bound (by ${g.after} object(s))`
    : `- gateway ${g.gateway} no longer bound (was bound by ${g.before} object(s))`;
}

/** `name timeout 10s -> 30s`, one line per field; added and removed routes on one line with their matches. */
export function describeRoute(r: RouteChange): string[] {
  const matches = r.fields.filter((f) => f.path === 'match');
  switch (r.change) {
    case 'added':
      return [`+ ${r.name} added (${matches.map((m) => m.after).join(', ')})`];
    case 'removed':
      return [`- ${r.name} removed (${matches.map((m) => m.before).join(', ')})`];
    case 'moved':
      return [`> ${r.name} moved from ${r.objects!.before.join(', ')} to ${r.objects!.after.join(', ')} (unchanged)`];
    case 'changed':
      return [
        ...r.fields.map((f) => `~ ${r.name} ${formatFieldChange(f)}`),
        ...(r.objects ? [`~ ${r.name} moved from ${r.objects.before.join(', ')} to ${r.objects.after.join(', ')}`] : []),
      ];
  }
}

/** `/faas/api/shop/cart/x: shop-catalog -> shop-cart`. */
export function describeImpact(e: ImpactEntry): string {
  let before = describeOutcome(e.before);
  let after = describeOutcome(e.after);
  if (before === after) {
    // Same names, other authorities (e.g. a new cluster domain): show them whole.
    before = describeOutcome(e.before, true);
    after = describeOutcome(e.after, true);
  }
  return `${formatProbe(e.request)}: ${before} -> ${after}`;
}

export function describeBindingImpact(b: BindingImpact): string {
  return b.change === 'bound'
    ? `host ${b.host} on gateway ${b.gateway}: newly served (${b.routes} route(s))`
    : `host ${b.host} on gateway ${b.gateway}: no longer served (${b.routes} route(s) gone, requests get 404)`;
}

/** `shop-cart`, `shop-checkout (shop-checkout 90%, shop-checkout-next 10%)`, `no route (404)`. */
function describeOutcome(o: RoutingOutcome, fullAuthority = false): string {
  if (o.action === 'no-route') return 'no route (404)';
  const name = o.route ?? '(unnamed route)';
  if (o.action !== 'route') return `${name} (${o.action})`;
  const services = o.destinations.map((d) => {
    const service = fullAuthority ? d.authority : d.authority.split('.')[0];
    return o.destinations.length > 1 ? `${service} ${d.weight}%` : service;
  });
  return services.length === 1 && services[0] === name ? name : `${name} (${services.join(', ')})`;
}
