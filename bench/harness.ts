/**
 * The benchmark convention. Every `bench/<area>.bench.ts` exports
 *
 *   export async function cases(): Promise<BenchCase[]>
 *
 * and `bench/run.ts` discovers, times and checks them. Inputs come from {@link createRandom} with a fixed seed, so
 * every run measures the same data.
 */

/** What a case must achieve. Timing on a shared machine is noisy, so a miss is reported, not failed. */
export interface BenchGoal {
  /** ours must be at least this many times faster than the peer (peer ms / ours ms). */
  readonly minSpeedup?: number;
  /** ours ms / peer ms must be at most this. */
  readonly maxRatio?: number;
  /** ours must take at most this many milliseconds (median). */
  readonly maxOursMs?: number;
}

/** One measurement: our implementation against a peer on the same input, in the same process. */
export interface BenchCase {
  /** What is measured, with the input size (`exact merge: 100,000 random IPv4 /32s`). */
  readonly name: string;
  /** The peer and its version (`cidr-tools 12 mergeCidr`), or `-` when there is none. */
  readonly peerName: string;
  /** Runs our side once and returns its output (for `check`). */
  readonly ours: () => unknown;
  /** Runs the peer once and returns its output; undefined when there is no peer. */
  readonly peer?: () => unknown;
  /** Throws when the outputs differ (or, without a peer, when ours is wrong). A throw fails the run. */
  readonly check?: (ours: unknown, peer: unknown) => void;
  readonly goal?: BenchGoal;
  /**
   * Fewer runs for a case whose side takes seconds (a peer in a child process, a 500-stack assembly): how many
   * warm-up runs (at least 1), timed rounds and processes.
   * @default - 3 warm-up runs, 7 to 41 rounds filling about 4 s, 3 processes
   */
  readonly runs?: { readonly warmup: number; readonly rounds: number; readonly forks: number };
  /**
   * Figures to print beside the timing (time per stack, peak memory), from the last outputs of both sides and the
   * median times of this process.
   */
  readonly report?: (ours: unknown, peer: unknown, timing: { readonly oursMs: number; readonly peerMs?: number }) => string;
}

/** A small seeded PRNG (mulberry32): fast, 32-bit state, good enough to make benchmark inputs. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform unsigned 32-bit integer. */
  public uint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let mixed = this.state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return (mixed ^ (mixed >>> 14)) >>> 0;
  }

  /** A uniform integer in [0, bound), for bound <= 2^32. */
  public below(bound: number): number {
    return Math.floor((this.uint32() / 4294967296) * bound);
  }

  /** A uniform integer in [low, high]. */
  public between(low: number, high: number): number {
    return low + this.below(high - low + 1);
  }
}

/** A seeded random source; the same seed gives the same sequence on every run. */
export function createRandom(seed: number): SeededRandom {
  return new SeededRandom(seed);
}

/** A check for outputs that must be equal string arrays; names the first difference. */
export function assertSameStrings(ours: unknown, peer: unknown): void {
  if (!Array.isArray(ours) || !Array.isArray(peer)) {
    throw new Error(`expected two string arrays, got ${typeof ours} and ${typeof peer}`);
  }
  const length = Math.max(ours.length, peer.length);
  for (let index = 0; index < length; index++) {
    if (ours[index] !== peer[index]) {
      throw new Error(`outputs differ at index ${index} (ours ${ours.length} entries, peer ${peer.length}): ours ${String(ours[index])}, peer ${String(peer[index])}`);
    }
  }
}
