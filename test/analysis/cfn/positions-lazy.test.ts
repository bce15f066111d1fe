import * as fs from 'fs';
import { writeFiles } from './template-dir';
import { readApp } from '../../../src/analysis/cfn';

jest.mock('fs', () => {
  const actual = jest.requireActual('fs');
  return { ...actual, readFileSync: jest.fn(actual.readFileSync) };
});

test('JSON positions cost nothing until asked: the file is read once for the template, once for positions', () => {
  // GIVEN a JSON template
  const file = writeFiles({ 't.json': { Resources: { A: { Type: 'T' }, B: { Type: 'T' } } } })['t.json'];
  const reads = () => (fs.readFileSync as unknown as jest.Mock).mock.calls.filter((c) => c[0] === file).length;
  // WHEN it is read THEN its text is read once, and no position is computed
  const [stack] = readApp([file]).stacks;
  expect(reads()).toBe(1);
  // WHEN positions are asked for twice THEN the file is scanned once more, and only once
  expect(stack.positionOf('A')).toEqual({ line: 3, column: 5 });
  expect(stack.positionOf('B')).toEqual({ line: 6, column: 5 });
  expect(reads()).toBe(2);
});

test('positions of many resources, each asked for many times, are those of their keys (one scan past the first few)', () => {
  // GIVEN a JSON template of 40 resources, whose ids also occur as values (a Ref to the one before)
  const resources: Record<string, object> = {};
  for (let i = 0; i < 40; i++) {
    resources[`R${i}`] = { Type: 'T', Properties: i === 0 ? {} : { Next: { Ref: `R${i - 1}` } } };
  }
  const file = writeFiles({ 'many.json': { Resources: resources } })['many.json'];
  const [stack] = readApp([file]).stacks;
  // WHEN each position is asked for three times THEN each is the line of the resource's key, in the file as written
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 40; i++) {
      const position = stack.positionOf(`R${i}`)!;
      expect(lines[position.line - 1].slice(position.column - 1)).toMatch(new RegExp(`^"R${i}": \\{`));
    }
  }
});
