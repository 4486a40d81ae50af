import { Project } from '../../model/project';
import { compareText } from '../../util/compare';
import { ARGOCD_FOLDER, fluxFolder } from './compile-delivery';

export { CODEOWNERS_PATH } from '../../model/defaults';

/** One CODEOWNERS line: a gitignore-style pattern and its owners. */
export interface CodeownersRule {
  readonly pattern: string;
  readonly owners: readonly string[];
  /** Why the rule is there (written as a comment above it). */
  readonly why: string;
}

/**
 * Who must review what, from the Team documents' and the Delivery document's `reviewers`. GitHub applies the
 * LAST matching pattern, so the order is: the platform team owns `routes/` (a new team folder or a team without
 * reviewers), each team with reviewers owns its folder, and then the platform team again owns every Team
 * document (the prefixes a team may route), `clusters/`, the delivery output and `.github/` (CI and this file),
 * so no pull request can widen a team's prefixes or change what is deployed where without the platform team.
 * Rendered route folders under dist/ have no owner: `kfaas synth --check` in CI proves they are the render of
 * the reviewed inputs. Undefined when there is no Delivery document (it names the platform team).
 */
export function planCodeowners(project: Project): CodeownersRule[] | undefined {
  const delivery = project.delivery;
  if (!delivery) return undefined;
  const platform = delivery.reviewers;
  const rules: CodeownersRule[] = [{ pattern: '/routes/', owners: platform, why: 'new team folders and teams without reviewers' }];
  for (const team of [...project.teams].sort((a, b) => compareText(a.name, b.name))) {
    if (team.reviewers.length === 0) continue;
    rules.push({ pattern: `/routes/${team.name}/`, owners: team.reviewers, why: `team ${team.name} (${team.origin.at.file})` });
  }
  const dist = `/${delivery.path}/`;
  rules.push(
    { pattern: '/routes/*/team.yaml', owners: platform, why: 'the path prefixes each team owns' },
    { pattern: '/clusters/', owners: platform, why: 'clusters, environments and these delivery settings' },
    { pattern: `${dist}${ARGOCD_FOLDER}/`, owners: platform, why: 'Argo CD projects and Applications' },
    { pattern: `${dist}${fluxFolder('*')}/`, owners: platform, why: 'Flux sources and Kustomizations' },
    { pattern: '/.github/', owners: platform, why: 'CI workflows and this file' },
  );
  return rules;
}
