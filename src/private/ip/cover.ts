import { bigintToWords } from './format';
import { mergeCidrs } from './merge';
import { mergeRanges, rangesOverlap, subtractRanges } from './ranges';
import { blockSize, familyBits, IpRange, ParsedCidr } from './types';
import { IpFamily } from '../../ip/family';

/*
 * Bounded lossy cover: at most K aligned blocks that cover every input address and the fewest others.
 *
 * Why the search can be limited to the nodes of the compressed trie. Merge the input exactly first; its blocks
 * (the leaves) are disjoint aligned prefixes. Take an optimal answer.
 * 1. Two aligned blocks are nested or disjoint, so dropping blocks nested in others keeps coverage with fewer
 *    blocks: the blocks of the answer can be taken disjoint. A block holding no input address can be dropped.
 * 2. If a block B lies strictly inside a leaf L, the answer's blocks that meet L all lie inside L (a block
 *    containing L would contain B) and together cover L; replacing them by L itself covers the same addresses with
 *    no more blocks. So every block holds whole leaves: some nonempty set S of them.
 * 3. Let A be the smallest aligned block containing every leaf of S: the prefix of their lowest common ancestor,
 *    a node of the compressed trie (a leaf when |S| = 1, else the branching node where S splits). Aligned blocks
 *    containing a common address are nested, so A is inside B. Swapping B for A still covers S, and S is every input
 *    address in B (a leaf meeting B lies inside B, by step 2), so coverage of the input is unchanged and the extra
 *    count does not grow.
 * Hence some optimal answer uses only trie-node prefixes. On a compressed edge the aligned blocks between a node and
 * its parent's split bit all contain exactly the node's leaves and are larger than the node's own prefix, so covering
 * "at the top of the edge" is never better than covering at the node: only the node's own prefix is a candidate.
 *
 * DP, for node v with leaves L(v) and cap(v) = min(K, |L(v)|), for 1 <= j <= cap(v):
 *   best(v, j) = fewest extra addresses covering L(v) with at most j blocks inside v's prefix
 *   best(leaf, 1) = 0
 *   best(v, 1) = size(v) - covered(v)                                       (one block: v's prefix)
 *   best(v, j) = min(best(v, 1), min over i of best(left, i) + best(right, j - i))   for j >= 2
 * with 1 <= i <= cap(left) and 1 <= j - i <= cap(right): best is non-increasing in j and constant from |L| on, so
 * larger i or j - i never help. A node's children are disjoint prefixes inside it, so blocks chosen below the two
 * children never overlap. The tree-knapsack bound makes the merges O(N * K) in total.
 *
 * Protected ranges (a VPC's own CIDR, private and reserved space): a block may not cover an address of them that is
 * not itself an input address. The argument above still holds under that constraint, because every step replaces a
 * block by one whose extra addresses are a subset of the original's (a leaf has none; A lies inside B), so a
 * feasible optimal answer still uses only trie-node prefixes. The DP gives a node whose prefix would cover a
 * protected address an infinite single-block cost; leaves are always allowed, so best(v, |L(v)|) stays finite and
 * the optimum under the constraint is found, or the K-block budget is shown infeasible.
 */

/** Exact arithmetic for extra-address counts: numbers for IPv4 (at most 2^32, exact in a double), BigInt for IPv6. */
interface CostArithmetic<C> {
  readonly zero: C;
  /** A cost larger than any real one (a choice that is not allowed); sums holding it stay at least as large. */
  readonly infinite: C;
  add(a: C, b: C): C;
  less(a: C, b: C): boolean;
  /** 2^hostBits - covered: the extra addresses of one block of `hostBits` host bits holding `covered` input ones. */
  blockCost(hostBits: number, covered: C): C;
  blockSize(hostBits: number): C;
  toBigInt(cost: C): bigint;
  isInfinite(cost: C): boolean;
}

const NUMBER_COSTS: CostArithmetic<number> = {
  zero: 0,
  add: (a, b) => a + b,
  less: (a, b) => a < b,
  blockCost: (hostBits, covered) => 2 ** hostBits - covered,
  blockSize: (hostBits) => 2 ** hostBits,
  toBigInt: (cost) => BigInt(cost),
  infinite: Infinity,
  isInfinite: (cost) => cost === Infinity,
};

/** Above any real IPv6 extra count (at most 2^128); sums of it and real counts stay above 2^128. */
const BIGINT_INFINITE = 2n ** 130n;

