import { UserError } from '../diagnostics/diagnostic';
import { HELP } from './help';
import { CliIo, EXIT_INTERNAL, EXIT_OK, EXIT_USER, kfaasVersion, printDiagnostics, processIo, UsageError } from './io';

type Command = (argv: readonly string[], io: CliIo) => number | Promise<number>;

/** Commands are loaded when run, so that a cheap path (a cached synth, --help) loads nothing heavy. */
const COMMANDS: Readonly<Record<string, Command>> = {
  synth: (argv, io) => (require('./synth') as typeof import('./synth')).synthCommand(argv, io),
  validate: (argv, io) => (require('./validate') as typeof import('./validate')).validateCommand(argv, io),
  explain: (argv, io) => (require('./explain') as typeof import('./explain')).explainCommand(argv, io),
  map: (argv, io) => (require('./map') as typeof import('./map')).mapCommand(argv, io),
  import: (argv, io) => (require('./import') as typeof import('./import')).importCommand(argv, io),
  diff: (argv, io) => (require('./diff') as typeof import('./diff')).diffCommand(argv, io),
  watch: (argv, io) => (require('./watch') as typeof import('./watch')).watchCommand(argv, io),
  'upgrade-plan': (argv, io) => (require('./upgrade-plan') as typeof import('./upgrade-plan')).upgradePlanCommand(argv, io),
};

/**
 * The `kfaas` command line. Returns the exit status: 0 ok, 2 invalid input or usage, 1 internal error (a bug:
 * `kfaas: internal error: <message>`, with the stack only when KFAAS_DEBUG=1).
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      (first === undefined ? io.stderr : io.stdout)(HELP);
      return first === undefined ? EXIT_USER : EXIT_OK;
    }
    if (first === '--version' || first === '-v') {
      io.stdout(`kfaas ${kfaasVersion()}\n`);
      return EXIT_OK;
    }
    const command = COMMANDS[first];
    if (!command) throw new UsageError(`unknown command '${first}' (expected one of: ${Object.keys(COMMANDS).join(', ')})`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(HELP);
      return EXIT_OK;
    }
    return await command(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`kfaas: ${e.message}\nRun 'kfaas --help' for usage.\n`);
      return EXIT_USER;
    }
    if (e instanceof UserError) {
      printDiagnostics(io, e.diagnostics);
      return EXIT_USER;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    io.stderr(`kfaas: internal error: ${err.message}\n`);
    if (io.env.KFAAS_DEBUG === '1' && err.stack) io.stderr(`${err.stack}\n`);
    return EXIT_INTERNAL;
  }
}
