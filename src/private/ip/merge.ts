import { mergeRanges, rangeToCidrs } from './ranges';
import { ParsedCidr } from './types';

/** Exact merge: the minimal list of blocks covering exactly the union of `cidrs`, IPv4 then IPv6, ascending. */
export function mergeCidrs(cidrs: readonly ParsedCidr[]): ParsedCidr[] {
  return mergeRanges(cidrs).flatMap(rangeToCidrs);
}
