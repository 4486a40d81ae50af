/** The one string order kfaas sorts by: UTF-16 code units, independent of locale (unlike localeCompare). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
