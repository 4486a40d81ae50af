import { UsageError } from '../diagnostics/diagnostic';
import { VirtualService } from '../explain/virtual-service';
import { ImportedBehaviour } from './imported-route';

/** Team of imported routes when no rule gives one. */
export const DEFAULT_TEAM = 'imported';

/**
 * How the importer decides which team (folder under routes/) a route belongs to:
 * - `label:<key>`: the VirtualService's label `<key>`;
 * - `name:<pattern>`: the VirtualService name matched against a pattern with `<team>` (one or more of [a-z0-9]),
 *   `<svc>`/`<ns>`/`*` (anything), e.g. `<ns>-ns-<team>-<svc>-ksvc-virtualservice`;
 * - `path:<n>`: the n-th segment (1-based) of the route's first path match, e.g. `path:3` for `/faas/api/<team>/...`;
 * - `default`: every route goes to `imported`.
 */
export type TeamRule =
  | { readonly kind: 'default' }
  | { readonly kind: 'label'; readonly key: string }
  | { readonly kind: 'name'; readonly pattern: RegExp; readonly text: string }
  | { readonly kind: 'path'; readonly segment: number };

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Parses `--team-from`; a bad rule is a usage error (exit 2). */
export function parseTeamRule(text: string | undefined): TeamRule {
  if (text === undefined || text === '' || text === 'default') return { kind: 'default' };
  const colon = text.indexOf(':');
  const kind = colon < 0 ? text : text.slice(0, colon);
  const arg = colon < 0 ? '' : text.slice(colon + 1);
  switch (kind) {
    case 'label':
      if (arg === '') throw new UsageError('import: --team-from label:<key> needs a label key');
      return { kind: 'label', key: arg };
    case 'name': {
      if (!arg.includes('<team>')) throw new UsageError(`import: --team-from name:<pattern> needs <team> in the pattern, got '${arg}'`);
      const source = arg
        .split(/(<team>|<svc>|<ns>|\*)/)
        .map((part) => {
          if (part === '<team>') return '(?<team>[a-z0-9]+)';
          if (part === '<svc>' || part === '<ns>' || part === '*') return '.+?';
          return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join('');
      return { kind: 'name', pattern: new RegExp(`^${source}$`), text: arg };
    }
    case 'path': {
      const n = Number(arg);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`import: --team-from path:<n> needs a segment number >= 1, got '${arg}'`);
      return { kind: 'path', segment: n };
    }
    default:
      throw new UsageError(`import: --team-from expects label:<key>, name:<pattern>, path:<n> or default, got '${text}'`);
  }
}

/** The team the rule gives, or undefined when it gives none or not a valid folder name (DNS-1123 label). */
export function teamOf(rule: TeamRule, vs: VirtualService, behaviour: ImportedBehaviour): string | undefined {
  let team: string | undefined;
  switch (rule.kind) {
    case 'default':
      return DEFAULT_TEAM;
    case 'label': {
      const labels = (vs.metadata as { labels?: Record<string, unknown> }).labels ?? {};
      const value = labels[rule.key];
      team = typeof value === 'string' ? value : undefined;
      break;
    }
    case 'name':
      team = rule.pattern.exec(vs.metadata.name)?.groups?.team;
      break;
    case 'path': {
      const first = behaviour.match.find((m) => m.kind !== 'regex') ?? behaviour.match[0];
      const segments = (first?.value ?? '').split('/').filter((s) => s !== '');
      // A prefix's last segment is only a segment when the prefix ends in `/`.
      const whole = first && (first.kind !== 'prefix' || first.value.endsWith('/')) ? segments : segments.slice(0, -1);
      team = whole[rule.segment - 1];
      break;
    }
  }
  return team !== undefined && DNS_LABEL.test(team) && team.length <= 63 ? team : undefined;
}
