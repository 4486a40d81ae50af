import { runPipeline } from '../pipeline';
import { parseCommandArgs } from './args';
import { CliIo, EXIT_OK, EXIT_USER, printDiagnostics } from './io';
import { projectRootOf } from './project-root';
import { treeCounts } from './summary';

/**
 * `kfaas validate [--root .] [--allow-empty]`: every check, and a render in memory; writes nothing. A project
 * without routes fails as `synth` would, unless `--allow-empty`.
 */
export function validateCommand(argv: readonly string[], io: CliIo): number {
  const { values } = parseCommandArgs('validate', argv, { root: { type: 'string' }, 'allow-empty': { type: 'boolean' } }, false);
  const root = projectRootOf(io.cwd, values.root as string | undefined);
  const result = runPipeline({ root, write: false, requireRoutes: true, allowEmpty: values['allow-empty'] === true });
  if (printDiagnostics(io, result.diagnostics) > 0) return EXIT_USER;
  const { folders, objects } = treeCounts(result.tree!);
  io.stdout(`kfaas: ok, ${folders} folder(s), ${objects} object(s)\n`);
  return EXIT_OK;
}
