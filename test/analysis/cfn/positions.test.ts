import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { FIXTURES } from './template-dir';
import { readApp } from '../../../src/analysis/cfn';
import { locateJsonError, positionAt, scanResourceKeys } from '../../../src/analysis/cfn/json-text';
import { readTemplateFile } from '../../../src/analysis/cfn/template-file';

const fixture = (...p: string[]) => path.join(FIXTURES, 'templates', ...p);

describe('positions of logical ids', () => {
  test('JSON: the opening quote of each Resources key, ignoring the word elsewhere', () => {
    // GIVEN a JSON template with "Resources" also in a string, in Metadata and in a tag, an escaped key and a non-ASCII key
    const [stack] = readApp([fixture('json', 'positions.json')]).stacks;
    // THEN positions are 1-based lines and columns of the logical id keys under the top-level Resources
    expect(stack.positionOf('Nacl')).toEqual({ line: 5, column: 5 });
    expect(stack.positionOf('Entry1')).toEqual({ line: 9, column: 7 });
    expect(stack.positionOf('Unicodé')).toEqual({ line: 10, column: 5 });
    expect(stack.positionOf('NotThis')).toBeUndefined();
    expect(stack.positionOf('Later')).toBeUndefined();
    expect(stack.positionOf('')).toBeUndefined();
  });

  test('YAML: the first character of each Resources key, quoted or not', () => {
    const [stack] = readApp([fixture('yaml', 'positions.yaml')]).stacks;
    expect(stack.positionOf('Nacl')).toEqual({ line: 5, column: 3 });
    expect(stack.positionOf('Quoted')).toEqual({ line: 8, column: 3 });
    expect(stack.positionOf('Missing')).toBeUndefined();
  });

  test('nested stacks have positions in their own file', () => {
    const app = readApp([path.join(FIXTURES, 'assemblies', 'two-stacks')]);
    const nested = app.stacks.find((s) => s.parent)!;
    expect(nested.file).toMatch(/AppData1A2B3C4D\.nested\.template\.json$/);
    expect(nested.positionOf('DbSg')).toEqual({ line: 9, column: 5 });
  });

  test('property: for any template printed with any indentation, each position points at its key', () => {
    const id = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,12}$/);
    const value = fc.jsonValue({ maxDepth: 3 });
    const ids = fc.uniqueArray(id, { minLength: 1, maxLength: 6 });
    const values = fc.array(value, { minLength: 6, maxLength: 6 });
    fc.assert(fc.property(ids, values, fc.integer({ min: 0, max: 4 }), fc.jsonValue({ maxDepth: 2 }),
      (logicalIds, anyValues, indent, before) => {
        // GIVEN resources holding arbitrary JSON (which may itself say "Resources"), after an arbitrary section
        const resources = Object.fromEntries(logicalIds.map((k, i) => [k, { Type: 'T', Properties: { Resources: anyValues[i] } }]));
        const template = { Before: before, Resources: resources };
        const text = JSON.stringify(template, null, indent);
        const found = scanResourceKeys(text);
        const lines = text.split('\n');
        for (const k of logicalIds) {
          const p = found.get(k)!;
          expect(lines[p.line - 1].slice(p.column - 1).startsWith(`"${k}"`)).toBe(true);
        }
        expect([...found.keys()].filter((k) => k !== '').sort()).toEqual([...logicalIds].sort());
      }), { numRuns: 100 });
  });
});

describe('positions of a JSON template file, as findings ask for them', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'positions-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('property: each resource\'s position is its key under Resources, wherever else the name is a key or a string', () => {
    const id = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,6}$/);
    fc.assert(fc.property(fc.uniqueArray(id, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(4), { minLength: 5, maxLength: 5 }),
      fc.integer({ min: 0, max: 3 }), fc.boolean(), fc.jsonValue({ maxDepth: 2 }), (logicalIds, uses, indent, escapeOne, noise) => {
        // GIVEN resources whose names also appear as keys and strings elsewhere (Metadata, Outputs, properties, a Ref)
        const resources = Object.fromEntries(logicalIds.map((k, i) => [k, {
          Type: 'T',
          Properties: {
            ...(uses[i] === 1 ? { [k]: 1 } : {}),
            ...(uses[i] === 2 ? { Ref: { Ref: k } } : {}),
            ...(uses[i] === 3 ? { Text: `"${k}": quoted` } : {}),
            Noise: noise,
          },
        }]));
        const outputs = Object.fromEntries(logicalIds.filter((_, i) => uses[i] === 4).map((k) => [k, { Value: k }]));
        let text = JSON.stringify({ Metadata: { [logicalIds[0]]: 'x' }, Resources: resources, Outputs: outputs }, null, indent);
        if (escapeOne) {
          // The first resource's key spelled with a \u escape: only the scanner reads it.
          const key = `"${logicalIds[0]}":`;
          const at = text.indexOf(key, text.indexOf('"Resources"'));
          text = `${text.slice(0, at + 1)}\\u${logicalIds[0].charCodeAt(0).toString(16).padStart(4, '0')}${text.slice(at + 2)}`;
        }
        const file = path.join(dir, 'template.json');
        fs.writeFileSync(file, text);
        // WHEN positions are asked for
        const read = readTemplateFile(file);
        const expected = scanResourceKeys(text);
        // THEN they are the scanner's, which knows the structure; and nothing for a name that is no resource
        for (const k of logicalIds) {
          expect({ k, at: read.positionOf(k) }).toEqual({ k, at: expected.get(k) });
        }
        expect(read.positionOf('Resources')).toBeUndefined();
        expect(read.positionOf('')).toEqual(expected.get(''));
      }), { numRuns: 200 });
  });

  test('GIVEN the file removed after it was read WHEN a position is asked for THEN there is none, and no error', () => {
    const file = path.join(dir, 'gone.json');
    fs.writeFileSync(file, JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }));
    const read = readTemplateFile(file);
    fs.rmSync(file);
    expect(read.positionOf('Topic')).toBeUndefined();
  });
});

describe('locating JSON syntax errors', () => {
  test('property: valid JSON has no error; a truncated or corrupted document has one where JSON.parse fails', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), fc.nat(), fc.constantFrom('', '}', ',', 'x', '"', ']', ':'), (value, cut, junk) => {
      const text = JSON.stringify(value, null, 1);
      expect(locateJsonError(text)).toBeUndefined();
      const broken = text.slice(0, cut % (text.length + 1)) + junk;
      let parses = true;
      try {
        JSON.parse(broken);
      } catch {
        parses = false;
      }
      const error = locateJsonError(broken);
      expect(error === undefined).toBe(parses);
      if (error) expect(error.offset).toBeLessThanOrEqual(broken.length);
    }), { numRuns: 300 });
  });

  test('positionAt counts lines and columns from 1', () => {
    expect(positionAt('ab\ncd\n', 0)).toEqual({ line: 1, column: 1 });
    expect(positionAt('ab\ncd\n', 4)).toEqual({ line: 2, column: 2 });
    expect(positionAt('ab\ncd\n', 6)).toEqual({ line: 3, column: 1 });
  });
});
