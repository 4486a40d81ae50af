import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { generateProject } from '../../src/bench/generate';
import { loadProject } from '../../src/load/load-project';

/** Sanity at volume: correctness only (timings belong to `npm run bench`, not to unit tests). */
describe('loadProject at volume', () => {
  test('2,000 generated route files load completely and cleanly', () => {
    // GIVEN the benchmark's synthetic project with 2,000 routes
    const root = mkdtempSync(join(tmpdir(), 'kfaas-many-'));
    try {
      const generated = generateProject(root, 2000);

      // WHEN it is loaded
      const { project, diagnostics } = loadProject(root);

      // THEN every document is in the model, sorted, without diagnostics
      expect(diagnostics).toEqual([]);
      expect(project.routes).toHaveLength(generated.routes);
      expect(project.teams).toHaveLength(generated.teams);
      expect(project.clusters).toHaveLength(generated.clusters);
      const names = project.routes.map((r) => r.name);
      expect(names).toEqual([...names].sort());
      expect(new Set(names).size).toBe(names.length);
      for (const route of project.routes) {
        expect(route.base.match.length).toBeGreaterThan(0);
        expect(route.team).toBe(route.name.split('-svc-')[0]);
      }
      // positions are computed on demand, and right
      const last = project.routes[project.routes.length - 1];
      expect(last.origin.at).toEqual({ file: expect.stringMatching(/^routes\/team-\d\d\/r\d+\.yaml$/), line: 4, col: 9 });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
