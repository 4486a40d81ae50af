/**
 * Kubernetes' name and label-value rules, as the API server applies them (kubernetes/apimachinery@v0.31.0
 * `pkg/util/validation/validation.go`: IsDNS1123Label, IsDNS1123Subdomain, IsDNS1035Label, IsValidLabelValue;
 * Services are named by DNS-1035 labels, kubernetes@v1.31.0 `pkg/apis/core/validation/validation.go`
 * ValidateServiceName). Each check returns what is wrong in words, or undefined when the name is valid.
 */

/** Longest DNS-1123 / DNS-1035 label and label value. */
export const MAX_LABEL_LENGTH = 63;

/** Longest DNS-1123 subdomain (most object names, host names). */
const MAX_SUBDOMAIN_LENGTH = 253;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A DNS-1123 label: lowercase letters, digits and '-', starting and ending alphanumeric, at most 63. */
export function dns1123LabelProblem(name: string): string | undefined {
  if (name.length > MAX_LABEL_LENGTH) return `${name.length} characters, more than a DNS-1123 label's ${MAX_LABEL_LENGTH}`;
  if (!DNS1123_LABEL.test(name)) return 'not a DNS-1123 label (lowercase letters, digits and \'-\', starting and ending with a letter or digit)';
  return undefined;
}

/** A DNS-1035 label (Service names): like a DNS-1123 label, but starting with a letter. */
export function dns1035LabelProblem(name: string): string | undefined {
  if (name.length > MAX_LABEL_LENGTH) return `${name.length} characters, more than a Service name's ${MAX_LABEL_LENGTH} (a DNS-1035 label)`;
  if (!DNS1035_LABEL.test(name)) {
    return /^[0-9]/.test(name)
      ? 'starts with a digit; a Service name is a DNS-1035 label, which starts with a letter'
      : 'not a DNS-1035 label (lowercase letters, digits and \'-\', starting with a letter, ending with a letter or digit)';
  }
  return undefined;
}

/** A DNS-1123 subdomain: DNS-1123 labels joined by '.', at most 253 in all. */
export function dns1123SubdomainProblem(name: string): string | undefined {
  if (name.length > MAX_SUBDOMAIN_LENGTH) return `${name.length} characters, more than a DNS name's ${MAX_SUBDOMAIN_LENGTH}`;
  for (const label of name.split('.')) {
    if (!DNS1123_LABEL.test(label)) return `"${label}" is not a DNS-1123 label`;
  }
  return undefined;
}

/** A label value: empty, or at most 63 of [A-Za-z0-9-_.], starting and ending alphanumeric. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > MAX_LABEL_LENGTH) return `${value.length} characters, more than a label value's ${MAX_LABEL_LENGTH}`;
  if (!LABEL_VALUE.test(value)) return 'not a label value (letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit)';
  return undefined;
}
