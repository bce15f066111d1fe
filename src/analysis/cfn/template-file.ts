// Reads one template file (JSON or YAML) into JSON, checks it is a template, and locates Resources keys lazily;
// resolves nothing.

import * as fs from 'fs';
import * as path from 'path';
import { locateJsonError, positionAt, scanResourceKeys } from './json-text';
import { InputError, Json, SourcePosition } from './types';
import { parseYamlTemplate } from './yaml-template';

/**
 * CloudFormation accepts templates of at most 1 MB (from S3); far larger files are not templates and would
 * exhaust memory. JSON.parse handles tens of MB quickly, a YAML parser far more slowly.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
 */
export const MAX_JSON_BYTES = 256 * 1024 * 1024;
export const MAX_YAML_BYTES = 32 * 1024 * 1024;

export interface TemplateFile {
  /** The path as shown in messages (relative to the working directory when inside it). */
  readonly file: string;
  readonly absolutePath: string;
  readonly template: Json;
  /** Position of a Resources key; '' is the `Resources` key itself. Lazy: scans the file on first call. */
  readonly positionOf: (logicalId: string) => SourcePosition | undefined;
}

/** A path as the user should see it: relative to the working directory when inside it, else absolute. */
export function displayPath(absolutePath: string): string {
  const rel = path.relative(process.cwd(), absolutePath);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : absolutePath;
}

function isJsonText(absolutePath: string, text: string): boolean {
  const ext = path.extname(absolutePath).toLowerCase();
  if (ext === '.json') return true;
  if (ext === '.yaml' || ext === '.yml') return false;
  // `.template` and anything else: CloudFormation takes either; a JSON template starts with '{'.
  return /^\s*[{[]/.test(text);
}

/** `missing`: the error for a file that does not exist (by default, one naming the file). */
export function readTemplateFile(absolutePath: string, missing?: () => InputError): TemplateFile {
  const file = displayPath(absolutePath);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolutePath);
  } catch {
    throw missing?.() ?? new InputError(file, 'no such file or directory');
  }
  if (stat.isDirectory()) throw new InputError(file, 'is a directory, expected a template file');
  if (/\.ya?ml$/i.test(absolutePath) && stat.size > MAX_YAML_BYTES) throw tooLarge(file, stat.size, MAX_YAML_BYTES);
  const text = readText(absolutePath, file, stat.size);
  if (!/\S/.test(text)) throw new InputError(file, 'empty file, expected a CloudFormation template');

  let template: Json;
  let positionOf: (logicalId: string) => SourcePosition | undefined;
  if (isJsonText(absolutePath, text)) {
    if (stat.size > MAX_JSON_BYTES) throw tooLarge(file, stat.size, MAX_JSON_BYTES);
    try {
      template = JSON.parse(text);
    } catch {
      const e = locateJsonError(text);
      throw new InputError(file, `malformed JSON: ${e?.problem ?? 'not valid JSON'}`, positionAt(text, e?.offset ?? text.length));
    }
    const size = stat.size;
    // The Resources object only, asked whether it declares a key: the model keeps its resources alive anyway (the
    // resolved template shares them), and listing every template's keys up front costs a list per template.
    const resources: Json = isJsonObject(template) && isJsonObject(template.Resources) ? template.Resources : {};
    positionOf = jsonPositions(() => readText(absolutePath, file, size), (id) => Object.prototype.hasOwnProperty.call(resources, id));
  } else {
    if (stat.size > MAX_YAML_BYTES) throw tooLarge(file, stat.size, MAX_YAML_BYTES);
    const parsed = parseYamlTemplate(text, file);
    template = parsed.value;
    let cache: Map<string, SourcePosition> | undefined;
    positionOf = (logicalId: string) => {
      cache ??= parsed.resourceKeys();
      return cache.get(logicalId);
    };
  }

  checkIsTemplate(file, template, positionOf);
  return { file, absolutePath, template, positionOf };
}

/** Logical ids as CloudFormation allows them: letters and digits, which a JSON key can only spell out or \u-escape. */
const LOGICAL_ID = /^[A-Za-z0-9]+$/;

/**
 * Where a JSON template's Resources keys are, for findings: the text is read again on the first question (the
 * analysis keeps no text it may never need) and kept for the next. A resource's key is found with a search for
 * `"<id>"` followed by a colon, which is that key when it is the only key of that name in a text without \u escapes
 * (any other spelling of the id would need one); otherwise, for '' (the Resources key), and once more than a few
 * resources were asked for, the file is scanned once (json-text.ts `scanResourceKeys`, which knows which keys are
 * under the top-level Resources). Each answer is kept. A file that
 * changed or vanished since it was read has no positions: they are a courtesy, not a reason to fail.
 */