const BIGINT_COSTS: CostArithmetic<bigint> = {
  zero: 0n,
  add: (a, b) => a + b,
  less: (a, b) => a < b,
  blockCost: (hostBits, covered) => blockSize(hostBits) - covered,
  blockSize,
  toBigInt: (cost) => cost,
  infinite: BIGINT_INFINITE,
  isInfinite: (cost) => cost >= BIGINT_INFINITE,
};

/** Marks "cover this node with its own prefix" in the split table. */
const SINGLE_BLOCK = 0;

/** DP over the compressed binary trie of sorted, disjoint leaf blocks, built on the fly by recursive splitting. */
class CoverSolver<C> {
  private readonly stride: number;
  private readonly keys: Uint32Array;
  private readonly nodeLeft: number[] = [];
  private readonly nodeRight: number[] = [];
  private readonly nodeLeaf: number[] = [];
  private readonly nodePrefix: number[] = [];
  private readonly nodeSplitOffset: number[] = [];
  private readonly nodeCovered: C[] = [];
  /** split[offset(v) + j - 1]: blocks given to the left child for best(v, j), or SINGLE_BLOCK. */
  private readonly splits: number[] = [];
  /** DP rows of nodes whose parent is not solved yet, as a stack: row(v) is best(v, 1..cap(v)). */
  private readonly rows: C[] = [];
  private rowsTop = 0;
  private readonly scratch: C[] = [];

  constructor(
    private readonly costs: CostArithmetic<C>,
    private readonly leaves: readonly ParsedCidr[],
    private readonly bits: number,
    private readonly maxBlocks: number,
    /** Protected addresses no chosen block may cover (input addresses already removed), merged. */
    private readonly protectedRanges: readonly IpRange[] = [],
  ) {
    this.stride = bits / 32;
    this.keys = new Uint32Array(leaves.length * this.stride);
    leaves.forEach((leaf, index) => {
      if (this.stride === 1) {
        this.keys[index] = Number(leaf.first);
      } else {
        bigintToWords(leaf.first, this.keys, index * this.stride);
      }
    });
  }

  /**
   * Solves for the whole input and returns the chosen blocks, ascending, and their extra-address count; undefined
   * when no choice of at most maxBlocks blocks avoids the protected ranges.
   */
  public solve(): { blocks: ParsedCidr[]; extra: bigint } | undefined {
    const root = this.solveNode(0, this.leaves.length - 1);
    const budget = Math.min(this.maxBlocks, this.leaves.length);
    const extra = this.rows[budget - 1];
    if (this.costs.isInfinite(extra)) {
      return undefined;
    }
    const blocks: ParsedCidr[] = [];
    this.collect(root, budget, blocks);
    return { blocks, extra: this.costs.toBigInt(extra) };
  }

  private newNode(left: number, right: number, leaf: number, prefix: number, covered: C): number {
    this.nodeLeft.push(left);
    this.nodeRight.push(right);
    this.nodeLeaf.push(leaf);
    this.nodePrefix.push(prefix);
    this.nodeSplitOffset.push(this.splits.length);
    this.nodeCovered.push(covered);
    return this.nodeLeft.length - 1;
  }

  private pushRow(values: C[], length: number): void {
    for (let j = 0; j < length; j++) {
      this.rows[this.rowsTop++] = values[j];
    }
  }

  /** Solves the node holding leaves [low, high] and pushes its DP row; returns the node id. */
  private solveNode(low: number, high: number): number {
    if (low === high) {
      const prefix = this.leaves[low].prefixLength;
      const leaf = this.newNode(-1, -1, low, prefix, this.costs.blockSize(this.bits - prefix));
      this.rows[this.rowsTop++] = this.costs.zero;
      this.splits.push(SINGLE_BLOCK);
      return leaf;
    }
    const prefix = this.commonPrefixLength(low, high);
    const middle = this.firstWithBitSet(low, high, prefix);
    const left = this.solveNode(low, middle - 1);
    const right = this.solveNode(middle, high);
    const leftCap = Math.min(this.maxBlocks, middle - low);
    const rightCap = Math.min(this.maxBlocks, high - middle + 1);
    const cap = Math.min(this.maxBlocks, high - low + 1);
    const covered = this.costs.add(this.nodeCovered[left], this.nodeCovered[right]);
    const node = this.newNode(left, right, low, prefix, covered);
    const allowed = this.protectedRanges.length === 0 || !rangesOverlap(this.protectedRanges, this.nodeBlock(node));
    this.mergeRows(leftCap, rightCap, cap, allowed ? this.costs.blockCost(this.bits - prefix, covered) : this.costs.infinite);
    return node;
  }

