import { parseArgs, ParseArgsConfig } from 'util';
import { UsageError } from './io';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `util.parseArgs` in strict mode, turning its errors into usage errors (exit 2). */
export function parseCommandArgs<O extends Options>(
  command: string,
  argv: readonly string[],
  options: O,
  allowPositionals: boolean,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: [...argv], options, allowPositionals, strict: true });
    return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new UsageError(`${command}: ${message}`);
  }
}