function jsonPositions(read: () => string, isResourceKey: (logicalId: string) => boolean): (logicalId: string) => SourcePosition | undefined {
  let text: string | undefined;
  let plainKeys: boolean | undefined;
  let lineStarts: number[] | undefined;
  let scanned: Map<string, SourcePosition> | undefined;
  const lineAndColumn = (offset: number): SourcePosition => {
    if (!lineStarts) {
      lineStarts = [0];
      for (let i = text!.indexOf('\n'); i !== -1; i = text!.indexOf('\n', i + 1)) lineStarts.push(i + 1);
    }
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (lineStarts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - lineStarts[low] + 1 };
  };
  // A resource with many findings (a web ACL with a finding per rule) is asked for often: each answer is kept, or
  // every question would search the whole text again.
  const found = new Map<string, SourcePosition | undefined>();
  const locate = (logicalId: string): SourcePosition | undefined => {
    try {
      text ??= read();
    } catch {
      text = '';
      scanned = new Map();
    }
    // A search per question reads the whole text: past a few questions, one scan that finds every key costs less.
    if (found.size < Math.min(SEARCHES_BEFORE_SCAN, SEARCH_BUDGET / text.length) && LOGICAL_ID.test(logicalId) && isResourceKey(logicalId)) {
      plainKeys ??= !text.includes('\\u');
      const offset = plainKeys ? onlyKeyOffset(text, logicalId) : undefined;
      if (offset !== undefined) return lineAndColumn(offset);
    }
    scanned ??= scanResourceKeys(text);
    return scanned.get(logicalId);
  };
  return (logicalId) => {
    if (!found.has(logicalId)) found.set(logicalId, locate(logicalId));
    return found.get(logicalId);
  };
}

/**
 * How many resources' keys are searched for one by one before the whole text is scanned once instead: 16, or fewer
 * in a text so long that 16 searches would read more than SEARCH_BUDGET characters.
 */
const SEARCHES_BEFORE_SCAN = 16;
const SEARCH_BUDGET = 16 * 1024 * 1024;

/** The offset of the one key `"<id>"` in a JSON text, or undefined when there is none or more than one. */
function onlyKeyOffset(text: string, id: string): number | undefined {
  const needle = `"${id}"`;
  let found: number | undefined;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
    // In valid JSON an unescaped quote followed by the id and a quote opens a string (a string cannot end there).
    let slashes = 0;
    while (at - slashes - 1 >= 0 && text.charCodeAt(at - slashes - 1) === 0x5c) slashes++;
    if (slashes % 2 === 1) continue;
    let next = at + needle.length;
    while (next < text.length && (text[next] === ' ' || text[next] === '\n' || text[next] === '\r' || text[next] === '\t')) next++;
    if (text[next] !== ':') continue;
    if (found !== undefined) return undefined;
    found = at;
  }
  return found;
}

function isJsonObject(value: Json): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function readText(absolutePath: string, file: string, size: number): string {
  if (size > MAX_JSON_BYTES) throw tooLarge(file, size, MAX_JSON_BYTES);
  let text: string;
  try {
    text = fs.readFileSync(absolutePath, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(file, code === 'EACCES' ? 'permission denied' : `cannot read the file (${code ?? 'read error'})`);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function tooLarge(file: string, size: number, limit: number): InputError {
  const mb = (n: number) => `${Math.round(n / (1024 * 1024))} MB`;
  return new InputError(file, `file is ${mb(size)}, larger than the ${mb(limit)} this reader accepts (CloudFormation itself accepts templates up to 1 MB)`);
}

function describeType(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return `a ${typeof v}`;
}

function checkIsTemplate(file: string, template: Json, positionOf: (id: string) => SourcePosition | undefined): void {
  if (template === null || typeof template !== 'object' || Array.isArray(template)) {
    throw new InputError(file, `not a CloudFormation template: the document is ${describeType(template)}, expected an object with a Resources section`);
  }
  if (!('Resources' in template)) {
    throw new InputError(file, 'not a CloudFormation template: no Resources section');
  }
  const resources = template.Resources;
  if (resources === null || typeof resources !== 'object' || Array.isArray(resources)) {
    throw new InputError(file, `not a CloudFormation template: Resources is ${describeType(resources)}, expected an object of resources`, positionOf(''));
  }
}
