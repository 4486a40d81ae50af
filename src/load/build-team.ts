import { OwnedPrefix, Team } from '../model/project';
import { DocumentContext } from './document-context';
import { Built } from './built';
import { reportDuplicates } from './duplicates';
import { HTTP_PATH_PATTERN, routePathProblem } from '../util/request-path';
import { list, mapping, Mapping, str } from './values';

/** Builds a Team; its name must be its folder under routes/. */
export function buildTeam(ctx: DocumentContext, doc: Mapping): Team {
  const name = str(mapping(doc, 'metadata') ?? {}, 'name') ?? '';
  const folder = ctx.file.team ?? '';
  if (name !== '' && name !== folder) {
    ctx.error(
      'team-folder-mismatch',
      ['metadata', 'name'],
      `expected the team folder's name "${folder}", got "${name}"; a Team document lives in routes/<its name>/`,
    );
  }
  const owns: OwnedPrefix[] = [];
  (list(mapping(doc, 'spec') ?? {}, 'owns') ?? []).forEach((prefix, i) => {
    if (typeof prefix !== 'string') return;
    // A claim no request path can start with would guard nothing (the schema reports what is not a path at all).
    const unroutable = HTTP_PATH_PATTERN.test(prefix) ? routePathProblem(prefix, 'prefix') : undefined;
    if (unroutable) ctx.error('unroutable-path', ['spec', 'owns', i], unroutable);
    owns.push({ prefix, origin: ctx.origin(['spec', 'owns', i]) });
  });
  const reviewers = (list(mapping(doc, 'spec') ?? {}, 'reviewers') ?? []).filter((r): r is string => typeof r === 'string');
  return { name: folder, owns, reviewers, origin: ctx.origin(['metadata', 'name']) };
}

/** One Team document per team folder, and no prefix claimed by two teams. */
export function checkTeams(docs: readonly Built<Team>[]): void {
  reportDuplicates(
    docs.map((d) => ({ key: d.value.name, ctx: d.ctx, path: ['metadata', 'name'] })),
    (d, others) =>
      `team "${d.key}" has more than one Team document (also at ${others.map((o) => o.ctx.where(o.path)).join(', ')}); expected one per team folder`,
    'duplicate-team',
  );
  const claims = docs.flatMap((d) =>
    d.value.owns.map((o, i) => ({ key: o.prefix, ctx: d.ctx, path: ['spec', 'owns', i], team: d.value.name })),
  );
  const teamsPerPrefix = new Map<string, Set<string>>();
  for (const c of claims) teamsPerPrefix.set(c.key, (teamsPerPrefix.get(c.key) ?? new Set()).add(c.team));
  reportDuplicates(
    claims.filter((c) => (teamsPerPrefix.get(c.key)?.size ?? 0) > 1),
    (c, others) =>
      `prefix "${c.key}" is also claimed by ${others
        .filter((o) => o.team !== c.team)
        .map((o) => `team "${o.team}" (${o.ctx.where(o.path)})`)
        .join(', ')}; expected each prefix owned by one team`,
    'prefix-claimed-twice',
  );
  // A prefix inside another team's would let the inner team take part of the outer team's space.
  for (const inner of claims) {
    const outer = claims.find((o) => o.team !== inner.team && o.key !== inner.key && inner.key.startsWith(o.key));
    if (!outer) continue;
    inner.ctx.error(
      'prefix-inside-other-team',
      inner.path,
      `prefix "${inner.key}" lies inside prefix "${outer.key}" owned by team "${outer.team}" (${outer.ctx.where(outer.path)}); ` +
        `expected a prefix no other team owns: team "${outer.team}" must give up "${outer.key}" (own narrower prefixes) first`,
    );
  }
}
