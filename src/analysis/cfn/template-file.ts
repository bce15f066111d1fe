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

export function readTemplateFile(absolutePath: string): TemplateFile {
  const file = displayPath(absolutePath);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolutePath);
  } catch {
    throw new InputError(file, 'no such file or directory');
  }
  if (stat.isDirectory()) throw new InputError(file, 'is a directory, expected a template file');
  if (/\.ya?ml$/i.test(absolutePath) && stat.size > MAX_YAML_BYTES) throw tooLarge(file, stat.size, MAX_YAML_BYTES);
  const text = readText(absolutePath, file, stat.size);
  if (!/\S/.test(text)) throw new InputError(file, 'empty file, expected a CloudFormation template');

  let template: Json;
  let positions: () => Map<string, SourcePosition>;
  if (isJsonText(absolutePath, text)) {
    if (stat.size > MAX_JSON_BYTES) throw tooLarge(file, stat.size, MAX_JSON_BYTES);
    try {
      template = JSON.parse(text);
    } catch {
      const e = locateJsonError(text);
      throw new InputError(file, `malformed JSON: ${e?.problem ?? 'not valid JSON'}`, positionAt(text, e?.offset ?? text.length));
    }
    // Keep no copy of the text: positions are rare (findings only) and re-reading is cheaper than holding it.
    positions = () => scanResourceKeys(readText(absolutePath, file, stat.size));
  } else {
    if (stat.size > MAX_YAML_BYTES) throw tooLarge(file, stat.size, MAX_YAML_BYTES);
    const parsed = parseYamlTemplate(text, file);
    template = parsed.value;
    positions = parsed.resourceKeys;
  }

  let cache: Map<string, SourcePosition> | undefined;
  const positionOf = (logicalId: string) => {
    if (!cache) {
      try {
        cache = positions();
      } catch {
        // The file changed or vanished since it was read: positions are a courtesy, not a reason to fail.
        cache = new Map();
      }
    }
    return cache.get(logicalId);
  };

  checkIsTemplate(file, template, positionOf);
  return { file, absolutePath, template, positionOf };
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
