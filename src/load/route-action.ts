import { RouteBehaviour } from '../model/project';
import { DocumentContext } from './document-context';
import { FieldPath } from './field-path';
import { has, mapping, Mapping } from './values';

/**
 * A route either forwards to a Knative service or answers itself (redirect, direct response): Istio allows one of
 * route / redirect / directResponse per HTTP route, and a fault, rewrite or retry only with `route`
 * (istio `pkg/config/validation/virtualservice.go`).
 */

/** Fields (as written) that only make sense when the route forwards. */
const FORWARDING_FIELDS = ['service', 'tag', 'traffic', 'rewrite', 'timeout', 'retries', 'fault'] as const;
/** Model fields a redirect or direct response replaces. */
const FORWARDING_MODEL_FIELDS = ['tag', 'tagOrigin', 'traffic', 'rewriteUri', 'timeoutMs', 'retries', 'fault', 'headers'] as const;
const ANSWERS = ['redirect', 'directResponse'] as const;

/** Reports, in one mapping (the spec or one override), an answer combined with another answer or with forwarding. */
export function checkActionFields(ctx: DocumentContext, m: Mapping, at: FieldPath): void {
  const answers = ANSWERS.filter((k) => has(m, k));
  if (answers.length === 0) return;
  if (answers.length > 1) {
    ctx.error('conflicting-action', [...at, answers[1]], 'expected one of redirect or directResponse, not both: a route answers one way', 'key');
  }
  for (const field of FORWARDING_FIELDS) {
    if (!has(m, field)) continue;
    ctx.error('conflicting-action', [...at, field],
      `${field} has no effect on a route that answers with ${answers[0]} (it never forwards); remove one of them`, 'key');
  }
  const headers = mapping(m, 'headers');
  if (headers && has(headers, 'request')) {
    ctx.error('conflicting-action', [...at, 'headers', 'request'],
      `request headers have no effect on a route that answers with ${answers[0]} (nothing is forwarded); keep only response headers`, 'key');
  }
}

type Fields = { -readonly [K in keyof RouteBehaviour]?: RouteBehaviour[K] };

/**
 * `fields` (one override) on top of `base`, each field replacing the base's whole. An override that answers
 * (redirect, directResponse) replaces the whole action: the base's forwarding fields do not apply there; an
 * override that forwards replaces a base that answers.
 */
export function completeBehaviour(base: RouteBehaviour, fields: Fields): RouteBehaviour {
  const out: Fields = { ...base };
  const answers = ANSWERS.some((k) => fields[k] !== undefined);
  const forwards = (['service', ...FORWARDING_MODEL_FIELDS] as const).some((k) => k !== 'headers' && k !== 'tagOrigin' && fields[k] !== undefined);
  if (answers) for (const k of [...FORWARDING_MODEL_FIELDS, ...ANSWERS]) delete out[k];
  else if (forwards) for (const k of ANSWERS) delete out[k];
  return { ...out, ...fields } as RouteBehaviour;
}
