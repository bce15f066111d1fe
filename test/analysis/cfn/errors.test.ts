import * as fs from 'fs';
import * as path from 'path';
import { FIXTURES, tempDir, writeFiles } from './template-dir';
import { InputError, readApp } from '../../../src/analysis/cfn';
import { MAX_JSON_BYTES, MAX_YAML_BYTES } from '../../../src/analysis/cfn/template-file';

const invalid = (name: string) => path.join('test', 'fixtures', 'templates', 'invalid', name);
const DEEP = 'values nested more than 1000 levels deep (objects and lists inside each other, conditions naming conditions, '
  + 'or imports of outputs that import others): not a template CloudFormation takes';

/** The InputError readApp throws for `paths`. */
function inputError(paths: string[]): InputError {
  try {
    readApp(paths);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw new Error(`expected an InputError, got ${String(e)}`);
  }
  throw new Error('expected an InputError, the input was read');
}

describe('unreadable input is one InputError naming the file, the place and the problem', () => {
  test.each([
    ['trailing-comma.json', '4:3: malformed JSON: expected a property name in double quotes, found "}"'],
    ['truncated.json', '4:1: malformed JSON: unexpected end of file (an object is not closed)'],
    ['bad-indent.yaml', '4:1: malformed YAML: All mapping items must start at the same column'],
    ['duplicate-key.yaml', '4:3: malformed YAML: Map keys must be unique'],
    ['two-documents.yaml', '2:1: malformed YAML: more than one YAML document in the file; a template is one document'],
    ['unknown-tag.yaml', '5:10: unknown YAML tag !Fn: not a CloudFormation short form such as !Ref, !GetAtt or !Sub'],
    ['empty.json', ' empty file, expected a CloudFormation template'],
    ['empty.yaml', ' empty file, expected a CloudFormation template'],
    ['root-list.json', ' not a CloudFormation template: the document is a list, expected an object with a Resources section'],
    ['root-string.json', ' not a CloudFormation template: the document is a string, expected an object with a Resources section'],
    ['no-resources.yaml', ' not a CloudFormation template: no Resources section'],
    ['resources-list.json', '2:3: not a CloudFormation template: Resources is a list, expected an object of resources'],
  ])('%s', (name, problem) => {
    // GIVEN a file that is not a readable template WHEN read THEN the message is file:line:col: problem, one line
    const e = inputError([invalid(name)]);
    expect(e.message).toBe(`${invalid(name)}:${problem}`);
    expect(e.message).not.toMatch(/\n/);
    expect(e.name).toBe('InputError');
  });

  test('a missing path', () => {
    expect(inputError(['no/such/template.yaml']).message).toBe(`${path.join('no', 'such', 'template.yaml')}: no such file or directory`);
  });

  test('a directory without manifest.json', () => {
    expect(inputError([path.join('test', 'fixtures', 'templates')]).message)
      .toBe(`${path.join('test', 'fixtures', 'templates')}: directory without manifest.json: not a cloud assembly (give the cdk.out directory or template files)`);
  });

  test('a malformed manifest.json, with its position', () => {
    const dir = path.dirname(writeFiles({ 'manifest.json': '{\n  "artifacts": {\n    "A": }\n}\n' })['manifest.json']);
    expect(inputError([dir]).message).toBe(`${path.join(dir, 'manifest.json')}:3:10: malformed JSON: unexpected character "}"`);
  });

  test('an assembly without stacks', () => {
    const dir = path.dirname(writeFiles({ 'manifest.json': { version: '48.0.0', artifacts: { Tree: { type: 'cdk:tree', properties: { file: 'tree.json' } } } } })['manifest.json']);
    expect(inputError([dir]).message).toBe(`${path.join(dir, 'manifest.json')}: the cloud assembly has no CloudFormation stacks`);
  });

  test('a stack artifact whose template is missing', () => {
    const dir = path.dirname(writeFiles({ 'manifest.json': { artifacts: { S: { type: 'aws:cloudformation:stack', properties: { templateFile: 'S.template.json' } } } } })['manifest.json']);
    expect(inputError([dir]).message).toBe(`${path.join(dir, 'manifest.json')}: stack artifact S: its template S.template.json is not in the cloud assembly`);
  });

  test('a malformed template inside an assembly names the template', () => {
    const files = writeFiles({
      'manifest.json': { artifacts: { S: { type: 'aws:cloudformation:stack', properties: { templateFile: 'S.template.json' } } } },
      'S.template.json': '{"Resources": {"A": {"Type": "T"}}',
    });
    expect(inputError([path.dirname(files['manifest.json'])]).message).toBe(`${files['S.template.json']}:1:35: malformed JSON: unexpected end of file (an object is not closed)`);
  });

  test.each([
    ['JSON', 'huge.json', MAX_JSON_BYTES, '257 MB, larger than the 256 MB'],
    ['YAML', 'huge.yaml', MAX_YAML_BYTES, '33 MB, larger than the 32 MB'],
  ])('a %s file over the size limit is refused before it is read', (_, name, limit, words) => {
    // GIVEN a sparse file just over the limit (no disk or memory spent)
    const file = path.join(tempDir(), name);
    const fd = fs.openSync(file, 'w');
    fs.ftruncateSync(fd, limit + 1024 * 1024);
    fs.closeSync(fd);
    expect(inputError([file]).message).toBe(`${file}: file is ${words} this reader accepts (CloudFormation itself accepts templates up to 1 MB)`);
  });

  test('a large JSON template (tens of MB) is read', () => {
    // GIVEN a 20 MB template of 40 000 resources
    const resources: Record<string, unknown> = {};
    for (let i = 0; i < 40_000; i++) resources[`Entry${i}`] = { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: { Ref: 'Nacl' }, RuleNumber: i, CidrBlock: '10.0.0.0/8', Padding: 'x'.repeat(400) } };
    const file = writeFiles({ 'big.json': { Resources: resources } })['big.json'];
    expect(fs.statSync(file).size).toBeGreaterThan(20 * 1024 * 1024);
    // WHEN read THEN every resource is there, and the last key's position is found
    const [stack] = readApp([file]).stacks;
    expect(Object.keys(stack.template.Resources)).toHaveLength(40_000);
    expect(stack.positionOf('Entry39999')?.line).toBeGreaterThan(40_000);
  });

  test.each([
    ['JSON', 'deep.json', false],
    ['JSON under the SAM transform', 'deep-sam.json', true],
  ])('%s nested thousands of levels deep is refused with the reason, not a stack overflow', (_, name, sam) => {
    // GIVEN a property value that is a list inside 20 000 lists (JSON.parse reads it; every recursive walk would not)
    const deep = `${'['.repeat(20_000)}"x"${']'.repeat(20_000)}`;
    const transform = sam ? '"Transform": "AWS::Serverless-2016-10-31", ' : '';
    const file = path.join(tempDir(), name);
    fs.writeFileSync(file, `{${transform}"Resources": {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": ${deep}}}}}`);
    // WHEN read THEN one InputError naming the file and the depth
    expect(inputError([file]).message).toBe(`${file}: ${DEEP}`);
  });

  test('a chain of 2,000 conditions, each naming the next, is refused the same way', () => {
    const conditions: Record<string, unknown> = { C1999: { 'Fn::Equals': ['a', 'a'] } };
    for (let i = 0; i < 1999; i++) conditions[`C${i}`] = { 'Fn::Not': [{ Condition: `C${i + 1}` }] };
    const file = writeFiles({ 'conditions.json': { Conditions: conditions, Resources: { Bucket: { Type: 'AWS::S3::Bucket', Condition: 'C0' } } } })['conditions.json'];
    expect(inputError([file]).message).toBe(`${file}: ${DEEP}`);
  });

  test('a chain of stacks, each importing an output of the next nested 400 deep, is refused once the chain is too deep', () => {
    // GIVEN four stacks: each exports a value that wraps, 400 lists deep, an import of the next one's export
    const stacks: Record<string, unknown> = {};
    for (let i = 0; i < 4; i++) {
      let value: unknown = i === 3 ? 'end' : { 'Fn::ImportValue': `V${i + 1}` };
      for (let d = 0; d < 400; d++) value = { 'Fn::Join': ['', [value]] };
      stacks[`s${i}.json`] = { Resources: { Topic: { Type: 'AWS::SNS::Topic' } }, Outputs: { O: { Value: value, Export: { Name: `V${i}` } } } };
    }
    stacks['user.json'] = { Resources: { Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: { 'Fn::ImportValue': 'V0' } } } } };
    const files = writeFiles(stacks);
    // WHEN read together THEN one InputError, not a stack overflow
    expect(inputError(Object.values(files)).message).toMatch(/: values nested more than 1000 levels deep/);
  });

  test('a template nested too deeply only on a branch its parent prunes is read as that nested stack, given with its parent in either order', () => {
    // GIVEN a child whose default parameter keeps a list nested 1,100 deep, and a parent that nests it with a value
    // that leaves the list out
    let deep: unknown = 'x';
    for (let d = 0; d < 1100; d++) deep = [deep];
    const child = {
      Parameters: { Mode: { Type: 'String', Default: 'loose' } },
      Conditions: { Strict: { 'Fn::Equals': [{ Ref: 'Mode' }, 'strict'] } },
      Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::If': ['Strict', 'short', deep] } } } },
    };
    const parent = { Resources: { C: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: './child.json', Parameters: { Mode: 'strict' } } } } };
    const files = writeFiles({ 'child.json': child, 'parent.json': parent });
    // WHEN both are given, in either order THEN the child is judged only as the nested stack, with the parent's value
    for (const paths of [[files['child.json'], files['parent.json']], [files['parent.json'], files['child.json']]]) {
      const app = readApp(paths);
      expect(app.stacks.map((s) => s.stackName).sort()).toEqual(['parent', 'parent/C']);
      expect(app.stacks.find((s) => s.stackName === 'parent/C')!.template.Resources.Topic.Properties.TopicName).toBe('short');
    }
  });

  test('a template nested too deeply given before a malformed one: the malformed file is reported first, as the files are read', () => {
    let deep: unknown = 'x';
    for (let d = 0; d < 1100; d++) deep = [deep];
    const files = writeFiles({ 'deep.json': { Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { V: deep } } } }, 'broken.json': '{\n' });
    expect(inputError([files['deep.json'], files['broken.json']]).message).toMatch(/broken\.json:2:1: malformed JSON/);
  });

  test('YAML nested thousands of levels deep is refused as malformed YAML, with its position, not a JavaScript error', () => {
    const file = path.join(tempDir(), 'deep.yaml');
    fs.writeFileSync(file, `Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: ${'['.repeat(20_000)}x${']'.repeat(20_000)}\n`);
    expect(inputError([file]).message).toMatch(/^.*deep\.yaml:5:\d+: malformed YAML: nested too deeply$/);
  });

  test('values nested just under the limit are read and resolved', () => {
    const file = path.join(tempDir(), 'nested.json');
    fs.writeFileSync(file, `{"Resources": {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": ${'['.repeat(990)}"x"${']'.repeat(990)}}}}}`);
    expect(readApp([file]).stacks).toHaveLength(1);
  });

  test('the fixtures directory of assemblies is itself not an assembly', () => {
    expect(() => readApp([path.join(FIXTURES, 'assemblies')])).toThrow(InputError);
  });
});

