import * as fs from 'fs';
import { IpFamily } from '../ip/family';
import { embeddedIpv4Reason, formatCidr, nonPublicOverlap, parseCidrOrReason } from '../private/ip';

/**
 * The text formats of common threat feeds.
 * @see https://www.spamhaus.org/blocklists/do-not-route-or-peer/
 * @see https://iplists.firehol.org/
 */
export enum BlocklistFeedFormat {
  /** Detect the format from the text: JSON lines, a Spamhaus DROP header or `; SBL` references, a FireHOL header. */
  AUTO = 'AUTO',
  /** One address or CIDR per line; `#` and `;` start a comment, on a line of its own or after the entry. */
  PLAIN = 'PLAIN',
  /** Spamhaus DROP text (`drop.txt`, `drop_v6.txt`): `1.2.3.0/24 ; SBL123`, header lines starting with `;`. */
  SPAMHAUS_DROP = 'SPAMHAUS_DROP',
  /**
   * Spamhaus DROP JSON lines (`drop_v4.json`, `drop_v6.json`): one object per line with a `cidr` field, and a last
   * line of `"type": "metadata"`.
   */
  SPAMHAUS_DROP_JSON = 'SPAMHAUS_DROP_JSON',
  /** FireHOL `.netset` / `.ipset`: a header of `#` comments, then one CIDR or address per line. */
  FIREHOL = 'FIREHOL',
}

/** Options for reading a threat feed. */
export interface BlocklistFeedOptions {
  /**
   * The feed's format.
   *
   * @default BlocklistFeedFormat.AUTO - detected from the text
   */
  readonly format?: BlocklistFeedFormat;

  /**
   * Skip lines that are not an address or CIDR (and list them in `skipped`) instead of failing.
   *
   * @default false - a malformed line is an error naming its line number, so a truncated or wrong file is noticed
   */
  readonly skipMalformedLines?: boolean;

  /**
   * Accept entries whose host bits are set and clear them (`198.51.100.7/24` -> `198.51.100.0/24`).
   *
   * @default false - such a line is malformed
   */
  readonly normalizeHostBits?: boolean;

  /**
   * Keep entries overlapping ranges that are not public (private, shared, loopback, link-local, multicast and
   * reserved space; see `IpBlocklistNacl`'s `allowNonPublicRanges`), which feeds such as FireHOL level1 list as
   * bogons.
   *
   * @default false - they are skipped, each with its reason in `skipped`
   */
  readonly keepNonPublicRanges?: boolean;
}

/** A feed line that was not kept, and why. */
export interface SkippedFeedLine {
  /** The 1-based line number in the feed. */
  readonly lineNumber: number;
  /** The line as written (without its line break). */
  readonly text: string;
  /** Why it was skipped: `non-public: ...`, `duplicate of line N`, or `malformed: ...`. */
  readonly reason: string;
}

/** Lines reported in a malformed-line error before "and N more". */
const MALFORMED_SHOWN = 5;

/**
 * A threat feed read at synth: the kept entries, canonical and ready for `IpBlocklistNacl` (`blockedCidrs:
 * feed.cidrs`), and every line it dropped with the reason. Non-public ranges (the bogons some feeds list) and
 * repeats are dropped; a malformed line is an error unless `skipMalformedLines`.
 *
 */
export class BlocklistFeed {
  /**
   * Reads a feed file at synth (a copy checked into the repository, or one a pipeline step downloaded).
   *
   * @param path the file's path
   * @param options the format and what to skip
   */
  public static fromFile(path: string, options: BlocklistFeedOptions = {}): BlocklistFeed {
    let text: string;
    try {
      text = fs.readFileSync(path, 'utf8');
    } catch (e) {
      throw new Error(`BlocklistFeed: cannot read '${path}': ${(e as Error).message}`);
    }
    return new BlocklistFeed(text, `'${path}'`, options);
  }

  /**
   * Reads feed text.
   *
   * @param text the feed, lines separated by LF or CRLF
   * @param options the format and what to skip
   */
  public static fromText(text: string, options: BlocklistFeedOptions = {}): BlocklistFeed {
    if (typeof text !== 'string') {
      throw new Error(`BlocklistFeed.fromText: expected the feed as a string, got ${text === null ? 'null' : typeof text}`);
    }
    return new BlocklistFeed(text, 'text', options);
  }

  /** The kept entries, canonical (`198.51.100.7/32`), one per kept line, in feed order. */
  public readonly cidrs: string[];
  /** Every line that holds something and was not kept, in feed order. */
  public readonly skipped: SkippedFeedLine[];
  /** The format the feed was read as (the detected one for AUTO). */
  public readonly format: BlocklistFeedFormat;

