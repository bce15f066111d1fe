/**
 * AWS WAF text transformations, modelled for the evaluator. Strings are byte strings: each character holds one
 * byte (0-255), the way WAF inspects a request component, so `%C3%A9` decodes to two characters.
 *
 * AWS documents each transformation in one sentence; where the sentence leaves a detail open, the model follows
 * the ModSecurity transformation of the same name that the AWS wording mirrors, and the doc comment says so.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-transformation.html
 */
import { lookupTable } from '../../private/lookup-table';

/** A transformation the model cannot apply, so a verdict that depends on it cannot be given. */
export class CannotEvaluateError extends Error {
  /** @param fix how to make the value one the model can evaluate, when there is a better way than a literal */
  constructor(message: string, public readonly fix?: string) {
    super(message);
    this.name = 'CannotEvaluateError';
  }
}

/** A `TextTransformation` of a resolved `AWS::WAFv2::WebACL` statement. */
export interface WafTextTransformation {
  readonly Priority: number;
  readonly Type: string;
}

const TRANSFORMS = lookupTable<Record<string, (input: string) => string>>({
  NONE: (s) => s,
  URL_DECODE: (s) => urlDecode(s, false),
  URL_DECODE_UNI: (s) => urlDecode(s, true),
  NORMALIZE_PATH: (s) => normalizePath(s, false),
  NORMALIZE_PATH_WIN: (s) => normalizePath(s, true),
  LOWERCASE: (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase()),
  UPPERCASE: (s) => s.replace(/[a-z]/g, (c) => c.toUpperCase()),
  COMPRESS_WHITE_SPACE: compressWhiteSpace,
  REMOVE_NULLS: (s) => s.replace(/\0/g, ''),
  REPLACE_NULLS: (s) => s.replace(/\0/g, ' '),
});

/** The transformation types the evaluator can apply. */
export const SUPPORTED_TRANSFORMATIONS: readonly string[] = Object.keys(TRANSFORMS);

/**
 * Applies the transformations in ascending `Priority`, as WAF does before it inspects the component
 * ("AWS WAF processes all transformations, from lowest priority to highest, before inspecting").
 * @throws CannotEvaluateError for a type the model does not implement
 */
export function applyTextTransformations(input: string, transformations: readonly WafTextTransformation[] = []): string {
  const ordered = [...transformations].sort((a, b) => a.Priority - b.Priority);
  return applyTransformationTypes(input, ordered.map((t) => t.Type));
}

/** Applies transformations already in priority order, by type. @throws CannotEvaluateError for a type not modelled */
export function applyTransformationTypes(input: string, types: readonly string[]): string {
  let value = input;
  for (const type of types) {
    const fn = TRANSFORMS[type];
    if (!fn) {
      throw new CannotEvaluateError(`text transformation '${type}' is not modelled (supported: ${SUPPORTED_TRANSFORMATIONS.join(', ')})`);
    }
    value = fn(value);
  }
  return value;
}

const HEX = /^[0-9a-fA-F]+$/;

/**
 * URL_DECODE decodes `%XX`; URL_DECODE_UNI also decodes the Microsoft `%uHHHH` form, keeping only the low byte
 * except in the full-width ASCII range FF01-FF5E, where the low byte is shifted back to ASCII (AWS's wording).
 * An invalid escape is left as it is, and `+` becomes a space (ModSecurity's urlDecode, which AWS's mirrors).
 * One pass only: `%2561` decodes to `%61`, so a second decoding takes a second transformation.
 */
export function urlDecode(input: string, unicode: boolean): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (c === '%') {
      if (unicode && (input[i + 1] === 'u' || input[i + 1] === 'U') && HEX.test(input.slice(i + 2, i + 6)) && input.length >= i + 6) {
        const code = parseInt(input.slice(i + 2, i + 6), 16);
        let byte = code % 0x100;
        if (code >= 0xff01 && code <= 0xff5e) {
          byte = (byte + 0x20) % 0x100;
        }
        out += String.fromCharCode(byte);
        i += 6;
        continue;
      }
      const hex = input.slice(i + 1, i + 3);
      if (hex.length === 2 && HEX.test(hex)) {
        out += String.fromCharCode(parseInt(hex, 16));
        i += 3;
        continue;
      }
      out += c;
      i += 1;
      continue;
    }
    out += c === '+' ? ' ' : c;
    i += 1;
  }
  return out;
}

/**
 * NORMALIZE_PATH: "removes multiple slashes, directory self-references, and directory back-references that are
 * not at the beginning of the input". Modelled on segments: empty and `.` segments go; `..` removes the segment
 * before it; an absolute path never climbs above `/` (`/../admin` becomes `/admin`), while a relative path keeps a
 * leading `..` it cannot resolve. A trailing slash survives only if the input had one.
 * NORMALIZE_PATH_WIN first turns every `\` into `/`.
 */
export function normalizePath(input: string, windows: boolean): string {
  if (input === '') {
    return input;
  }
  const text = windows ? input.replace(/\\/g, '/') : input;
  const absolute = text.startsWith('/');
  const trailing = text.endsWith('/');
  const out: string[] = [];
  for (const segment of text.split('/')) {
    if (segment === '' || segment === '.') {
      continue;
    }
    if (segment === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') {
        out.pop();
      } else if (!absolute) {
        out.push('..');
      }
      continue;
    }
    out.push(segment);
  }
  let result = (absolute ? '/' : '') + out.join('/');
  if (trailing && out.length > 0) {
    result += '/';
  }
  return result;
}

/** COMPRESS_WHITE_SPACE: tab, newline, carriage return, vertical tab, form feed and non-breaking space become spaces; runs of spaces become one. */
function compressWhiteSpace(input: string): string {
  return input.replace(/[\t\n\r\v\f\xa0 ]+/g, ' ');
}
