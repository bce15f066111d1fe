import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { stringify } from 'yaml';
import { FIXTURES, readOne, tempDir } from './template-dir';
import { InputError, Json, readApp } from '../../../src/analysis/cfn';
import { parseYamlTemplate } from '../../../src/analysis/cfn/yaml-template';
import { buildNetworkModel } from '../../../src/analysis/model/network-model';

/** Texts that would mean a JavaScript error leaked into a message meant for a user. */
const JS_ERROR_TEXT = /undefined|is not a function|Cannot read propert|is not iterable|Maximum call stack|NaN|\[object Object\]|TypeError|RangeError/;

const ASSEMBLY = path.join(FIXTURES, 'assemblies', 'two-stacks');
const json = (p: string) => JSON.parse(fs.readFileSync(p, 'utf8'));
const SEEDS: Json[] = [
  json(path.join(ASSEMBLY, 'Network.template.json')),
  json(path.join(ASSEMBLY, 'App.template.json')),
  json(path.join(ASSEMBLY, 'AppData1A2B3C4D.nested.template.json')),
  parseYamlTemplate(fs.readFileSync(path.join(FIXTURES, 'templates', 'yaml', 'short-forms.yaml'), 'utf8'), 'seed').value,
  parseYamlTemplate(fs.readFileSync(path.join(FIXTURES, 'templates', 'yaml', 'anchors.yaml'), 'utf8'), 'seed').value,
];

const NAMES = ['Env', 'Vpc', 'IsProd', 'NotProd', 'Both', 'AWS::NoValue', 'AWS::StackName', 'AWS::Region', 'Cidrs', 'Missing', '', 'Outputs.X',
  'DataNestedStackDataNestedStackResource5E6F7A8B', 'Network:ExportsOutputRefNaclA1B2C3D4E5F6A7B8', 'shared-nacl-id', '__proto__', 'constructor', 'toString'];
const name = fc.constantFrom(...NAMES);
const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null), fc.double(), fc.constantFrom('${Env}', '${!x}', '${', '${Vpc.Cidr}', '${}', '10.0.0.0/8'));

/** A replacement value: an intrinsic (well or badly formed), or a value of the wrong type. */
const replacement: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(name, tie('v'), { maxKeys: 2 }),
    fc.record({ Ref: fc.oneof(name, tie('v')) }),
    fc.record({ 'Fn::If': fc.oneof(fc.tuple(name, tie('v'), tie('v')), tie('v')) }),
    fc.record({ 'Fn::Sub': fc.oneof(scalar, fc.tuple(scalar, fc.dictionary(name, tie('v'), { maxKeys: 2 })), tie('v')) }),
    fc.record({ 'Fn::Join': fc.oneof(fc.tuple(scalar, fc.array(tie('v'), { maxLength: 3 })), tie('v')) }),
    fc.record({ 'Fn::Select': fc.oneof(fc.tuple(scalar, fc.oneof(tie('v'), fc.array(scalar))), tie('v')) }),
    fc.record({ 'Fn::Split': fc.oneof(fc.tuple(scalar, tie('v')), tie('v')) }),
    fc.record({ 'Fn::FindInMap': fc.oneof(fc.array(fc.oneof(name, tie('v')), { maxLength: 4 }), tie('v')) }),
    fc.record({ 'Fn::GetAtt': fc.oneof(fc.tuple(name, fc.oneof(name, tie('v'))), tie('v')) }),
    fc.record({ 'Fn::ImportValue': fc.oneof(name, tie('v')) }),
    fc.record({ 'Fn::Equals': fc.oneof(fc.tuple(tie('v'), tie('v')), tie('v')) }),
    fc.record({ 'Fn::And': fc.array(tie('v'), { maxLength: 3 }) }),
    fc.record({ 'Fn::Not': fc.array(tie('v'), { maxLength: 2 }) }),
    fc.record({ Condition: fc.oneof(name, tie('v')) }),
    fc.record({ 'LayeredDefense::StackRef': tie('v') }),
  ),
})).v;

type Mutation = { at: number; kind: 'replace' | 'delete' | 'condition'; value: Json };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('replace' as const, 'replace' as const, 'delete' as const, 'condition' as const),
  value: replacement,
});

/** Every [container, key] in a value, parents before children. */
function slots(value: Json, out: [Json, string | number][] = []): [Json, string | number][] {
  if (Array.isArray(value)) value.forEach((v, i) => { out.push([value, i]); slots(v, out); });
  else if (value !== null && typeof value === 'object') Object.keys(value).forEach((k) => { out.push([value, k]); slots(value[k], out); });
  return out;
}

