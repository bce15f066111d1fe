import { BenchCase, assertSameStrings } from './harness';
import { IpFamily } from '../src/ip/family';
import { BlocklistFeed } from '../src/nacl';
import { planBlocklistNacl } from '../src/nacl/plan';
import { NON_PUBLIC_RANGE_LIST, formatRangesAsCidrs, mergeCidrStringsToRanges, parseCidr } from '../src/private/ip';
import { fireholLevel1Like } from '../test/support/feeds';

/** The WAF quota: ranges per IP set. */
const IP_SET_MAX_ADDRESSES = 10_000;
const FEED_ENTRIES = 6_000;

/**
 * A FireHOL level1-sized feed, end to end: read the netset text (header, bogons, 6,000 public entries), drop the
 * bogons, plan the NACL (18 exact deny entries per direction, nothing widened into the VPC or non-public space) and
 * send the rest to WAF IP sets of at most 10,000 ranges. Returns everything blocked, merged, so the check can compare
 * it with cidr-tools merging the same public entries.
 */
function readPlanAndSplit(text: string): string[] {
  const feed = BlocklistFeed.fromText(text);
  const plan = planBlocklistNacl(feed.cidrs, {
    maxEntriesPerDirection: 20,
    ipv6AllowAll: false,
    collateralBudget: { ipv4: 0n, ipv6: 0n },
    protectedRanges: [...NON_PUBLIC_RANGE_LIST, parseCidr('10.0.0.0/16')],
    overflow: true,
  });
  const wafRanges = mergeCidrStringsToRanges([...plan.ipv4.overflowCidrs, ...plan.ipv6.overflowCidrs]);
  const ipSets: string[][] = [];
  for (const family of [IpFamily.IPV4, IpFamily.IPV6]) {
    const addresses = formatRangesAsCidrs(wafRanges, family);
    for (let start = 0; start < addresses.length; start += IP_SET_MAX_ADDRESSES) {
      ipSets.push(addresses.slice(start, start + IP_SET_MAX_ADDRESSES));
    }
  }
  const nacl = plan.entries.filter((e) => e.action === 'deny' && !e.egress).map((e) => e.cidr);
  return formatRangesAsCidrs(mergeCidrStringsToRanges([...nacl, ...ipSets.flat()]), IpFamily.IPV4);
}

export async function cases(): Promise<BenchCase[]> {
  const cidrTools = await import('cidr-tools');
  const { text, publicEntries } = fireholLevel1Like(FEED_ENTRIES, 20240612);
  return [
    {
      name: `BlocklistFeed to NACL + WAF: FireHOL level1-sized netset, ${FEED_ENTRIES.toLocaleString('en-US')} public entries and bogons (read, filter, plan, overflow split)`,
      peerName: 'cidr-tools 12 mergeCidr of the same public entries',
      ours: () => readPlanAndSplit(text),
      peer: () => cidrTools.mergeCidr(publicEntries),
      check: assertSameStrings,
      goal: { maxOursMs: 100 },
    },
  ];
}
