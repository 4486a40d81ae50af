/**
 * Small value parsers for the platform fields of a Cluster: IPv4 addresses, Kubernetes quantities and
 * hostnames. Pure; the schema already checked the shapes, these decide the values.
 */

/** The four octets of a dotted-quad IPv4 address, or undefined (leading zeros are refused: they read as octal in some tools). */
export function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const octets: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    octets.push(n);
  }
  return octets;
}

/**
 * A CPU quantity in millicores (`100m`, `2`, `0.5`) or a memory quantity in MiB (`128Mi`, `1Gi`); undefined when
 * it is not one kfaas accepts (the schema pattern reports it) or not a whole number of millicores / MiB.
 */
export function parseQuantity(text: string, kind: 'cpu' | 'memory'): number | undefined {
  if (kind === 'cpu') {
    const milli = /^([0-9]+)m$/.exec(text);
    if (milli) return Number(milli[1]);
    const cores = /^([0-9]+)(?:\.([0-9]{1,3}))?$/.exec(text);
    if (!cores) return undefined;
    return Number(cores[1]) * 1000 + Number((cores[2] ?? '').padEnd(3, '0') || '0');
  }
  const m = /^([0-9]+)(Mi|Gi)$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
}

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const HOSTNAME = new RegExp(`^${LABEL}(\\.${LABEL})+$`);
/** The form schema/kfaas.schema.json's `BusinessHostname` checks (the schema reports hostnames not of it). */
export const BUSINESS_HOSTNAME_FORM = new RegExp(`^(\\*\\.)?${LABEL}(\\.${LABEL})+$`);

/** What is wrong with a business-domain hostname (`shop.example.com` or `*.shop.example.com`), or undefined. */
export function hostnameProblem(host: string): string | undefined {
  const bare = host.startsWith('*.') ? host.slice(2) : host;
  if (host.length > 253) return `expected at most 253 characters, got ${host.length}`;
  if (!HOSTNAME.test(bare) || bare.split('.').some((l) => l.length > 63)) {
    return 'expected a lowercase DNS name with at least two labels (letters, digits, \'-\'; labels of at most 63 characters), optionally starting with "*."';
  }
  if (/^[0-9.]+$/.test(bare)) return 'expected a DNS name, not an IP address';
  return undefined;
}
