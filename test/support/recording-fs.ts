/**
 * `fs` with a `readFileSync` that records every path it is given, for tests that prove which files a run reads.
 * A test file installs it with `jest.mock('fs', () => require('../support/recording-fs').recordingFs())` and
 * reads (and empties) {@link reads}.
 */
export const reads: string[] = [];

/** The real `fs`, except that `readFileSync` of a path adds the path to {@link reads}. */
export function recordingFs(): typeof import('fs') {
  const actual = jest.requireActual<typeof import('fs')>('fs');
  return {
    ...actual,
    readFileSync: (...args: Parameters<typeof actual.readFileSync>): unknown => {
      if (typeof args[0] === 'string') reads.push(args[0]);
      return actual.readFileSync(...args);
    },
  } as typeof import('fs');
}
