// A conservative reader of Suricata-compatible rule strings (a Network Firewall rule group's `RulesString`): it
// reads the action, the protocol and the option keywords of each rule and nothing more, and says which lines it
// cannot read instead of guessing. Rules that judge rule strings must turn an unread line into "cannot verify".
// @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/suricata-examples.html

/** The actions Network Firewall accepts in a Suricata rule. */
const ACTIONS: ReadonlySet<string> = new Set(['pass', 'drop', 'reject', 'alert', 'rejectsrc', 'rejectdst', 'rejectboth']);

export interface SuricataRule {
  /** Lower case: pass, drop, reject, alert, rejectsrc, rejectdst, rejectboth. */
  readonly action: string;
  /** Lower case, as written (tcp, udp, ip, tls, http, dns, icmp...). */
  readonly protocol: string;
  /** The option keywords, lower case (`flow`, `sid`, `tls.sni`...). */
  readonly keywords: ReadonlySet<string>;
  /** The rule as written, for messages. */
  readonly text: string;
  /**
   * The header's seven fields as written (`action protocol source sourcePort direction destination destinationPort`),
   * for evaluators that match a flow against them; undefined for a rule built from structured `StatefulRules`.
   */
  readonly header?: readonly string[];
}

export interface ParsedRulesString {
  readonly rules: SuricataRule[];
  /** Lines that are not a rule this reader understands (the text, shortened). */
  readonly unreadable: string[];
}

/**
 * Reads a rule string: one rule per line (a trailing backslash continues it), blank lines and `#` comments skipped.
 * A rule is `action protocol source port direction destination port (options)`; anything else is unreadable.
 */
export function parseRulesString(text: string): ParsedRulesString {
  const rules: SuricataRule[] = [];
  const unreadable: string[] = [];
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1);
      continue;
    }
    lines.push(pending + line);
    pending = '';
  }
  if (pending !== '') {
    lines.push(pending);
  }
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      continue;
    }
    const rule = parseRule(trimmed);
    if (rule) {
      rules.push(rule);
    } else {
      unreadable.push(trimmed.length > 120 ? `${trimmed.slice(0, 117)}...` : trimmed);
    }
  }
  return { rules, unreadable };
}

function parseRule(line: string): SuricataRule | undefined {
  const open = line.indexOf('(');
  if (open < 0 || !line.endsWith(')')) {
    return undefined;
  }
  const header = splitHeader(line.slice(0, open).trim());
  if (!header || header.length !== 7 || !['->', '<>'].includes(header[4])) {
    return undefined;
  }
  const action = header[0].toLowerCase();
  const protocol = header[1].toLowerCase();
  if (!ACTIONS.has(action) || !/^[a-z0-9.-]+$/.test(protocol)) {
    return undefined;
  }
  const keywords = optionKeywords(line.slice(open + 1, -1));
  if (!keywords || !keywords.has('sid')) {
    return undefined;
  }
  return { action, protocol, keywords, text: line, header };
}

/** Header fields split on spaces, with `[a, b]` lists kept whole; undefined when brackets do not balance. */
function splitHeader(header: string): string[] | undefined {
  const fields: string[] = [];
  let current = '';
  let depth = 0;
  for (const c of header) {
    if (c === '[') depth++;
    if (c === ']') depth--;
    if (depth < 0) return undefined;
    if (/\s/.test(c) && depth === 0) {
      if (current !== '') fields.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (depth !== 0) return undefined;
  if (current !== '') fields.push(current);
  return fields;
}

/**
 * The keywords of `keyword[:value];` options; semicolons inside quoted values (with `\` escapes) do not split.
 * Undefined when a quote is left open or an option has no keyword.
 */
function optionKeywords(options: string): Set<string> | undefined {
  const keywords = new Set<string>();
  let current = '';
  let quoted = false;
  for (let i = 0; i < options.length; i++) {
    const c = options[i];
    if (c === '\\' && quoted) {
      current += c + (options[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ';' && !quoted) {
      const keyword = current.split(':')[0].trim().toLowerCase();
      if (!/^[a-z0-9_.-]+$/.test(keyword)) return undefined;
      keywords.add(keyword);
      current = '';
      continue;
    }
    current += c;
  }
  if (quoted || current.trim() !== '') return undefined;
  return keywords;
}
