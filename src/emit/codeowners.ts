import { CodeownersRule } from '../compile/delivery';
import { GENERATED_HEADER } from './yaml';

/** The text of `.github/CODEOWNERS`: the generated mark first (so publishing may replace or delete it), then the rules. */
export function renderCodeowners(rules: readonly CodeownersRule[], source: string): string {
  const lines = [
    GENERATED_HEADER.trimEnd(),
    `# Reviewers come from ${source} (platform team) and routes/<team>/team.yaml (spec.reviewers).`,
    '# GitHub applies the last matching pattern.',
  ];
  const width = Math.max(...rules.map((r) => r.pattern.length));
  for (const r of rules) lines.push('', `# ${r.why}`, `${r.pattern.padEnd(width)} ${r.owners.join(' ')}`);
  return lines.join('\n') + '\n';
}
