import { existsSync } from 'fs';

/**
 * The Chromium binary the browser tests drive with puppeteer-core (no browser download at install time).
 * Debian/Ubuntu: `apt-get update && apt-get install -y chromium`; `.ci/run` installs it when missing.
 * `CHROMIUM_PATH` overrides the search.
 */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const found = candidates.find((c): c is string => c !== undefined && c !== '' && existsSync(c));
  if (!found) {
    throw new Error('the browser tests need Chromium: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH); .ci/run installs it');
  }
  return found;
}
