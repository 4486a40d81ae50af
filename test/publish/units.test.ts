import { unitFinder } from '../../src/publish/units';

describe('units of publishing', () => {
  test('a path belongs to the shortest folder of it that holds a kustomization.yaml', () => {
    const unitOf = unitFinder([
      'cn-hz-test/alpha/kustomization.yaml', 'cn-hz-test/alpha/vs.yaml', 'cn-hz-test/platform/kustomization.yaml',
      'cn-hz-test/platform/nested/kustomization.yaml', '_argocd/app.yaml', 'kustomization.yaml.bak',
    ]);
    expect(unitOf('cn-hz-test/alpha/vs.yaml')).toBe('cn-hz-test/alpha');
    expect(unitOf('cn-hz-test/alpha/kustomization.yaml')).toBe('cn-hz-test/alpha');
    expect(unitOf('cn-hz-test/platform/nested/cm.yaml')).toBe('cn-hz-test/platform');
    expect(unitOf('cn-hz-test/beta/vs.yaml')).toBeUndefined();
    expect(unitOf('_argocd/app.yaml')).toBeUndefined();
    expect(unitOf('top.yaml')).toBeUndefined();
  });
});
