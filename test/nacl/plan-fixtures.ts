// Shared by the planning and construct tests: random CIDR sets and the update-safety properties of a plan diff.
import fc from 'fast-check';
import { IpFamily } from '../../src/ip/family';
import { PlannedNaclEntry } from '../../src/nacl/plan';
import { ParsedCidr, formatCidr } from '../../src/private/ip';

/** A random aligned IPv4 CIDR from /8 to /32 (never /0). */
export const ipv4CidrArb: fc.Arbitrary<ParsedCidr> = fc
  .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 8, max: 32 }))
  .map(([address, prefixLength]) => aligned(IpFamily.IPV4, BigInt(address), prefixLength, 32));

/** A random aligned IPv6 CIDR from /16 to /128, under 2001:db8::/32 so that some of them overlap. */
export const ipv6CidrArb: fc.Arbitrary<ParsedCidr> = fc
  .tuple(fc.bigInt({ min: 0n, max: 2n ** 96n - 1n }), fc.integer({ min: 32, max: 128 }))
  .map(([low, prefixLength]) => aligned(IpFamily.IPV6, 0x20010db8n * 2n ** 96n + low, prefixLength, 128));

export const cidrArb = fc.oneof(ipv4CidrArb, ipv6CidrArb);

export function aligned(family: IpFamily, address: bigint, prefixLength: number, bits: number): ParsedCidr {
  const hostBits = BigInt(bits - prefixLength);
  const size = 2n ** hostBits;
  const first = address - (address % size);
  return { family, first, last: first + size - 1n, prefixLength };
}

/** A set before an update and the set after some of it was removed and other ranges added. */
export const updateArb = fc
  .record({
    before: fc.uniqueArray(cidrArb, { minLength: 1, maxLength: 14, selector: formatCidr }),
    keep: fc.array(fc.boolean(), { minLength: 14, maxLength: 14 }),
    added: fc.uniqueArray(cidrArb, { maxLength: 10, selector: formatCidr }),
  })
  .map(({ before, keep, added }) => {
    const kept = before.filter((_, i) => keep[i]);
    const keys = new Set(kept.map(formatCidr));
    const after = [...kept, ...added.filter((c) => !keys.has(formatCidr(c)))];
    return { before, after: after.length > 0 ? after : [before[0]] };
  });

/** What a deployment of `after` over `before` would do to the NACL entries, keyed by construct id. */
export function diffEntries(before: readonly PlannedNaclEntry[], after: readonly PlannedNaclEntry[]) {
  const b = new Map(before.map((e) => [e.id, e]));
  const a = new Map(after.map((e) => [e.id, e]));
  return {
    created: [...a.values()].filter((e) => !b.has(e.id)),
    deleted: [...b.values()].filter((e) => !a.has(e.id)),
    kept: [...a.values()].filter((e) => b.has(e.id)).map((e) => ({ before: b.get(e.id)!, after: e })),
  };
}

/**
 * The update-safety properties, for plans or for entries read back from two templates:
 * (b) no created entry takes a (direction, rule number) a deleted entry holds (CloudFormation creates first);
 * (c) in each direction every deny number is below every allow number;
 * plus: slots are unique per direction, and a slot kept across the update keeps its family and action.
 * Returns the list of violations (empty when safe).
 */
export function updateViolations(before: readonly PlannedNaclEntry[], after: readonly PlannedNaclEntry[]): string[] {
  const problems: string[] = [];
  const { created, deleted, kept } = diffEntries(before, after);
  const deletedSlots = new Set(deleted.map((e) => `${e.egress}/${e.ruleNumber}`));
  for (const e of created) {
    if (deletedSlots.has(`${e.egress}/${e.ruleNumber}`)) {
      problems.push(`created ${e.id} takes slot ${e.egress}/${e.ruleNumber} of an entry being deleted`);
    }
  }
  for (const entries of [before, after]) {
    for (const egress of [false, true]) {
      const dir = entries.filter((e) => e.egress === egress);
      const numbers = dir.map((e) => e.ruleNumber);
      if (new Set(numbers).size !== numbers.length) {
        problems.push(`duplicate rule numbers in direction egress=${egress}`);
      }
      const denies = dir.filter((e) => e.action === 'deny').map((e) => e.ruleNumber);
      const allows = dir.filter((e) => e.action === 'allow').map((e) => e.ruleNumber);
      if (denies.length > 0 && allows.length > 0 && Math.max(...denies) >= Math.min(...allows)) {
        problems.push(`a deny entry comes after an allow entry (egress=${egress})`);
      }
    }
  }
  for (const { before: b, after: a } of kept) {
    if (b.family !== a.family || b.action !== a.action || b.ruleNumber !== a.ruleNumber || b.egress !== a.egress) {
      problems.push(`slot ${a.id} changed family, action or number`);
    }
  }
  return problems;
}
