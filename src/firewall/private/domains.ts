/**
 * Domain allowlist entries as Network Firewall's domain list reads them (no CDK): a host name, or a leading dot for
 * the domain and all its subdomains.
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/stateful-rule-groups-domain-names.html
 */

/** Why an entry is not a domain list target, with what to write instead; undefined when it is one. */
export function domainEntryProblem(entry: string): string | undefined {
  const example = suggestion(entry);
  if (entry.length === 0 || entry.trim() !== entry || /\s/.test(entry)) {
    return 'contains whitespace or is empty; give a host name such as \'api.example.com\'';
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) {
    return `has a scheme; the firewall matches the TLS SNI and HTTP Host, not a URL: write '${example}'`;
  }
  if (entry.includes('/')) {
    return `has a path; the firewall sees only the host name (TLS hides the path): write '${example}'`;
  }
  if (entry.includes(':')) {
    return `has a port or is an IPv6 address; the SNI and Host match carries the host name only: write '${example}'`;
  }
  if (entry.includes('*')) {
    return `has a wildcard; only a leading dot admits subdomains: write '${example}'`;
  }
  if (entry === '.' || /^\.+$/.test(entry)) {
    return 'admits every domain, which is no allowlist; list the domains the workload needs';
  }
  const host = entry.startsWith('.') ? entry.slice(1) : entry;
  if (host.length > 253) {
    return 'is longer than 253 characters, the longest a domain name can be';
  }
  const labels = host.split('.');
  if (labels.every((l) => /^[0-9]+$/.test(l))) {
    return 'is an IP address; TLS SNI never carries one, so allow addresses with a stateful IP rule instead';
  }
  for (const label of labels) {
    if (!/^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/.test(label)) {
      return `has the label '${label}', which is not a DNS label (1-63 letters, digits, '-' or '_', no '-' at either end, no empty label)`;
    }
  }
  return undefined;
}

/**
 * Stateful capacity a domain list uses: one rule per domain and target type (TLS SNI, HTTP Host).
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/nwfw-rule-group-capacity.html
 */
export function domainListCapacity(domainCount: number, targetTypeCount: number): number {
  return domainCount * targetTypeCount;
}

function suggestion(entry: string): string {
  const withoutScheme = entry.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const host = withoutScheme.split('/')[0].replace(/:\d+$/, '');
  return host.startsWith('*.') ? host.slice(1) : host.replace(/\*/g, '') || 'example.com';
}