  /** Min-plus merge of the two children's rows (top of the stack) into this node's row, replacing them. */
  private mergeRows(leftCap: number, rightCap: number, cap: number, single: C): void {
    const leftBase = this.rowsTop - leftCap - rightCap;
    const rightBase = this.rowsTop - rightCap;
    const { add, less } = this.costs;
    const row = this.scratch;
    row[0] = single;
    this.splits.push(SINGLE_BLOCK);
    for (let j = 2; j <= cap; j++) {
      let best = single;
      let bestSplit = SINGLE_BLOCK;
      const lowest = Math.max(1, j - rightCap);
      const highest = Math.min(leftCap, j - 1);
      for (let i = lowest; i <= highest; i++) {
        const cost = add(this.rows[leftBase + i - 1], this.rows[rightBase + j - i - 1]);
        if (less(cost, best)) {
          best = cost;
          bestSplit = i;
        }
      }
      row[j - 1] = best;
      this.splits.push(bestSplit);
    }
    this.rowsTop = leftBase;
    this.pushRow(row, cap);
  }

  private collect(node: number, budget: number, out: ParsedCidr[]): void {
    const split = this.splits[this.nodeSplitOffset[node] + budget - 1];
    if (split === SINGLE_BLOCK) {
      out.push(this.nodeBlock(node));
      return;
    }
    this.collect(this.nodeLeft[node], split, out);
    this.collect(this.nodeRight[node], budget - split, out);
  }

  private nodeBlock(node: number): ParsedCidr {
    const leaf = this.leaves[this.nodeLeaf[node]];
    if (this.nodeLeft[node] < 0) {
      return leaf;
    }
    const prefixLength = this.nodePrefix[node];
    const hostMask = blockSize(this.bits - prefixLength) - 1n;
    const first = leaf.first & ~hostMask;
    return { family: leaf.family, first, last: first | hostMask, prefixLength };
  }

  /** Leading bits shared by the first addresses of two distinct leaves (less than either prefix: they are disjoint). */
  private commonPrefixLength(a: number, b: number): number {
    for (let word = 0; word < this.stride; word++) {
      const difference = this.keys[a * this.stride + word] ^ this.keys[b * this.stride + word];
      if (difference !== 0) {
        return word * 32 + Math.clz32(difference);
      }
    }
    return this.bits;
  }

  private bitAt(leaf: number, position: number): number {
    return (this.keys[leaf * this.stride + (position >>> 5)] >>> (31 - (position & 31))) & 1;
  }

  /** First leaf in (low, high] with bit `position` set; leaves share the bits above it and are sorted. */
  private firstWithBitSet(low: number, high: number, position: number): number {
    let lo = low + 1;
    let hi = high;
    while (lo < hi) {
      const middle = (lo + hi) >>> 1;
      if (this.bitAt(middle, position) === 1) {
        hi = middle;
      } else {
        lo = middle + 1;
      }
    }
    return lo;
  }
}

/**
 * Optimal bounded lossy cover of the `family` addresses of `cidrs`: at most `maxBlocks` blocks covering every
 * one of them and the fewest other addresses (`extra`). When the exact merge fits, it is returned with extra 0.
 */
export function lossyCover(family: IpFamily, cidrs: readonly ParsedCidr[], maxBlocks: number): { blocks: ParsedCidr[]; extra: bigint } {
  return protectedLossyCover(family, cidrs, maxBlocks, [])!;
}

/**
 * The optimal bounded lossy cover among those whose extra addresses avoid `protectedRanges` (a block may hold a
 * protected address only when it is an input address): undefined when no cover of at most `maxBlocks` blocks does.
 */
export function protectedLossyCover(family: IpFamily, cidrs: readonly ParsedCidr[], maxBlocks: number,
  protectedRanges: readonly IpRange[]): { blocks: ParsedCidr[]; extra: bigint } | undefined {
  if (typeof maxBlocks !== 'number' || !Number.isInteger(maxBlocks) || maxBlocks < 1) {
    throw new Error(`Invalid maxBlocks ${String(maxBlocks)}: expected an integer of at least 1`);
  }
  const leaves = mergeCidrs(cidrs.filter((cidr) => cidr.family === family));
  if (leaves.length <= maxBlocks) {
    return { blocks: leaves, extra: 0n };
  }
  const bits = familyBits(family);
  const avoid = subtractRanges(mergeRanges(protectedRanges.filter((r) => r.family === family)), leaves);
  const solver = family === IpFamily.IPV4
    ? new CoverSolver(NUMBER_COSTS, leaves, bits, maxBlocks, avoid)
    : new CoverSolver(BIGINT_COSTS, leaves, bits, maxBlocks, avoid);
  return solver.solve();
}
