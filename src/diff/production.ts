/**
 * What counts as production for `kfaas diff`'s guards. Folder names are all a diff of two rendered trees knows
 * (a removed cluster's file is gone from the head), so production is read from them:
 * - an environment whose name is `prod` or starts with `prod` (`prod`, `production`, `prod-eu`) or ends with
 *   `-prod`;
 * - every environment of a cluster whose name has a `prod` or `production` segment (`us-west-prod`).
 */
export function isProduction(cluster: string | undefined, environment: string | undefined): boolean {
  const env = environment ?? '';
  if (env.startsWith('prod') || env.endsWith('-prod')) return true;
  return (cluster ?? '').split('-').some((segment) => segment === 'prod' || segment === 'production');
}
