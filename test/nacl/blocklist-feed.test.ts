import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { BlocklistFeed, BlocklistFeedFormat } from '../../src/nacl';
import { mergeRanges, nonPublicOverlap, parseCidr } from '../../src/private/ip';
import { FIREHOL_BOGONS, fireholLevel1Like } from '../support/feeds';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'feeds');

describe('BlocklistFeed formats', () => {
  test('plain: one entry per line, # and ; comments on their own or trailing, blank lines, CRLF, IPv6, bare addresses', () => {
    // GIVEN
    const text = '# my SOC export\r\n\r\n198.51.100.7\r\n203.0.113.0/24 # scanner\r\n  2001:db8:bad::/48 ; noisy  \r\n; end\r\n2001:DB8:BEEF::1\r\n';
    // WHEN
    const feed = BlocklistFeed.fromText(text);
    // THEN
    expect(feed.format).toBe(BlocklistFeedFormat.PLAIN);
    expect(feed.cidrs).toEqual(['198.51.100.7/32', '203.0.113.0/24', '2001:db8:bad::/48', '2001:db8:beef::1/128']);
    expect(feed.skipped).toEqual([]);
  });

  test('Spamhaus DROP text: detected from its header and SBL references; the shared-space entry is skipped', () => {
    const feed = BlocklistFeed.fromFile(path.join(FIXTURES, 'drop.txt'));
    expect(feed.format).toBe(BlocklistFeedFormat.SPAMHAUS_DROP);
    expect(feed.cidrs).toEqual(['1.19.0.0/16', '2.56.192.0/22', '5.134.128.0/19', '23.137.248.0/24', '45.8.124.0/22', '203.0.113.0/24']);
    expect(feed.skipped).toEqual([{ lineNumber: 9, text: '100.64.0.0/10 ; SBL000006', reason: expect.stringMatching(/^non-public: overlaps 100\.64\.0\.0\/10, shared address space/) }]);
  });

  test('Spamhaus DROP JSON lines (v4 and v6): the cidr fields, the metadata line ignored', () => {
    const v4 = BlocklistFeed.fromFile(path.join(FIXTURES, 'drop_v4.json'));
    const v6 = BlocklistFeed.fromFile(path.join(FIXTURES, 'drop_v6.json'));
    const text = BlocklistFeed.fromFile(path.join(FIXTURES, 'drop.txt'));
    expect([v4.format, v6.format]).toEqual([BlocklistFeedFormat.SPAMHAUS_DROP_JSON, BlocklistFeedFormat.SPAMHAUS_DROP_JSON]);
    // the two formats of the same list give the same entries and skip the same one
    expect(v4.cidrs).toEqual(text.cidrs);
    expect(v4.skipped.map((s) => [s.lineNumber, s.reason.split(':')[0]])).toEqual([[6, 'non-public']]);
    expect(v6.cidrs).toEqual(['2a06:e480::/29', '2a07:9b80::/29', '2001:db8:bad::/48']);
    expect(v6.skipped).toEqual([expect.objectContaining({ lineNumber: 4, reason: expect.stringMatching(/^non-public: overlaps fc00::\/7, IPv6 unique local/) })]);
  });

  test('FireHOL level1-style netset: header detected, bogons skipped, ~6,000 public entries kept exactly', () => {
    // GIVEN a generated netset in the shape of firehol_level1 (header, bogons, then public networks)
    const { text, publicEntries } = fireholLevel1Like(6000);
    // WHEN
    const feed = BlocklistFeed.fromText(text);
    // THEN
    expect(feed.format).toBe(BlocklistFeedFormat.FIREHOL);
    expect(feed.cidrs).toEqual(publicEntries);
    expect(feed.cidrs).toHaveLength(6000);
    expect(feed.skipped.map((s) => s.text)).toEqual(FIREHOL_BOGONS);
    expect(feed.skipped.every((s) => s.reason.startsWith('non-public: '))).toBe(true);
    expect(feed.cidrs.filter((c) => nonPublicOverlap(parseCidr(c)) !== undefined)).toEqual([]);
    // the header's line numbers count: the first bogon is line 16
    expect(feed.skipped[0].lineNumber).toBe(16);
  });

  test('a named format is used as named: JSON lines read as plain text are malformed', () => {
    const json = fs.readFileSync(path.join(FIXTURES, 'drop_v4.json'), 'utf8');
    expect(() => BlocklistFeed.fromText(json, { format: BlocklistFeedFormat.PLAIN })).toThrow(/BlocklistFeed text \(PLAIN\): 8 malformed lines: line 1/);
    expect(BlocklistFeed.fromText('203.0.113.0/24 ; SBL1\n', { format: BlocklistFeedFormat.FIREHOL }).cidrs).toEqual(['203.0.113.0/24']);
  });
});

