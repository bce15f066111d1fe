// Templates repeat the same CIDRs (0.0.0.0/0 in every security group, one blocklist in both directions of every
// NACL), and the model reads every one of them: each text is parsed once, up to a bound, and the parsed value (which
// nothing modifies) is shared.
import { ParsedCidr, parseCidrOrReason } from '../../private/ip';

const parsedByText = new Map<string, ParsedCidr | string>();
/** A long-lived process (a watch, a language server) reads many apps: start over rather than grow without end. */
const MAX_ENTRIES = 8192;

/** `parseCidrOrReason(text, { normalizeHostBits: true })`, remembered for string input. */
export function parseCidrNormalized(text: unknown): ParsedCidr | string {
  if (typeof text !== 'string') {
    return parseCidrOrReason(text, { normalizeHostBits: true });
  }
  let parsed = parsedByText.get(text);
  if (parsed === undefined) {
    parsed = parseCidrOrReason(text, { normalizeHostBits: true });
    if (parsedByText.size >= MAX_ENTRIES) {
      parsedByText.clear();
    }
    parsedByText.set(text, parsed);
  }
  return parsed;
}