describe('broken cloud assemblies', () => {
  const stack = (templateFile: string) => ({ type: 'aws:cloudformation:stack', properties: { templateFile } });

  test('a nested stage whose directory is missing', () => {
    const files = writeFiles({ 'manifest.json': { artifacts: { 'assembly-Prod': { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Prod' } } } } });
    expect(inputError([path.dirname(files['manifest.json'])]).message)
      .toBe(`${files['manifest.json']}: nested assembly assembly-Prod: assembly-Prod/manifest.json is not in the cloud assembly`);
  });

  test('a template that names itself as its nested stack is refused at a depth, not followed forever', () => {
    // GIVEN an assembly whose template's nested stack is that same template
    const files = writeFiles({
      'manifest.json': { artifacts: { Loop: stack('Loop.template.json') } },
      'Loop.template.json': { Resources: { Self: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': 'Loop.template.json' } } } },
    });
    // THEN one InputError at the nested stack resource
    expect(inputError([path.dirname(files['manifest.json'])]).message)
      .toBe(`${files['Loop.template.json']}:3:5: nested stack Self: stacks nested more than 20 deep (a template that nests itself?)`);
  });

  test('a manifest that is not an object, or whose artifacts are not', () => {
    const list = writeFiles({ 'manifest.json': '[]' });
    expect(inputError([path.dirname(list['manifest.json'])]).message).toBe(`${list['manifest.json']}: not a cloud assembly manifest: expected an object with artifacts`);
    const text = writeFiles({ 'manifest.json': { artifacts: 'none' } });
    expect(inputError([path.dirname(text['manifest.json'])]).message).toBe(`${text['manifest.json']}: not a cloud assembly manifest: artifacts is not an object`);
  });

  test('a stack artifact without a template file', () => {
    const files = writeFiles({ 'manifest.json': { artifacts: { S: { type: 'aws:cloudformation:stack', properties: {} } } } });
    expect(inputError([path.dirname(files['manifest.json'])]).message).toBe(`${files['manifest.json']}: stack artifact S has no properties.templateFile`);
  });
});
