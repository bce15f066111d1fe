import * as path from 'path';
import { FIXTURES } from './template-dir';
import { InputError, readApp } from '../../../src/analysis/cfn';
import { parseYamlTemplate } from '../../../src/analysis/cfn/yaml-template';

const parse = (yaml: string) => parseYamlTemplate(yaml, 't.yaml').value;

describe('YAML short forms become the long JSON forms', () => {
  test.each([
    ['!Ref Vpc', { Ref: 'Vpc' }],
    ['!Condition IsProd', { Condition: 'IsProd' }],
    ['!GetAtt Vpc.CidrBlock', { 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }],
    ['!GetAtt Nested.Outputs.VpcId', { 'Fn::GetAtt': ['Nested', 'Outputs.VpcId'] }],
    ['!GetAtt [Vpc, CidrBlock]', { 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }],
    ['!Sub "${AWS::Region}-x"', { 'Fn::Sub': '${AWS::Region}-x' }],
    ['!Sub ["${A}", {A: !Ref B}]', { 'Fn::Sub': ['${A}', { A: { Ref: 'B' } }] }],
    ['!If [C, a, !Ref AWS::NoValue]', { 'Fn::If': ['C', 'a', { Ref: 'AWS::NoValue' }] }],
    ['!Select [1, [a, b]]', { 'Fn::Select': [1, ['a', 'b']] }],
    ['!Join [",", [a, b]]', { 'Fn::Join': [',', ['a', 'b']] }],
    ['!Split [",", "a,b"]', { 'Fn::Split': [',', 'a,b'] }],
    ['!FindInMap [M, k1, k2]', { 'Fn::FindInMap': ['M', 'k1', 'k2'] }],
    ['!ImportValue shared', { 'Fn::ImportValue': 'shared' }],
    ['!ImportValue {"Fn::Sub": "${S}-x"}', { 'Fn::ImportValue': { 'Fn::Sub': '${S}-x' } }],
    ['!GetAZs ""', { 'Fn::GetAZs': '' }],
    ['!GetAZs', { 'Fn::GetAZs': '' }],
    ['!GetAZs {Ref: AWS::Region}', { 'Fn::GetAZs': { Ref: 'AWS::Region' } }],
    ['!Base64 "#!/bin/sh"', { 'Fn::Base64': '#!/bin/sh' }],
    ['!Cidr [10.0.0.0/16, 4, 8]', { 'Fn::Cidr': ['10.0.0.0/16', 4, 8] }],
    ['!Equals [a, !Ref P]', { 'Fn::Equals': ['a', { Ref: 'P' }] }],
    ['!And [!Condition A, !Condition B]', { 'Fn::And': [{ Condition: 'A' }, { Condition: 'B' }] }],
    ['!Or [!Condition A, !Condition B]', { 'Fn::Or': [{ Condition: 'A' }, { Condition: 'B' }] }],
    ['!Not [!Condition A]', { 'Fn::Not': [{ Condition: 'A' }] }],
    ['!Transform {Name: "AWS::Include", Parameters: {Location: s3://b/k}}',
      { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://b/k' } } }],
    ['!Length [a, b]', { 'Fn::Length': ['a', 'b'] }],
    ['!ToJsonString {a: 1}', { 'Fn::ToJsonString': { a: 1 } }],
  ])('%s', (yaml, expected) => {
    // GIVEN a template value written in short form WHEN parsed THEN it is the long form CloudFormation defines
    expect(parse(`V: ${yaml}\n`)).toEqual({ V: expected });
  });

  test('block-style short forms nest', () => {
    // GIVEN a short form in block style holding other short forms
    const yaml = ['V: !If', '  - IsProd', '  - !Sub', '    - "${X}-y"', '    - X: !GetAtt A.B', '  - !Ref AWS::NoValue', ''].join('\n');
    // THEN every level is converted
    expect(parse(yaml)).toEqual({
      V: { 'Fn::If': ['IsProd', { 'Fn::Sub': ['${X}-y', { X: { 'Fn::GetAtt': ['A', 'B'] } }] }, { Ref: 'AWS::NoValue' }] },
    });
  });

  test('scalars follow YAML 1.2: numbers stay numbers, "yes" and dates stay strings', () => {
    expect(parse('a: 443\nb: "443"\nc: yes\nd: 2010-09-09\ne: true\nf: ~\n'))
      .toEqual({ a: 443, b: '443', c: 'yes', d: '2010-09-09', e: true, f: null });
  });

  test('a !GetAtt scalar without an attribute is an InputError with its position', () => {
    expect(() => parse('Resources:\n  A:\n    V: !GetAtt Vpc\n')).toThrow(new InputError('t.yaml', '!GetAtt "Vpc" must be written LogicalId.Attribute', { line: 3, column: 8 }));
  });

  test('an unknown tag is an InputError, not a string', () => {
    expect(() => parse('V: !Reff X\n')).toThrow('t.yaml:1:4: unknown YAML tag !Reff: not a CloudFormation short form such as !Ref, !GetAtt or !Sub');
  });

  test('a merge key naming a scalar is an InputError', () => {
    expect(() => parse('a: &x 1\nb:\n  <<: *x\n')).toThrow(/^t\.yaml:3:7: malformed YAML: a merge key \(<<\) must name a mapping/);
  });
});

describe('YAML anchors, aliases and merge keys', () => {
  test('are expanded as YAML defines them, explicit keys winning over merged ones', () => {
    // GIVEN a template sharing a properties block through an anchor
    const [stack] = readApp([path.join(FIXTURES, 'templates', 'yaml', 'anchors.yaml')]).stacks;
    // THEN each resource holds its own copy, and Second's own GroupDescription wins over the merged one
    expect(stack.template.Resources.First.Properties).toEqual({ GroupDescription: 'shared', VpcId: { Ref: 'VpcId' } });
    expect(stack.template.Resources.Second.Properties).toEqual({ GroupDescription: 'own', VpcId: { Ref: 'VpcId' } });
    expect(stack.template.Resources.Third.Properties.SecurityGroupIngress).toEqual([{ GroupDescription: 'shared', VpcId: { Ref: 'VpcId' } }]);
  });

  test('merge sources in a list: the earlier source wins', () => {
    expect(parse('a: &a {k: 1, x: a}\nb: &b {k: 2, y: b}\nc:\n  <<: [*a, *b]\n').c).toEqual({ k: 1, x: 'a', y: 'b' });
  });

  test('an alias bomb is refused, not expanded', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    expect(() => parse(lines.join('\n') + '\n')).toThrow(/malformed YAML: too many alias expansions/);
  });
});
