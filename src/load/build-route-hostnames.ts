import { Hostname } from '../model/project';
import { DocumentContext } from './document-context';
import { BUSINESS_HOSTNAME_FORM, hostnameProblem } from './platform-values';
import { isMapping, list, Mapping } from './values';

/**
 * `spec.hostnames`: business-domain hostnames per environment (`prod: [showroom.example.com]`). The schema checks
 * their form (`BusinessHostname`); this adds what a pattern cannot say (labels of at most 63 characters, not an
 * address). Which cluster serves a hostname (its suffixes, wildcards) is decided per cluster by the compiler.
 * Returns undefined when the field is absent.
 */
export function readHostnames(ctx: DocumentContext, spec: Mapping): Record<string, Hostname[]> | undefined {
  const m = spec.hostnames;
  if (!isMapping(m)) return undefined;
  const out: Record<string, Hostname[]> = {};
  for (const env of Object.keys(m).sort()) {
    const hosts: Hostname[] = [];
    (list(m, env) ?? []).forEach((item, i) => {
      // The schema reports other forms and repeated items; one message per mistake.
      if (typeof item !== 'string' || !BUSINESS_HOSTNAME_FORM.test(item) || hosts.some((h) => h.value === item)) return;
      const path = ['spec', 'hostnames', env, i];
      const problem = hostnameProblem(item);
      if (problem) ctx.error('invalid-hostname', path, `${problem}, got "${item}"`);
      else hosts.push({ value: item, origin: ctx.origin(path) });
    });
    out[env] = hosts;
  }
  return out;
}