  private constructor(text: string, source: string, options: BlocklistFeedOptions) {
    const requested = options.format ?? BlocklistFeedFormat.AUTO;
    if (!Object.values(BlocklistFeedFormat).includes(requested)) {
      throw new Error(`BlocklistFeed ${source}: format '${String(requested)}' is not a BlocklistFeedFormat; use one of ${Object.values(BlocklistFeedFormat).join(', ')}`);
    }
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    this.format = requested === BlocklistFeedFormat.AUTO ? detectFormat(lines) : requested;
    const parseOptions = { normalizeHostBits: options.normalizeHostBits === true };
    const cidrs: string[] = [];
    const skipped: SkippedFeedLine[] = [];
    const malformed: SkippedFeedLine[] = [];
    const seen = new Map<string, number>();
    const json = this.format === BlocklistFeedFormat.SPAMHAUS_DROP_JSON;
    lines.forEach((line, index) => {
      const lineNumber = index + 1;
      const entry = json ? jsonEntry(line) : textEntry(line);
      if (entry === undefined) {
        return;
      }
      if (typeof entry !== 'string') {
        malformed.push({ lineNumber, text: line, reason: `malformed: ${entry.problem}` });
        return;
      }
      const parsed = parseCidrOrReason(entry, parseOptions);
      if (typeof parsed === 'string') {
        malformed.push({ lineNumber, text: line, reason: `malformed: '${entry}' ${parsed}` });
        return;
      }
      const refused = parsed.prefixLength === 0
        ? `blocks every ${parsed.family === IpFamily.IPV4 ? 'IPv4' : 'IPv6'} address`
        : embeddedIpv4Reason(parsed);
      if (refused !== undefined) {
        malformed.push({ lineNumber, text: line, reason: `malformed: '${entry}' ${refused}` });
        return;
      }
      const nonPublic = options.keepNonPublicRanges === true ? undefined : nonPublicOverlap(parsed);
      if (nonPublic) {
        skipped.push({ lineNumber, text: line, reason: `non-public: overlaps ${nonPublic.cidr}, ${nonPublic.why}` });
        return;
      }
      const canonical = formatCidr(parsed);
      const first = seen.get(canonical);
      if (first !== undefined) {
        skipped.push({ lineNumber, text: line, reason: `duplicate of line ${first}` });
        return;
      }
      seen.set(canonical, lineNumber);
      cidrs.push(canonical);
    });
    if (malformed.length > 0 && options.skipMalformedLines !== true) {
      const shown = malformed.slice(0, MALFORMED_SHOWN).map((m) => `line ${m.lineNumber} ${JSON.stringify(m.text)} (${m.reason.slice('malformed: '.length)})`);
      const more = malformed.length > MALFORMED_SHOWN ? ` and ${malformed.length - MALFORMED_SHOWN} more` : '';
      throw new Error(`BlocklistFeed ${source} (${this.format}): ${malformed.length} malformed line${malformed.length > 1 ? 's' : ''}: `
        + `${shown.join('; ')}${more}. Fix the feed, name its format, or set skipMalformedLines: true to skip such lines.`);
    }
    this.cidrs = cidrs;
    this.skipped = [...skipped, ...malformed].sort((a, b) => a.lineNumber - b.lineNumber);
  }
}

/** The entry of a text line, undefined for a blank or comment line, or what is wrong with it. */
function textEntry(line: string): string | { problem: string } | undefined {
  const comment = line.search(/[#;]/);
  const entry = (comment < 0 ? line : line.slice(0, comment)).trim();
  if (entry === '') {
    return undefined;
  }
  if (/\s/.test(entry)) {
    return { problem: 'more than one value before the comment' };
  }
  return entry;
}

/** The `cidr` of a Spamhaus JSON line, undefined for a blank or metadata line, or what is wrong with it. */
function jsonEntry(line: string): string | { problem: string } | undefined {
  if (line.trim() === '') {
    return undefined;
  }
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (e) {
    return { problem: `not a JSON object (${(e as Error).message})` };
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    return { problem: 'not a JSON object' };
  }
  const fields = record as Record<string, unknown>;
  if (fields.type === 'metadata') {
    return undefined;
  }
  if (typeof fields.cidr !== 'string') {
    return { problem: 'no "cidr" string field' };
  }
  return fields.cidr;
}

/** JSON lines start with `{`; Spamhaus text names itself or its SBL references; FireHOL names itself in its header. */
function detectFormat(lines: readonly string[]): BlocklistFeedFormat {
  const content = lines.filter((l) => l.trim() !== '').slice(0, 200);
  if (content.length > 0 && content[0].trimStart().startsWith('{')) {
    return BlocklistFeedFormat.SPAMHAUS_DROP_JSON;
  }
  if (content.some((l) => /spamhaus/i.test(l) && /^\s*;/.test(l)) || content.some((l) => /;\s*SBL\d+/.test(l))) {
    return BlocklistFeedFormat.SPAMHAUS_DROP;
  }
  if (content.some((l) => /^\s*#.*firehol/i.test(l))) {
    return BlocklistFeedFormat.FIREHOL;
  }
  return BlocklistFeedFormat.PLAIN;
}
