// Scans JSON source text for what JSON.parse does not tell: where a syntax error sits and where a template's
// Resources keys sit. Pure string work; JSON.parse stays the parser.

import { SourcePosition } from './types';

/** 1-based line and column of a UTF-16 offset in `text`. */
export function positionAt(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

export interface JsonSyntaxError {
  readonly offset: number;
  readonly problem: string;
}

const MAX_DEPTH = 10_000;

/**
 * The first syntax error in `text`, described in words (V8's JSON.parse messages carry no position for some errors
 * and quote the source text for others, which a one-line CLI message must not echo).
 */
export function locateJsonError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const n = text.length;
  class Stop {
    constructor(readonly offset: number, readonly problem: string) {}
  }
  const describe = (at: number): string => {
    if (at >= n) return 'unexpected end of file';
    const c = text[at];
    return `unexpected character ${JSON.stringify(c)}`;
  };
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const str = () => {
    const start = i;
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Stop(i, 'invalid \\u escape in a string');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          throw new Stop(i, 'invalid escape in a string');
        }
        continue;
      }
      if (c < 0x20) throw new Stop(i, c === 0x0a ? 'unterminated string (a line break inside quotes)' : 'control character inside a string');
      i++;
    }
    throw new Stop(start, 'unterminated string');
  };
  const num = () => {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0].length === 0 || m[0] === '-') throw new Stop(i, describe(i));
    i += m[0].length;
  };
  const value = (depth: number): void => {
    if (depth > MAX_DEPTH) throw new Stop(i, 'nested too deeply');
    ws();
    if (i >= n) throw new Stop(i, 'unexpected end of file');
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') throw new Stop(i, i >= n ? 'unexpected end of file' : `expected a property name in double quotes, found ${JSON.stringify(text[i])}`);
        str();
        ws();
        if (text[i] !== ':') throw new Stop(i, i >= n ? 'unexpected end of file' : `expected ':' after a property name, found ${JSON.stringify(text[i])}`);
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        throw new Stop(i, i >= n ? 'unexpected end of file (an object is not closed)' : `expected ',' or '}' after a property value, found ${JSON.stringify(text[i])}`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        throw new Stop(i, i >= n ? 'unexpected end of file (a list is not closed)' : `expected ',' or ']' after a list item, found ${JSON.stringify(text[i])}`);
      }
    }
    if (c === '"') return str();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    if (c === '-' || (c >= '0' && c <= '9')) return num();
    throw new Stop(i, describe(i));
  };
  try {
    value(0);
    ws();
    if (i < n) return { offset: i, problem: `unexpected text after the end of the JSON value: ${describe(i).replace('unexpected character ', '')}` };
    return undefined;
  } catch (e) {
    if (e instanceof Stop) return { offset: e.offset, problem: e.problem };
    // A stack overflow on absurd nesting: still say where the scan stood.
    return { offset: i, problem: 'nested too deeply' };
  }
}

/**
 * Offsets of the keys of the top-level object's `Resources` object (and of `Resources` itself under the key ''),
 * found by one forward scan that stops when `Resources` closes.
 */
export function scanResourceKeys(text: string): Map<string, SourcePosition> {
  const found = new Map<string, SourcePosition>();
  const n = text.length;
  // Open containers: true for an object, false for a list.
  const stack: boolean[] = [];
  let expectKey = false;
  let line = 1;
  let lineStart = 0;
  let resourcesDepth = -1;
  let nextObjectIsResources = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    switch (c) {
      case 0x0a:
        line++;
        lineStart = i + 1;
        break;
      case 0x7b: // {
        stack.push(true);
        expectKey = true;
        if (nextObjectIsResources && stack.length === 2) resourcesDepth = 2;
        nextObjectIsResources = false;
        break;
      case 0x5b: // [
        stack.push(false);
        expectKey = false;
        nextObjectIsResources = false;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        if (resourcesDepth !== -1 && stack.length === resourcesDepth) return found;
        stack.pop();
        expectKey = false;
        break;
      case 0x2c: // ,
        expectKey = stack[stack.length - 1] === true;
        break;
      case 0x3a: // :
        expectKey = false;
        break;
      case 0x22: {
        // "
        const start = i;
        let escaped = false;
        i++;
        while (i < n) {
          const d = text.charCodeAt(i);
          if (d === 0x22) break;
          if (d === 0x5c) {
            escaped = true;
            i++;
          }
          i++;
        }
        if (expectKey) {
          const raw = text.slice(start + 1, i);
          let key = raw;
          if (escaped) {
            try {
              key = JSON.parse(text.slice(start, i + 1));
            } catch {
              key = raw;
            }
          }
          const position = { line, column: start - lineStart + 1 };
          if (stack.length === 1 && key === 'Resources') {
            nextObjectIsResources = true;
            found.set('', position);
          } else if (resourcesDepth !== -1 && stack.length === resourcesDepth && !found.has(key)) {
            found.set(key, position);
          } else if (stack.length === 1) {
            nextObjectIsResources = false;
          }
        } else if (stack.length === 1) {
          nextObjectIsResources = false;
        }
        break;
      }
      default:
        break;
    }
  }
  return found;
}
