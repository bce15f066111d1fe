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
