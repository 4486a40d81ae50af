/** The one string order kfaas sorts by: UTF-16 code units, independent of locale (unlike localeCompare). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The distinct strings of `values`, in compareText order. `sort()` without a comparator orders strings by UTF-16
 * code units too (ECMA-262 SortCompare: IsLessThan on two Strings), without a JavaScript call per comparison:
 * about twice as fast on the compiler's lists of thousands of path literals.
 */
export function sortedDistinct(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}
