import { assertSameStrings, BenchCase, createRandom, SeededRandom } from './harness';
import { CidrSet, IpFamily, LossyCover } from '../src/ip';
import { mergeCidrStrings } from '../src/private/ip';

function ipv4Text(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

function randomIpv4Addresses(random: SeededRandom, count: number): string[] {
  return Array.from({ length: count }, () => ipv4Text(random.uint32()));
}

/** Networks of /12 to /32 with host bits cleared (both sides must accept them; ours rejects host bits). */
function randomIpv4Networks(random: SeededRandom, count: number): string[] {
  return Array.from({ length: count }, () => {
    const prefix = random.between(12, 32);
    const hostMask = 2 ** (32 - prefix) - 1;
    return `${ipv4Text((random.uint32() & ~hostMask) >>> 0)}/${prefix}`;
  });
}

function randomIpv6Addresses(random: SeededRandom, count: number): string[] {
  return Array.from({ length: count }, () => {
    const groups: string[] = [];
    for (let group = 0; group < 8; group++) {
      groups.push(random.below(0x10000).toString(16));
    }
    return groups.join(':');
  });
}

/**
 * IPv6 as blocklists usually write it: /48 to /64 networks in compressed form (`2001:db8:7a::/48`), which the
 * strict scanner reads rather than the full-form fast path.
 */
function randomIpv6Networks(random: SeededRandom, count: number): string[] {
  return Array.from({ length: count }, () => {
    const prefix = random.between(48, 64);
    const groups = Array.from({ length: 4 }, () => random.below(0x10000));
    groups[3] = prefix <= 48 ? 0 : groups[3] & ~((2 ** (64 - prefix)) - 1) & 0xffff;
    while (groups.length > 1 && groups[groups.length - 1] === 0) {
      groups.pop();
    }
    return `${groups.map((group) => group.toString(16)).join(':')}::/${prefix}`;
  });
}

/** Ours returns { ipv4, ipv6 }; the peer returns one list, IPv4 first. */
function mergedList(output: unknown): string[] {
  const merged = output as { ipv4: string[]; ipv6: string[] };
  return merged.ipv4.concat(merged.ipv6);
}

function checkCover(maxBlocks: number, addressCount: number): (ours: unknown) => void {
  return (ours) => {
    const cover = ours as LossyCover;
    if (cover.cidrs.length > maxBlocks) {
      throw new Error(`cover has ${cover.cidrs.length} blocks, more than ${maxBlocks}`);
    }
    const covered = cover.cidrs.reduce((sum, cidr) => sum + 2n ** BigInt(32 - Number(cidr.split('/')[1])), 0n);
    if (covered - BigInt(addressCount) !== BigInt(cover.extraAddresses)) {
      throw new Error(`extraAddresses ${cover.extraAddresses} but blocks hold ${covered} for ${addressCount} addresses`);
    }
  };
}

/**
 * Lists as they arrive in practice, read from a file: flat strings. (Template literals build some as rope strings,
 * which V8 flattens on first read; that one-time cost would land on whichever side runs first.)
 */
function asReadFromFile(list: string[]): string[] {
  return JSON.parse(JSON.stringify(list)) as string[];
}

export async function cases(): Promise<BenchCase[]> {
  const cidrTools = await import('cidr-tools');
  const random = createRandom(20240611);
  const ipv4Addresses = asReadFromFile(randomIpv4Addresses(random, 100_000));
  const ipv4Networks = asReadFromFile(randomIpv4Networks(random, 100_000));
  const ipv6Addresses = asReadFromFile(randomIpv6Addresses(random, 20_000));
  const ipv6Networks = asReadFromFile(randomIpv6Networks(random, 20_000));
  const distinctIpv4 = new Set(ipv4Addresses).size;
  const peerName = 'cidr-tools 12 mergeCidr';
  const exactGoal = { minSpeedup: 5 };
  const mergeCase = (name: string, input: string[]): BenchCase => ({
    name,
    peerName,
    ours: () => mergedList(mergeCidrStrings(input)),
    peer: () => cidrTools.mergeCidr(input),
    check: assertSameStrings,
    goal: exactGoal,
  });
  return [
    mergeCase('exact merge: 100,000 random IPv4 /32s', ipv4Addresses),
    mergeCase('exact merge: 100,000 IPv4 CIDRs, /12-/32', ipv4Networks),
    mergeCase('exact merge: 20,000 random IPv6 /128s', ipv6Addresses),
    { ...mergeCase('exact merge: 20,000 IPv6 networks, /48-/64, compressed', ipv6Networks), goal: undefined },
    {
      name: 'CidrSet.fromCidrs + toCidrs: 100,000 random IPv4 /32s (public API, BigInt ranges)',
      peerName,
      ours: () => CidrSet.fromCidrs(ipv4Addresses).toCidrs(),
      peer: () => cidrTools.mergeCidr(ipv4Addresses),
      check: assertSameStrings,
      goal: { minSpeedup: 1 },
    },
    ...[18, 38].map((maxBlocks): BenchCase => ({
      name: `lossy cover: 100,000 random IPv4 addresses to ${maxBlocks} blocks (parse + merge + optimal DP)`,
      peerName: '-',
      ours: () => CidrSet.fromCidrs(ipv4Addresses).coverWithin(IpFamily.IPV4, maxBlocks),
      check: checkCover(maxBlocks, distinctIpv4),
      goal: { maxOursMs: 1000 },
    })),
  ];
}
