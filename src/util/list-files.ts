import { readdirSync } from 'fs';
import { join } from 'path';

/**
 * Every file below `dir` (symlinks included as entries, never followed into), as sorted paths relative to
 * `dir` with forward slashes. A missing folder has no files.
 */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string, rel: string): void => {
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const childRel = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(join(abs, e.name), childRel);
      else out.push(childRel);
    }
  };
  walk(dir, '');
  return out.sort();
}