describe('BlocklistFeed: what is dropped, and why', () => {
  test('duplicates, in any spelling, are skipped naming the first line', () => {
    const feed = BlocklistFeed.fromText('198.51.100.7\n203.0.113.0/24\n198.51.100.7/32\n2001:db8::1\n2001:DB8:0::1/128\n');
    expect(feed.cidrs).toEqual(['198.51.100.7/32', '203.0.113.0/24', '2001:db8::1/128']);
    expect(feed.skipped).toEqual([
      { lineNumber: 3, text: '198.51.100.7/32', reason: 'duplicate of line 1' },
      { lineNumber: 5, text: '2001:DB8:0::1/128', reason: 'duplicate of line 4' },
    ]);
  });

  test('malformed lines are an error with their line numbers (the first five, and a count)', () => {
    const text = ['203.0.113.0/24', 'not-an-ip', '198.51.100.7/24', '1.2.3', '1.2.3.4/33', '::ffff:1.2.3.4', '0.0.0.0/0', '1.2.3.4 5.6.7.8'].join('\n');
    expect(() => BlocklistFeed.fromText(text)).toThrow(new RegExp(
      '^BlocklistFeed text \\(PLAIN\\): 7 malformed lines: line 2 "not-an-ip" \\(.*\\); line 3 "198\\.51\\.100\\.7/24" \\(.*host bits set.*\\); '
      + 'line 4 "1\\.2\\.3" .*; line 5 .*; line 6 "::ffff:1\\.2\\.3\\.4" \\(.*IPv4-mapped.*\\) and 2 more\\. Fix the feed, name its format, or set skipMalformedLines: true'));
  });

  test('skipMalformedLines keeps the rest and lists every malformed line', () => {
    const feed = BlocklistFeed.fromText('203.0.113.0/24\nnot-an-ip\n{"cidr": 7}\n', { skipMalformedLines: true });
    expect(feed.cidrs).toEqual(['203.0.113.0/24']);
    expect(feed.skipped).toEqual([
      { lineNumber: 2, text: 'not-an-ip', reason: expect.stringMatching(/^malformed: 'not-an-ip' /) },
      { lineNumber: 3, text: '{"cidr": 7}', reason: expect.stringMatching(/^malformed: more than one value before the comment/) },
    ]);
  });

  test('JSON lines: a line that is not an object with a cidr string is malformed', () => {
    expect(() => BlocklistFeed.fromText('{"cidr":"203.0.113.0/24"}\n{"sblid":"SBL1"}\n[1]\n{oops\n')).toThrow(
      /3 malformed lines: line 2 .*no "cidr" string field.*; line 3 .*not a JSON object.*; line 4 .*not a JSON object/);
  });

  test('normalizeHostBits and keepNonPublicRanges', () => {
    const feed = BlocklistFeed.fromText('198.51.100.7/24\n10.1.2.3/8\n', { normalizeHostBits: true, keepNonPublicRanges: true });
    expect(feed.cidrs).toEqual(['198.51.100.0/24', '10.0.0.0/8']);
  });

  test('a file that cannot be read names the path', () => {
    const missing = path.join(os.tmpdir(), 'no-such-feed.netset');
    expect(() => BlocklistFeed.fromFile(missing)).toThrow(`BlocklistFeed: cannot read '${missing}'`);
  });

  test('an unknown format is refused', () => {
    expect(() => BlocklistFeed.fromText('', { format: 'CSV' as BlocklistFeedFormat })).toThrow(/format 'CSV' is not a BlocklistFeedFormat/);
  });
});

describe('BlocklistFeed properties', () => {
  const entry = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 8, max: 32 })).map(([a, p]) => {
      const size = 2 ** (32 - p);
      const first = Math.floor(a / size) * size;
      return `${[24, 16, 8, 0].map((s) => Math.floor(first / 2 ** s) % 256).join('.')}/${p}`;
    }),
    fc.constantFrom('2001:db8:bad::/48', 'fd12::/16', '2600::/16', '::1'),
  );
  const line = fc.oneof(
    entry,
    entry.map((e) => `${e} ; SBL${e.length}`),
    entry.map((e) => `  ${e}  # note`),
    fc.constantFrom('', '# comment', '; comment'),
  );

  test('kept + skipped account for every entry line; kept is distinct, public, and covers every public entry', () => {
    fc.assert(fc.property(fc.array(line, { maxLength: 40 }), (lines) => {
      const feed = BlocklistFeed.fromText(lines.join('\n'), { format: BlocklistFeedFormat.PLAIN });
      const entryLines = lines.filter((l) => l.replace(/[#;].*/, '').trim() !== '');
      expect(feed.cidrs.length + feed.skipped.length).toBe(entryLines.length);
      expect(new Set(feed.cidrs).size).toBe(feed.cidrs.length);
      expect(feed.cidrs.every((c) => nonPublicOverlap(parseCidr(c)) === undefined)).toBe(true);
      const publicEntries = entryLines.map((l) => parseCidr(l.replace(/[#;].*/, '').trim())).filter((c) => nonPublicOverlap(c) === undefined);
      expect(mergeRanges(feed.cidrs.map((c) => parseCidr(c)))).toEqual(mergeRanges(publicEntries));
    }), { numRuns: 200 });
  });
});
