import * as fs from 'fs';
import * as path from 'path';
import { App, CfnOutput, Fn, NestedStack, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { FIXTURES, stackById, tempDir, writeFiles } from './template-dir';
import { InputError, LoadedStack, readApp, STACK_REF } from '../../../src/analysis/cfn';

const ASSEMBLY = path.join(FIXTURES, 'assemblies', 'two-stacks');
const ref = (stackId: string, value: unknown) => ({ [STACK_REF]: { stackId, value } });
const props = (stack: LoadedStack, logicalId: string) => stack.template.Resources[logicalId].Properties;

describe('a cloud assembly', () => {
  const app = readApp([ASSEMBLY]);

  test('every stack artifact, nested stage and nested stack is a stack; other artifacts are ignored', () => {
    expect(app.stacks.map((s) => [s.id, s.stackName, s.environment, s.parent])).toEqual([
      ['Network', 'hipaa-network', 'aws://111111111111/eu-west-1', undefined],
      ['App', 'App', 'aws://111111111111/eu-west-1', undefined],
      ['App/DataNestedStackDataNestedStackResource5E6F7A8B', 'App/DataNestedStackDataNestedStackResource5E6F7A8B',
        'aws://111111111111/eu-west-1', { stackId: 'App', logicalId: 'DataNestedStackDataNestedStackResource5E6F7A8B' }],
      ['Prod/Network', 'Prod-Network', 'aws://222222222222/us-east-1', undefined],
      ['Prod/App', 'Prod-App', 'aws://222222222222/us-east-1', undefined],
    ]);
    expect(app.stacks[0].file).toBe(path.join('test', 'fixtures', 'assemblies', 'two-stacks', 'Network.template.json'));
  });

  test("CDK's automatic exports: an imported NACL and security group become the exporting stack's values", () => {
    const appStack = stackById(app, 'App');
    expect(props(appStack, 'DenyEntry').NetworkAclId).toEqual(ref('Network', { Ref: 'NaclA1B2C3D4' }));
    expect(props(appStack, 'FromShared').SourceSecurityGroupId).toEqual(ref('Network', { 'Fn::GetAtt': ['SharedSg0A1B2C3D', 'GroupId'] }));
  });

  test('an export name built with Fn::Sub, imported by a name built with Fn::Join from a parameter default', () => {
    expect(props(stackById(app, 'App'), 'AppSg').VpcId).toEqual(ref('Network', { Ref: 'Vpc8378EB38' }));
  });

  test('an import nobody exports stays an Fn::ImportValue naming the export', () => {
    expect(props(stackById(app, 'App'), 'Orphan').NetworkAclId).toEqual({ 'Fn::ImportValue': 'nobody-exports-this' });
  });

  test('the same export name in two environments: each importer gets the one in its own environment', () => {
    expect(props(stackById(app, 'App'), 'SharedEntry').NetworkAclId).toEqual(ref('Network', { Ref: 'NaclA1B2C3D4' }));
    expect(props(stackById(app, 'Prod/App'), 'SharedEntry').NetworkAclId).toEqual(ref('Prod/Network', { Ref: 'ProdNacl' }));
  });

  test('manifest parameters apply, and --parameter wins over them', () => {
    expect(props(stackById(app, 'App'), 'AppSg').GroupDescription).toBe('internal app');
    const withCli = readApp([ASSEMBLY], { parameters: { Tier: 'restricted' } });
    expect(props(stackById(withCli, 'App'), 'AppSg').GroupDescription).toBe('restricted app');
  });

  describe('a nested stack', () => {
    const nestedId = 'App/DataNestedStackDataNestedStackResource5E6F7A8B';
    const nested = stackById(app, nestedId);

    test("a parameter the parent passes as an expression is the parent's value", () => {
      expect(props(nested, 'DbSg').SecurityGroupIngress[0].SourceSecurityGroupId).toEqual(ref('App', { 'Fn::GetAtt': ['AppSg', 'GroupId'] }));
    });

    test('a parameter the parent passes as a literal is that literal, over the default', () => {
      expect(props(nested, 'DbSg').SecurityGroupIngress[1].CidrIp).toBe('10.0.0.0/8');
    });

    test('a parameter the parent passes from an import is the exporting stack\'s value', () => {
      expect(props(nested, 'DbEntry').NetworkAclId).toEqual(ref('Network', { Ref: 'NaclA1B2C3D4' }));
    });

    test('a parameter the parent does not pass takes its default; the region is the parent\'s, the name unknown', () => {
      expect(props(nested, 'DbSg').SecurityGroupIngress[0].FromPort).toBe(5432);
      expect(props(nested, 'DbSg').GroupDescription).toEqual({ 'Fn::Sub': 'db in eu-west-1 of ${AWS::StackName}' });
    });

    test("the parent's GetAtt Nested.Outputs.X is the nested stack's output value", () => {
      expect(props(stackById(app, 'App'), 'ToDb').DestinationSecurityGroupId).toEqual(ref(nestedId, { 'Fn::GetAtt': ['DbSg', 'GroupId'] }));
    });

    test('a nested template missing from the assembly is an InputError at the parent resource', () => {
      // GIVEN the fixture assembly without its nested template (and without its nested stage)
      const dir = tempDir();
      for (const f of ['manifest.json', 'Network.template.json', 'App.template.json']) fs.copyFileSync(path.join(ASSEMBLY, f), path.join(dir, f));
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
      delete manifest.artifacts['assembly-Prod'];
      fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
      // THEN reading it names the parent template, the nested stack's logical id and the missing file
      expect(() => readApp([dir])).toThrow(new InputError(path.join(dir, 'App.template.json'),
        'nested stack DataNestedStackDataNestedStackResource5E6F7A8B: its template AppData1A2B3C4D.nested.template.json (Metadata aws:asset:path) is not in the cloud assembly',
        { line: 38, column: 5 }));
    });

    test('a nested stack whose Type is spelt with a \\u escape is still found (the reader skips the search only for texts that cannot hold the type)', () => {
      // GIVEN the fixture assembly whose parent template writes the nested stack's Type as AWS::CloudFormation::Stac\u006b
      const dir = tempDir();
      for (const f of ['manifest.json', 'Network.template.json', 'App.template.json', 'AppData1A2B3C4D.nested.template.json']) {
        fs.copyFileSync(path.join(ASSEMBLY, f), path.join(dir, f));
      }
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
      delete manifest.artifacts['assembly-Prod'];
      fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
      const parent = fs.readFileSync(path.join(dir, 'App.template.json'), 'utf8');
      const escaped = parent.replace(/"AWS::CloudFormation::Stack"/g, '"AWS::CloudFormation::Stac\\u006b"');
      expect(escaped).not.toContain('AWS::CloudFormation::Stack');
      fs.writeFileSync(path.join(dir, 'App.template.json'), escaped);
      // WHEN read THEN the nested stack is a stack of the app, and the parent's GetAtt of its output resolves
      const read = readApp([dir]);
      expect(read.stacks.map((s) => s.id)).toContain(nestedId);
      expect(props(stackById(read, 'App'), 'ToDb').DestinationSecurityGroupId).toEqual(ref(nestedId, { 'Fn::GetAtt': ['DbSg', 'GroupId'] }));
    });

    test('a lone parent template without its nested template: the nested outputs stay unresolved', () => {
      const [parent] = readApp([writeFiles({ 'App.template.json': fs.readFileSync(path.join(ASSEMBLY, 'App.template.json'), 'utf8') })['App.template.json']]).stacks;
      expect(props(parent, 'ToDb').DestinationSecurityGroupId).toEqual({ 'Fn::GetAtt': ['DataNestedStackDataNestedStackResource5E6F7A8B', 'Outputs.AppDataDbSgGroupId'] });
    });
  });

  test('manifest.json itself may be given for its directory', () => {
    expect(readApp([path.join(ASSEMBLY, 'manifest.json')]).stacks.map((s) => s.id)).toEqual(app.stacks.map((s) => s.id));
  });

  test('two inputs with the same stack id keep distinct ids', () => {
    const twice = readApp([ASSEMBLY, path.join(ASSEMBLY, 'Network.template.json')]);
    const ids = twice.stacks.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('a cdk.out synthesized by aws-cdk-lib', () => {
  test('a NACL and a security group shared across stacks and a nested stack resolve to their owners', () => {
    // GIVEN a real two-stack app: Network owns a VPC, a NACL and a group; App adds an entry and a rule to them,
    // and a nested stack adds a group rule referencing the App stack's group
    const outdir = tempDir();
    const cdkApp = new App({ outdir });
    const network = new Stack(cdkApp, 'Network');
    const vpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const nacl = new ec2.NetworkAcl(network, 'Nacl', { vpc });
    const shared = new ec2.SecurityGroup(network, 'Shared', { vpc });
    const appStack = new Stack(cdkApp, 'App');
    new ec2.NetworkAclEntry(appStack, 'Deny', {
      networkAcl: nacl, ruleNumber: 200, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.allTraffic(), ruleAction: ec2.Action.DENY,
    });
    const appSg = new ec2.SecurityGroup(appStack, 'AppSg', { vpc });
    appSg.addIngressRule(shared, ec2.Port.tcp(443));
    const data = new NestedStack(appStack, 'Data');
    const dbSg = new ec2.SecurityGroup(data, 'DbSg', { vpc });
    dbSg.addIngressRule(appSg, ec2.Port.tcp(5432));
    new CfnOutput(data, 'DbSgId', { value: dbSg.securityGroupId });
    new CfnOutput(appStack, 'Az', { value: Fn.select(0, Fn.getAzs()) });
    cdkApp.synth();

    // WHEN the reader reads the assembly directory
    const app = readApp([outdir]);

    // THEN the entry's NACL and the rule's source are the Network stack's resources
    const ids = app.stacks.map((s) => s.id);
    expect(ids).toEqual(['Network', 'App', expect.stringMatching(/^App\/DataNestedStackDataNestedStackResource/)]);
    const find = (s: LoadedStack, type: string) => Object.values<any>(s.template.Resources).find((r) => r.Type === type);
    const naclId = Object.keys(stackById(app, 'Network').template.Resources).find((k) => k.startsWith('Nacl') && stackById(app, 'Network').template.Resources[k].Type === 'AWS::EC2::NetworkAcl');
    expect(find(stackById(app, 'App'), 'AWS::EC2::NetworkAclEntry').Properties.NetworkAclId).toEqual(ref('Network', { Ref: naclId }));
    const ingress = find(stackById(app, 'App'), 'AWS::EC2::SecurityGroupIngress').Properties;
    expect(ingress.SourceSecurityGroupId).toEqual(ref('Network', { 'Fn::GetAtt': [expect.stringMatching(/^Shared/), 'GroupId'] }));
    // AND the nested stack's rule source is the App stack's group, passed as a nested-stack parameter
    const nested = app.stacks[2];
    expect(nested.parent).toEqual({ stackId: 'App', logicalId: nested.id.slice('App/'.length) });
    const dbIngress = find(nested, 'AWS::EC2::SecurityGroupIngress').Properties;
    expect(dbIngress.SourceSecurityGroupId).toEqual(ref('App', { 'Fn::GetAtt': [expect.stringMatching(/^AppSg/), 'GroupId'] }));
    // AND positions point at the logical id in the synthesized file
    const text = fs.readFileSync(path.join(outdir, 'Network.template.json'), 'utf8').split('\n');
    const p = stackById(app, 'Network').positionOf(naclId!)!;
    expect(text[p.line - 1].slice(p.column - 1)).toMatch(new RegExp(`^"${naclId}":`));
  });
});

describe('hand-written templates given together', () => {
  test('an Fn::ImportValue in one YAML file resolves against an export of another, named from its stack name', () => {
    // GIVEN two hand-written templates: network.yaml exports ${AWS::StackName}-NaclId, app.yaml imports network-NaclId
    const files = writeFiles({
      'network.yaml': [
        'Resources:', '  Nacl:', '    Type: AWS::EC2::NetworkAcl', '    Properties: {VpcId: vpc-1}',
        'Outputs:', '  NaclId:', '    Value: !Ref Nacl', '    Export:', '      Name: !Sub "${AWS::StackName}-NaclId"', '',
      ].join('\n'),
      'app.yaml': [
        'Parameters:', '  Network: {Type: String, Default: network}',
        'Resources:', '  Deny:', '    Type: AWS::EC2::NetworkAclEntry', '    Properties:',
        '      NetworkAclId: !ImportValue', '        Fn::Sub: "${Network}-NaclId"', '',
      ].join('\n'),
    });
    // WHEN both are read
    const app = readApp([files['network.yaml'], files['app.yaml']]);
    // THEN the entry's NACL is the network stack's Nacl
    expect(app.stacks.map((s) => s.stackName)).toEqual(['network', 'app']);
    expect(app.stacks[1].template.Resources.Deny.Properties.NetworkAclId).toEqual(ref(files['network.yaml'], { Ref: 'Nacl' }));
    // AND read alone, the import stays an Fn::ImportValue naming the export it needs
    const [alone] = readApp([files['app.yaml']]).stacks;
    expect(alone.template.Resources.Deny.Properties.NetworkAclId).toEqual({ 'Fn::ImportValue': 'network-NaclId' });
  });

  test('stacks that import from each other in a loop stay unresolved instead of looping', () => {
    const files = writeFiles({
      'a.json': { Resources: { R: { Type: 'T' } }, Outputs: { O: { Value: { 'Fn::ImportValue': 'from-b' }, Export: { Name: 'from-a' } } } },
      'b.json': { Resources: { R: { Type: 'T' } }, Outputs: { O: { Value: { 'Fn::ImportValue': 'from-a' }, Export: { Name: 'from-b' } } } },
    });
    const app = readApp([files['a.json'], files['b.json']]);
    expect(JSON.stringify(app.stacks.map((s) => s.template.Outputs))).toContain('"Fn::ImportValue"');
  });
});

describe('file kinds and nested stages', () => {
  test('a .template file is JSON when it starts with "{", YAML otherwise', () => {
    const files = writeFiles({ 'a.template': '{"Resources": {"A": {"Type": "T"}}}', 'b.template': 'Resources:\n  B: {Type: !Ref P}\n' });
    const app = readApp([files['a.template'], files['b.template']]);
    expect(app.stacks.map((s) => [s.stackName, Object.keys(s.template.Resources)])).toEqual([['a', ['A']], ['b', ['B']]]);
    expect(app.stacks[1].template.Resources.B.Type).toEqual({ Ref: 'P' });
  });

  test('a stage inside a stage: ids are the display paths', () => {
    // GIVEN Prod containing stage Inner containing stack Net (as CDK writes nested stages)
    const files = writeFiles({
      'manifest.json': { artifacts: { 'assembly-Prod': { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Prod', displayName: 'Prod' } } } },
      'assembly-Prod/manifest.json': { artifacts: { 'assembly-Prod-Inner': { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Prod-Inner', displayName: 'Prod/Inner' } } } },
      'assembly-Prod/assembly-Prod-Inner/manifest.json': {
        artifacts: {
          ProdInnerNetAB12: { type: 'aws:cloudformation:stack', properties: { templateFile: 'ProdInnerNetAB12.template.json', stackName: 'Prod-Inner-Net' }, displayName: 'Prod/Inner/Net' },
          NoDisplay: { type: 'aws:cloudformation:stack', properties: { templateFile: 'ProdInnerNetAB12.template.json' } },
        },
      },
      'assembly-Prod/assembly-Prod-Inner/ProdInnerNetAB12.template.json': { Resources: { R: { Type: 'T', Properties: { N: { Ref: 'AWS::StackName' } } } } },
    });
    const app = readApp([path.dirname(files['manifest.json'])]);
    // THEN the stack's id is its display path, its name the manifest's stackName; without a display name, stage/artifact
    expect(app.stacks.map((s) => [s.id, s.stackName, s.template.Resources.R.Properties.N])).toEqual([
      ['Prod/Inner/Net', 'Prod-Inner-Net', 'Prod-Inner-Net'],
      ['Prod/Inner/NoDisplay', 'ProdInnerNetAB12', 'ProdInnerNetAB12'],
    ]);
  });
});
