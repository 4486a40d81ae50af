import { dump } from 'js-yaml';

/**
 * js-yaml options of every rendered file: no anchors, no line folding (long regexes stay on one line), keys in
 * insertion order (the emitter's canonical order). The benchmark floor writes with the same options.
 */
const DUMP_OPTIONS = { noRefs: true, lineWidth: -1, sortKeys: false } as const;

/**
 * Serializes one value as a YAML document (no header, no `---`). In util because the compiler writes the text
 * files a ConfigMap carries (the forwarding table) with it too, and must know their size.
 */
export function toYaml(obj: unknown): string {
  return dump(obj, DUMP_OPTIONS);
}