function mutate(template: Json, mutations: Mutation[]): Json {
  const copy = structuredClone(template);
  for (const m of mutations) {
    const all = slots(copy);
    if (all.length === 0) return m.value;
    const [container, key] = all[m.at % all.length];
    if (m.kind === 'delete') {
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key];
    } else if (m.kind === 'condition' && container[key] !== null && typeof container[key] === 'object' && !Array.isArray(container[key])) {
      container[key].Condition = typeof m.value === 'string' ? m.value : NAMES[m.at % NAMES.length];
    } else {
      container[key] = m.value;
    }
  }
  return copy;
}

/** Reads `paths` and touches everything a caller would; returns the InputError message if any. */
function readEverything(paths: string[]): string | undefined {
  try {
    const app = readApp(paths);
    for (const s of app.stacks) {
      JSON.stringify(s.template);
      for (const id of Object.keys(s.template.Resources ?? {})) s.positionOf(id);
      s.positionOf('NoSuchResource');
    }
    return undefined;
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
}

describe('fuzz: mutated templates never crash the reader', () => {
  test('a lone template (JSON or YAML) with values replaced by intrinsics, wrong types and missing keys', () => {
    const dir = tempDir();
    fc.assert(fc.property(fc.nat(SEEDS.length - 1), fc.array(mutation, { minLength: 1, maxLength: 5 }), fc.boolean(), (seed, mutations, asYaml) => {
      // GIVEN a seed template with a few mutations
      const mutated = mutate(SEEDS[seed], mutations);
      const file = path.join(dir, asYaml ? 't.yaml' : 't.json');
      fs.writeFileSync(file, asYaml ? stringify(mutated) : JSON.stringify(mutated, null, 1));
      // WHEN read THEN it is read, or an InputError without JavaScript error text (anything else throws here)
      const message = readEverything([file]);
      if (message !== undefined) expect(message).not.toMatch(JS_ERROR_TEXT);
    }), { numRuns: 300 });
  });

  test('a cloud assembly with a mutated template or manifest', () => {
    const files = ['manifest.json', 'Network.template.json', 'App.template.json', 'AppData1A2B3C4D.nested.template.json'];
    fc.assert(fc.property(fc.constantFrom(...files), fc.array(mutation, { minLength: 1, maxLength: 4 }), (target, mutations) => {
      // GIVEN the fixture assembly with one file mutated (the nested stage left out)
      const dir = tempDir();
      for (const f of files) {
        const content = json(path.join(ASSEMBLY, f));
        if (f === 'manifest.json') delete content.artifacts['assembly-Prod'];
        fs.writeFileSync(path.join(dir, f), JSON.stringify(f === target ? mutate(content, mutations) : content));
      }
      // WHEN read THEN it is read, or an InputError without JavaScript error text
      const message = readEverything([dir]);
      if (message !== undefined) expect(message).not.toMatch(JS_ERROR_TEXT);
      fs.rmSync(dir, { recursive: true, force: true });
    }), { numRuns: 150 });
  });

  test('arbitrary text as a template', () => {
    const dir = tempDir();
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json(), fc.constantFrom('{"Resources": {', 'Resources: !Ref', 'Resources:\n  A: *x', '\ufeff{"Resources":{}}', 'Resources: {a: !GetAtt}', '?', 'Resources:\n  ? \n  A: {Type: T, Properties: {V: }}\n')), fc.constantFrom('t.json', 't.yaml', 't.template'),
      (text, fileName) => {
        const file = path.join(dir, fileName);
        fs.writeFileSync(file, text);
        const message = readEverything([file]);
        if (message !== undefined) {
          expect(message).not.toMatch(JS_ERROR_TEXT);
          expect(message.startsWith(`${file}:`)).toBe(true);
          expect(message).not.toMatch(/\n/);
        }
      }), { numRuns: 300 });
  });
});

