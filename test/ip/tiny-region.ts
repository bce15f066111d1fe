import * as fc from 'fast-check';
import { IpFamily } from '../../src/ip';

/**
 * A brute-force model for property tests: a tiny aligned region of 16 addresses (10.0.0.0/28 or 2001:db8::/124),
 * where a set of addresses is a 16-bit mask and every aligned block is enumerable.
 */
export const REGION_SIZE = 16;
export const REGION_BITS = 4;

/** An aligned block inside the region: `offset` is a multiple of 2^hostBits. */
export interface TinyBlock {
  readonly hostBits: number;
  readonly offset: number;
}

export const tinyBlock: fc.Arbitrary<TinyBlock> = fc
  .integer({ min: 0, max: REGION_BITS })
  .chain((hostBits) => fc.integer({ min: 0, max: (REGION_SIZE >> hostBits) - 1 }).map((index) => ({ hostBits, offset: index << hostBits })));

export const tinyFamily: fc.Arbitrary<IpFamily> = fc.constantFrom(IpFamily.IPV4, IpFamily.IPV6);

/** Every aligned block of the region (31 of them). */
export const ALL_TINY_BLOCKS: readonly TinyBlock[] = Array.from({ length: REGION_BITS + 1 }, (_, hostBits) =>
  Array.from({ length: REGION_SIZE >> hostBits }, (__, index) => ({ hostBits, offset: index << hostBits })),
).flat();

export function blockMask(block: TinyBlock): number {
  return ((1 << (1 << block.hostBits)) - 1) << block.offset;
}

export function maskOf(blocks: readonly TinyBlock[]): number {
  return blocks.reduce((mask, block) => mask | blockMask(block), 0);
}

export function popcount(mask: number): number {
  let count = 0;
  for (let bits = mask; bits !== 0; bits &= bits - 1) {
    count++;
  }
  return count;
}

/** Canonical text of a block (RFC 5952 drops a zero last group: `2001:db8::/124`). */
export function tinyCidr(family: IpFamily, block: TinyBlock): string {
  return family === IpFamily.IPV4
    ? `10.0.0.${block.offset}/${32 - block.hostBits}`
    : `2001:db8::${block.offset === 0 ? '' : block.offset.toString(16)}/${128 - block.hostBits}`;
}

/** The mask of a canonical CIDR inside the region (throws when it is outside, so a test cannot pass by accident). */
export function maskOfCidr(cidr: string): number {
  const match = /^(?:10\.0\.0\.(\d+)\/(\d+)|2001:db8::(?:([0-9a-f]+))?\/(\d+))$/.exec(cidr);
  if (match === null) {
    throw new Error(`${cidr} is not a canonical block of the tiny region`);
  }
  const offset = match[1] !== undefined ? Number(match[1]) : parseInt(match[3] ?? '0', 16);
  const hostBits = match[2] !== undefined ? 32 - Number(match[2]) : 128 - Number(match[4]);
  if (hostBits < 0 || hostBits > REGION_BITS || offset % (1 << hostBits) !== 0 || offset >= REGION_SIZE) {
    throw new Error(`${cidr} is not an aligned block of the tiny region`);
  }
  return blockMask({ hostBits, offset });
}

export function maskOfCidrs(cidrs: readonly string[]): number {
  return cidrs.reduce((mask, cidr) => mask | maskOfCidr(cidr), 0);
}

/**
 * The unique minimal exact cover of a mask by aligned blocks, by recursion over the full binary trie of the region:
 * a node wholly in the set is one block, an empty node none, anything else splits. Ascending.
 */
export function referenceExactCover(mask: number, hostBits = REGION_BITS, offset = 0): TinyBlock[] {
  const node = blockMask({ hostBits, offset });
  if ((mask & node) === node) {
    return [{ hostBits, offset }];
  }
  if ((mask & node) === 0) {
    return [];
  }
  const half = 1 << (hostBits - 1);
  return [...referenceExactCover(mask, hostBits - 1, offset), ...referenceExactCover(mask, hostBits - 1, offset + half)];
}

/**
 * Brute force: the fewest extra addresses of any choice of at most `maxBlocks` blocks covering `mask`, touching no
 * address of `avoid` outside `mask` (Infinity when no such choice exists).
 */
export function referenceLossyExtra(mask: number, maxBlocks: number, avoid = 0): number {
  if (mask === 0) {
    return 0;
  }
  let best = Infinity;
  const choose = (from: number, left: number, covered: number): void => {
    if ((covered & mask) === mask) {
      if ((covered & ~mask & avoid) === 0) {
        best = Math.min(best, popcount(covered) - popcount(mask));
      }
      return;
    }
    if (left === 0) {
      return;
    }
    for (let index = from; index < ALL_TINY_BLOCKS.length; index++) {
      choose(index + 1, left - 1, covered | blockMask(ALL_TINY_BLOCKS[index]));
    }
  };
  choose(0, maxBlocks, 0);
  return best;
}
