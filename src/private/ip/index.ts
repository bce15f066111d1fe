export { formatRangesAsCidrs, mergeCidrStrings, mergeCidrStringsToRanges } from './bulk-merge';
export { lossyCover, protectedLossyCover } from './cover';
export { bigintToWords, formatAddress, formatCidr, formatIpv4, formatIpv6Words, wordsToBigint } from './format';
export { embeddedIpv4Reason } from './embedded-ipv4';
export { mergeCidrs } from './merge';
export { invalidCidrError, parseAddress, parseCidr, parseCidrList, parseCidrOrReason } from './parse';
export type { ParsedAddress, ParseOptions } from './parse';
export {
  countAddresses,
  intersectRanges,
  mergeRanges,
  rangesContain,
  rangesContainSpan,
  rangesOverlap,
  rangeToCidrs,
  subtractRanges,
} from './ranges';
export { blockSize, compareRanges, familyBits, maxAddress } from './types';
export type { IpRange, ParsedCidr } from './types';
export { NON_PUBLIC_RANGES, NON_PUBLIC_RANGE_LIST, nonPublicOverlap } from './non-public';
export type { NonPublicRange } from './non-public';