describe('fuzz: the reader\'s word that every reference names something declared', () => {
  test('where the reader says so, the model\'s own search for dangling references finds none (property)', () => {
    // The model skips its walk of a stack the reader vouches for: a wrong word would hide a dangling Ref.
    const dir = tempDir();
    let vouched = 0;
    fc.assert(fc.property(fc.nat(SEEDS.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), (seed, mutations) => {
      // GIVEN a mutated seed, read as a lone template
      const file = path.join(dir, 't.json');
      fs.writeFileSync(file, JSON.stringify(mutate(SEEDS[seed], mutations)));
      let stacks;
      try {
        stacks = readApp([file]).stacks;
      } catch (e) {
        if (e instanceof InputError) return;
        throw e;
      }
      for (const stack of stacks.filter((s) => s.namesAllDeclared)) {
        vouched++;
        // WHEN modelled with the walk and without it THEN the same problems are found
        const searched = buildNetworkModel([{ ...stack, namesAllDeclared: undefined }]).invalid.map((i) => `${i.resource.logicalId}: ${i.problem}`);
        expect(buildNetworkModel([stack]).invalid.map((i) => `${i.resource.logicalId}: ${i.problem}`)).toEqual(searched);
      }
    }), { numRuns: 400 });
    // AND the reader vouched for enough of them for this to say something
    expect(vouched).toBeGreaterThan(40);
  });

  // Each case: what the security group's GroupDescription or VpcId holds, whether the reader vouches, and the
  // dangling names the model then reports (the same with the walk as without).
  test.each([
    ['every name declared (a Ref, a GetAtt, a Sub with an attribute and a pseudo parameter)',
      { VpcId: { Ref: 'Vpc' }, GroupDescription: { 'Fn::Sub': '${AWS::StackName} in ${Vpc.CidrBlock}' }, Tags: [{ Key: 'k', Value: { 'Fn::GetAtt': 'Vpc.CidrBlock' } }] }, true, []],
    ['a Ref to a resource a false condition removes', { VpcId: { Ref: 'Gone' } }, false, ['Ref Gone']],
    ['a Sub placeholder that names nothing', { GroupDescription: { 'Fn::Sub': 'in ${Vpc} of ${Missing.Arn}' } }, false, ['Fn::Sub ${Missing.Arn}']],
    ['a GetAtt in its string form that names nothing', { GroupDescription: { 'Fn::GetAtt': 'Missing.Arn' } }, false, ['Fn::GetAtt Missing']],
    ['a Sub with a variable map (not read by the reader: the model searches)', { GroupDescription: { 'Fn::Sub': ['${X}', { X: { Ref: 'Vpc' } }] } }, false, []],
    ['a Ref whose argument is an object', { GroupDescription: { Ref: { Ref: 'Missing' } } }, false, ['Ref Missing']],
    ['a Ref to an AWS:: name that is no pseudo parameter', { VpcId: { Ref: 'AWS::VpcId' } }, false, ['Ref AWS::VpcId']],
    ['a Sub placeholder with a misspelt pseudo parameter', { GroupDescription: { 'Fn::Sub': 'in ${AWS::Regoin} of ${AWS::Region}' } }, false, ['Fn::Sub ${AWS::Regoin}']],
    ['every pseudo parameter', {
      GroupDescription: { 'Fn::Sub': '${AWS::AccountId}${AWS::NotificationARNs}${AWS::Partition}${AWS::Region}${AWS::StackId}${AWS::StackName}${AWS::URLSuffix}' },
      VpcId: { 'Fn::If': ['Never', { Ref: 'AWS::NoValue' }, { Ref: 'Vpc' }] },
    }, true, []],
    ['a decided Fn::If that drops the branch naming nothing', { GroupDescription: { 'Fn::If': ['Never', { Ref: 'Missing' }, 'ok'] } }, true, []],
    ['a substitution that joins a $ and a {Nope} (the text ${Nope}, no placeholder)', { GroupDescription: { 'Fn::Sub': '$${Empty}{Nope}${Vpc}' } }, true, []],
  ])('GIVEN %s WHEN read and modelled THEN the reader\'s word and the dangling names are right', (_name, properties, vouches, dangling) => {
    const stack = readOne({
      Parameters: { Empty: { Type: 'String', Default: '' } },
      Conditions: { Never: { 'Fn::Equals': ['a', 'b'] } },
      Resources: {
        Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
        // Only where the case names it: a resource removed by a false condition makes the reader search anyway.
        ...(JSON.stringify(properties).includes('Gone') ? { Gone: { Type: 'AWS::EC2::VPC', Condition: 'Never', Properties: { CidrBlock: '10.1.0.0/16' } } } : {}),
        Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'app', ...(properties as object) } },
      },
    });
    expect(stack.namesAllDeclared).toBe(vouches);
    const problems = (s: typeof stack) => buildNetworkModel([s]).invalid.map((i) => i.problem)
      .filter((p) => p.includes('names no resource')).map((p) => p.replace(/ names no resource.*/, ''));
    expect(problems(stack)).toEqual(dangling);
    expect(problems({ ...stack, namesAllDeclared: undefined })).toEqual(dangling);
  });
});

