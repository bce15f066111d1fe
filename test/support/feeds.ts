// Threat feeds in the shape of the real ones, generated from a seed (never downloaded or copied): the tests and the
// benchmark read the same text.

/** A small seeded PRNG (mulberry32), so the generated feed is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

function ipv4Text(value: number): string {
  return [2 ** 24, 2 ** 16, 2 ** 8, 1].map((unit) => Math.floor(value / unit) % 256).join('.');
}

/** The bogons a FireHOL level1-style list carries, each a line of the feed. */
export const FIREHOL_BOGONS = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12',
  '192.168.0.0/16', '224.0.0.0/3'];

/** Public first octets the generator draws from (no 0, 10, 100, 127, 169, 172, 192, 198, 203 or 224 and above). */
const PUBLIC_FIRST_OCTETS = Array.from({ length: 223 }, (_, i) => i + 1)
  .filter((o) => ![10, 100, 127, 169, 172, 192, 198, 203].includes(o));

export interface GeneratedFeed {
  readonly text: string;
  /** The public entries written, canonical, distinct, in feed order. */
  readonly publicEntries: string[];
}

/**
 * A FireHOL level1-style `.netset`: a header of `#` comments (name, maintainer, source lists, entry count), the
 * bogons, then `publicEntries` distinct public networks (/9 to /32, single addresses most common) in ascending order,
 * as FireHOL writes them. Distinct and non-overlapping, like an aggregated netset.
 */
export function fireholLevel1Like(publicEntries = 6000, seed = 1): GeneratedFeed {
  const next = random(seed);
  const blocks = new Map<number, number>();
  // One entry per /16 at most keeps the entries disjoint while spreading them over the address space.
  while (blocks.size < publicEntries) {
    const octet = PUBLIC_FIRST_OCTETS[Math.floor(next() * PUBLIC_FIRST_OCTETS.length)];
    const second = Math.floor(next() * 256);
    const base = octet * 2 ** 24 + second * 2 ** 16;
    if (blocks.has(base)) {
      continue;
    }
    const roll = next();
    const prefix = roll < 0.6 ? 32 : roll < 0.9 ? 24 : roll < 0.98 ? 20 : 16;
    const size = 2 ** (32 - prefix);
    const offset = Math.floor((next() * 2 ** 16) / size) * size;
    blocks.set(base, prefix * 2 ** 32 + base + offset);
  }
  const entries = [...blocks.values()].map((packed) => ({ prefix: Math.floor(packed / 2 ** 32), first: packed % 2 ** 32 }))
    .sort((a, b) => a.first - b.first)
    .map((e) => (e.prefix === 32 ? ipv4Text(e.first) : `${ipv4Text(e.first)}/${e.prefix}`));
  const header = [
    '#',
    '# firehol_level1-like',
    '# ipv4 hash:net ipset',
    '#',
    '# A firewall blacklist composed from IP lists, providing maximum',
    '# protection with minimum false positives. (Generated for tests.)',
    '#',
    '# Maintainer      : test fixture',
    '# List source URL : (none: generated)',
    '#',
    `# This File Date  : ${new Date(0).toUTCString()}`,
    '#',
    `# This ipset has ${entries.length + FIREHOL_BOGONS.length} entries`,
    '#',
    '',
  ];
  const text = [...header, ...FIREHOL_BOGONS, ...entries].join('\n') + '\n';
  return { text, publicEntries: entries.map((e) => (e.includes('/') ? e : `${e}/32`)) };
}
