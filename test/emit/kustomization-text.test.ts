import { GENERATED_HEADER, toYaml } from '../../src/emit/yaml';
import { kustomizationOf, kustomizationText } from '../../src/emit/render';
import { compareText } from '../../src/util/compare';

/** What kustomizationText wrote before it wrote the YAML itself: js-yaml's dump of the sorted list. */
const byJsYaml = (names: readonly string[]): string => GENERATED_HEADER + toYaml(kustomizationOf([...names].sort(compareText)));

describe('kustomization.yaml text', () => {
  test('a folder of rendered objects: the same bytes as js-yaml writes, names sorted', () => {
    const names = [
      'virtualservice-faas-alpha-ksvc-gateway-faas-api-team-05-svc-5-edited-3a7c9e1f.yaml',
      'service-faas-alpha-ksvc-gateway.yaml',
      'configmap-kfaas-forwarding-table-alpha.yaml',
      'namespace-kfaas-system.yaml',
    ];
    const text = kustomizationText(names);
    expect(text).toBe(byJsYaml(names));
    expect(text).toContain('resources:\n  - configmap-kfaas-forwarding-table-alpha.yaml\n  - namespace-kfaas-system.yaml\n');
  });

  test('names js-yaml quotes or writes otherwise (words, numbers, indicators, spaces, non-ASCII, line feeds)', () => {
    const names = [
      'yes', 'No', 'null', '~', 'true', '123', '0x1f', '1e3', '-a.yaml', '? q', 'a: b.yaml', 'a #b', '#c', '@d', '`e',
      "'f'", '"g"', 'h i.yaml', ' lead.yaml', 'trail.yaml ', 'über.yaml', 'é', '[x]', '{y}', '*z', '&w', '!v', '%u', '|t', '>s',
      'line\nfeed.yaml', '', '.', '..', 'a,b', 'a/b.yaml',
    ];
    for (const name of names) expect([name, kustomizationText([name, 'a.yaml'])]).toEqual([name, byJsYaml([name, 'a.yaml'])]);
    expect(kustomizationText(names)).toBe(byJsYaml(names));
  });

  test('an empty folder: an empty resources list, as js-yaml writes it', () => {
    expect(kustomizationText([])).toBe(byJsYaml([]));
  });
});
