// Nested stacks in templates written by hand (CDK-free): a TemplateURL that is a local path, as `aws cloudformation
// package` and `sam deploy` take it, is read and judged with its parent; a nested stack whose template is not read (a
// URL, an AWS Serverless Application Repository application, a file that is not there) is a CannotVerify on it, never a
// silent pass. On test/fixtures/templates/nested/ (expected findings hand-computed in each file's header).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzePaths } from '../../../src/analysis/analyze';
import { Finding } from '../../../src/analysis/findings';

const DIR = path.join(__dirname, '..', '..', 'fixtures', 'templates', 'nested');
const PARENT = path.join(DIR, 'local-parent.yaml');
const NETWORK = path.join(DIR, 'network.yaml');
const CANNOT_VERIFY = 'LayeredDefense-CannotVerify';
const rel = (file: string) => path.relative(process.cwd(), file);
const brief = (findings: readonly Finding[], ruleId: string) => findings.filter((f) => f.ruleId === ruleId).map((f) => [f.stackName, f.logicalId]);

describe('nested stacks of hand-written templates', () => {
  test('GIVEN a parent whose nested network stack is a local file WHEN checked THEN the nested template is judged, with what the parent passes it', () => {
    // WHEN
    const result = analyzePaths([PARENT]);
    // THEN the nested NACL's shadowed DENY is found, in the nested stack, at its line in network.yaml
    expect(result.stacks).toBe(2);
    const shadowed = result.findings.filter((f) => f.ruleId === 'LayeredDefense-NaclDenyShadowed');
    expect(shadowed.map((f) => [f.stackName, f.logicalId, f.file, f.line])).toEqual([['local-parent/Network', 'DenyBad', rel(NETWORK), 17]]);
    // AND the SSH source the parent passed down (0.0.0.0/0) comes back through the nested output as the literal it is
    expect(brief(result.findings, 'LayeredDefense-SgOpenIngress')).toEqual([['local-parent', 'AppSg']]);
    expect(result.findings.filter((f) => f.ruleId === CANNOT_VERIFY && f.logicalId === 'AppSg')).toEqual([]);
  });

  test('GIVEN nested stacks whose template is not read WHEN checked THEN one CannotVerify on each, saying why, with a fix; none under a false condition', () => {
    // WHEN
    const unread = analyzePaths([PARENT]).findings.filter((f) => f.ruleId === CANNOT_VERIFY);
    // THEN Missing (no such file) and Remote (a URL); Skipped is removed by its false condition and creates nothing
    expect(unread.map((f) => [f.logicalId, f.message])).toEqual([
      ['Missing', `nested stack Missing: its template nested/absent.yaml is not a file next to ${rel(PARENT)}, so what it creates is not judged`],
      ['Remote', 'nested stack Remote: its template (TemplateURL {"Fn::Sub":"https://my-templates-${AWS::Region}.s3.amazonaws.com/logging.yaml"}) is not read, '
        + 'so what it creates is not judged (check the cloud assembly, or the templates before they are packaged, whose TemplateURL is a local path)'],
    ]);
    expect(unread[0].fix).toMatch(/^Check the nested stack's template with its parent: run the check on the cloud assembly/);
  });

  test('GIVEN the nested template also given on its own (check *.yaml) WHEN checked THEN it is judged once, as the nested stack', () => {
    const both = analyzePaths([NETWORK, PARENT]);
    expect(both.stacks).toBe(2);
    expect(brief(both.findings, 'LayeredDefense-NaclDenyShadowed')).toEqual([['local-parent/Network', 'DenyBad']]);
    // Alone, it is a stack of its own
    expect(brief(analyzePaths([NETWORK]).findings, 'LayeredDefense-NaclDenyShadowed')).toEqual([['network', 'DenyBad']]);
  });

  test('GIVEN SAM applications, one from the Serverless Application Repository and one local WHEN checked THEN the first cannot be verified, the second is judged', () => {
    const { findings } = analyzePaths([path.join(DIR, 'sam-applications.yaml')]);
    expect(findings.filter((f) => f.ruleId === CANNOT_VERIFY).map((f) => [f.logicalId, f.message])).toEqual([[
      'Auth',
      'nested stack Auth: its template, the AWS Serverless Application Repository application arn:aws:serverlessrepo:us-east-1:123456789012:applications/auth 1.0.0, '
        + 'is not read, so what it creates is not judged (check the application\'s template on its own)',
    ]]);
    expect(brief(findings, 'LayeredDefense-NaclDenyShadowed')).toEqual([['sam-applications/Network', 'DenyBad']]);
  });
});

describe('nested stacks: conditions, chains and bad files', () => {
  /** Writes `files` (relative path -> text) into a new temp directory; returns its path. */
  function tree(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nested-'));
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
  }
  const OPEN_SSH = 'Parameters:\n  Cidr: { Type: String, Default: 0.0.0.0/0 }\nResources:\n  Ssh:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n'
    + '      GroupDescription: ssh\n      VpcId: vpc-1\n      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Ref Cidr }]\n';
  const nest = (id: string, url: string, extra = '') => `  ${id}:\n    Type: AWS::CloudFormation::Stack\n${extra}    Properties:\n      TemplateURL: ${url}\n`;

  test('GIVEN a local nested stack under a condition that is false WHEN checked THEN it is never created: nothing from it', () => {
    const dir = tree({
      'parent.yaml': 'Parameters:\n  Env: { Type: String, Default: dev }\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n'
        + nest('Net', './leaf.yaml', '    Condition: IsProd\n'),
      'leaf.yaml': OPEN_SSH,
    });
    expect(analyzePaths([path.join(dir, 'parent.yaml')]).findings).toEqual([]);
    // With the condition true, the nested stack is judged
    const prod = analyzePaths([path.join(dir, 'parent.yaml')], { parameters: { Env: 'prod' } });
    expect(brief(prod.findings, 'LayeredDefense-SgOpenIngress')).toEqual([['parent/Net', 'Ssh']]);
  });

  test('GIVEN a chain of two nested levels, every file given WHEN checked THEN each template is judged once, at its place in the chain', () => {
    const dir = tree({
      'root.yaml': `Resources:\n${nest('Mid', 'sub/mid.yaml')}`,
      'sub/mid.yaml': `Resources:\n${nest('Leaf', '../leaf.yaml')}`,
      'leaf.yaml': OPEN_SSH,
    });
    const result = analyzePaths(['root.yaml', 'sub/mid.yaml', 'leaf.yaml'].map((f) => path.join(dir, f)));
    expect(result.stacks).toBe(3);
    expect(brief(result.findings, 'LayeredDefense-SgOpenIngress')).toEqual([['root/Mid/Leaf', 'Ssh']]);
  });

  test('GIVEN a TemplateURL that names a directory WHEN checked THEN "cannot verify" says so', () => {
    const dir = tree({ 'parent.yaml': `Resources:\n${nest('Net', 'templates')}`, 'templates/readme.txt': 'x' });
    expect(analyzePaths([path.join(dir, 'parent.yaml')]).findings.map((f) => f.message)).toEqual([
      'nested stack Net: its template templates is a directory, not a template file, so what it creates is not judged',
    ]);
  });

  test('GIVEN a TemplateURL that names a file that is no template WHEN checked THEN the input error names the nested stack and its parent', () => {
    const dir = tree({ 'parent.yaml': `Resources:\n${nest('Net', 'README.md')}`, 'README.md': '# notes\n' });
    expect(() => analyzePaths([path.join(dir, 'parent.yaml')])).toThrow(/README\.md: .*\(the template of nested stack Net in .*parent\.yaml\)$/);
  });
});

describe('a literal exported by another stack', () => {
  test('GIVEN a network stack that exports a literal CIDR and an app stack that opens SSH to it WHEN checked together THEN the literal is judged, not "not known"', () => {
    // GIVEN (written to a temp directory: two stacks of one app)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'literal-export-'));
    fs.writeFileSync(path.join(dir, 'network.yaml'), 'Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: { CidrBlock: 10.0.0.0/16 }\n'
      + 'Outputs:\n  Admin:\n    Value: 0.0.0.0/0\n    Export: { Name: admin-cidr }\n  VpcId:\n    Value: !Ref Vpc\n    Export: { Name: vpc-id }\n');
    fs.writeFileSync(path.join(dir, 'app.yaml'), 'Resources:\n  Bastion:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: bastion\n'
      + '      VpcId: !ImportValue vpc-id\n      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !ImportValue admin-cidr }]\n');
    // WHEN
    const { findings } = analyzePaths([path.join(dir, 'network.yaml'), path.join(dir, 'app.yaml')]);
    // THEN SSH open to everyone, on the app's group; nothing unknown about it
    expect(findings.filter((f) => f.ruleId === 'LayeredDefense-SgOpenIngress').map((f) => [f.logicalId, f.message])).toEqual([
      ['Bastion', 'ingress from every IPv4 address (0.0.0.0/0) is allowed on tcp 22'],
    ]);
    expect(findings.filter((f) => f.ruleId === CANNOT_VERIFY && f.logicalId === 'Bastion')).toEqual([]);
  });
});
