import { isAbsolute, relative, resolve } from 'path';
import { runPipeline } from '../pipeline';
import { parseCommandArgs } from './args';
import { CliIo, EXIT_OK, EXIT_USER, printDiagnostics } from './io';
import { treeCounts } from './summary';

/**
 * `kfaas synth [--root .] [--out dist] [--check]`: every check, then publish (only changed files are written,
 * stale ones removed). With `--check`, writes nothing and fails (exit 2) when the folder is not up to date.
 */
export function synthCommand(argv: readonly string[], io: CliIo): number {
  const { values } = parseCommandArgs(
    'synth',
    argv,
    { root: { type: 'string' }, out: { type: 'string' }, check: { type: 'boolean' } },
    false,
  );
  const root = resolve(io.cwd, (values.root as string | undefined) ?? '.');
  const outDir = resolve(io.cwd, (values.out as string | undefined) ?? resolve(root, 'dist'));
  const check = values.check === true;
  const result = runPipeline({ root, outDir, write: !check, check });
  if (printDiagnostics(io, result.diagnostics) > 0) return EXIT_USER;

  const rel = relative(io.cwd, outDir);
  const shown = rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? outDir : rel;
  const { folders, objects } = treeCounts(result.tree!);
  if (check) {
    const diff = result.diff!;
    for (const f of diff.write) io.stderr(`out of date: ${shown}/${f}\n`);
    for (const f of diff.delete) io.stderr(`stale: ${shown}/${f}\n`);
    if (diff.write.length + diff.delete.length > 0) {
      io.stderr(
        `kfaas: ${shown} is out of date: ${diff.write.length} file(s) to write, ${diff.delete.length} to delete; run kfaas synth\n`,
      );
      return EXIT_USER;
    }
    io.stdout(`kfaas: ${shown} is up to date (${folders} folder(s), ${objects} object(s))\n`);
    return EXIT_OK;
  }
  const report = result.report!;
  io.stdout(
    `kfaas: ${folders} folder(s), ${objects} object(s) -> ${shown}: ` +
      `${report.written.length} written, ${report.deleted.length} deleted, ${report.unchanged} unchanged\n`,
  );
  return EXIT_OK;
}
