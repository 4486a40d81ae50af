import { join } from 'path';

let cached: string | undefined;

/**
 * The page script: src/map/browser/app.ts and the explain engine it imports (compiled to lib/), bundled into one
 * IIFE with esbuild, so the browser runs the same code as `kfaas explain` (no second implementation). esbuild
 * (a well-kept bundler) instead of hand-written concatenation: the engine spans a dozen CommonJS modules plus
 * re2js, which only a real bundler resolves.
 */
export function pageScript(): string {
  if (cached !== undefined) return cached;
  // Loaded here: a synth never pays for it.
  const esbuild = require('esbuild') as typeof import('esbuild');
  const result = esbuild.buildSync({
    entryPoints: [join(__dirname, 'browser', 'app.js')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  cached = result.outputFiles[0].text;
  return cached;
}
