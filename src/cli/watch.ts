import { INPUT_AREAS } from '../cache/synth-cache';
import { UserError } from '../diagnostics/diagnostic';
import { InputWatcher } from '../watch/input-watcher';
import { CycleOutcome, WatchSession } from '../watch/watch-session';
import { parseCommandArgs } from './args';
import { CliIo, EXIT_OK, printDiagnostics, UsageError } from './io';
import { projectRootOf } from './project-root';
import { runSynth, synthOutDir } from './synth-run';

/** A whole number of milliseconds of an option, at least `min`. */
function millis(name: string, value: string | boolean | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || n < min) throw new UsageError(`watch: --${name} expects a whole number of milliseconds >= ${min}, got '${String(value)}'`);
  return n;
}

/**
 * `kfaas watch [--root .] [--out dist] [--adopt] [--allow-empty] [--poll MS] [--debounce MS]`: a synth now, then
 * another each time the inputs change (src/watch): the same checks, output, diagnostics and publishing as `kfaas synth`,
 * with the project kept in memory between synths. Runs until SIGINT or SIGTERM (a synth under way finishes first:
 * each is synchronous), then exits 0. A bug (an internal error) ends it as it ends any command.
 */
export function watchCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    'watch',
    argv,
    {
      root: { type: 'string' },
      out: { type: 'string' },
      adopt: { type: 'boolean' },
      'allow-empty': { type: 'boolean' },
      poll: { type: 'string' },
      debounce: { type: 'string' },
    },
    false,
  );
  const pollMs = millis('poll', values.poll, 100);
  const debounceMs = millis('debounce', values.debounce, 0);
  const root = projectRootOf(io.cwd, values.root as string | undefined);
  const { outDir, shown } = synthOutDir(io.cwd, root, values.out as string | undefined);
  const session = new WatchSession({ root, outDir, shown, adopt: values.adopt === true, allowEmpty: values['allow-empty'] === true, runSynth });

  /** One cycle; a user error (a publish lock held too long, an output folder that cannot be written) is printed. */
  const cycle = (force: boolean): CycleOutcome | undefined => {
    try {
      const outcome = session.cycle(io, force);
      if (outcome.kind === 'ran' && outcome.code !== EXIT_OK) io.stderr(`kfaas: ${shown} left as it was (${Math.round(outcome.ms)} ms); waiting for changes\n`);
      return outcome;
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      printDiagnostics(io, e.diagnostics);
      io.stderr(`kfaas: ${shown} left as it was; waiting for changes\n`);
      return undefined;
    }
  };
  cycle(true);

  return new Promise<number>((done, fail) => {
    const stop = (): void => {
      watcher.stop();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done(EXIT_OK);
    };
    const watcher = new InputWatcher({
      root,
      areas: INPUT_AREAS,
      pollMs,
      debounceMs,
      onFallback: (message) => io.stderr(`kfaas: ${message}\n`),
      onChange: () => {
        try {
          cycle(false);
        } catch (e) {
          watcher.stop();
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          fail(e);
        }
      },
    });
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    watcher.start();
    // once watching: a change from here on is seen
    io.stderr(`kfaas: watching ${INPUT_AREAS.map((a) => `${a}/`).join(' and ')}${pollMs === undefined ? '' : ` every ${pollMs} ms`}; Ctrl-C stops\n`);
  });
}
