import * as path from 'path';
import * as fc from 'fast-check';
import { FIXTURES, readOne, stackById, writeFiles } from './template-dir';
import { readApp, STACK_REF } from '../../../src/analysis/cfn';

/** A template whose one resource holds `value` as property V; returns V after reading. */
function resolved(value: unknown, extra: Record<string, unknown> = {}, parameters?: Record<string, string>): unknown {
  const stack = readOne({ ...extra, Resources: { R: { Type: 'AWS::SNS::Topic', Properties: { V: value } } } }, { parameters });
  return stack.template.Resources.R.Properties.V;
}

describe('parameters', () => {
  const Parameters = {
    Env: { Type: 'String', Default: 'prod' },
    Port: { Type: 'Number', Default: 443 },
    PortText: { Type: 'Number', Default: '8443' },
    Cidrs: { Type: 'CommaDelimitedList', Default: '10.0.0.0/16, 10.1.0.0/16' },
    Subnets: { Type: 'List<AWS::EC2::Subnet::Id>', Default: 'subnet-1,subnet-2' },
    NoDefault: { Type: 'String' },
    FromSsm: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/hipaa/cidr' },
    SsmName: { Type: 'AWS::SSM::Parameter::Name', Default: '/hipaa/cidr' },
  };

  test.each([
    ['Env', 'prod'],
    ['Port', 443],
    ['PortText', '8443'],
    ['Cidrs', ['10.0.0.0/16', '10.1.0.0/16']],
    ['Subnets', ['subnet-1', 'subnet-2']],
    ['SsmName', '/hipaa/cidr'],
  ])('Ref %s takes its Default, as the template wrote it', (name, expected) => {
    expect(resolved({ Ref: name }, { Parameters })).toEqual(expected);
  });

  test.each(['NoDefault', 'FromSsm'])('Ref %s stays a Ref: its value is unknown at this point', (name) => {
    expect(resolved({ Ref: name }, { Parameters })).toEqual({ Ref: name });
  });

  test('--parameter values win over defaults; list parameters split on commas; SSM-typed stay unknown', () => {
    // GIVEN values for every parameter WHEN read THEN each Ref has the value given (an SSM value type is a name)
    const parameters = { Env: 'dev', Cidrs: '192.168.0.0/16', NoDefault: 'set', FromSsm: '/other' };
    expect(resolved([{ Ref: 'Env' }, { Ref: 'Cidrs' }, { Ref: 'NoDefault' }, { Ref: 'FromSsm' }], { Parameters }, parameters))
      .toEqual(['dev', ['192.168.0.0/16'], 'set', { Ref: 'FromSsm' }]);
  });

  test('a value for a parameter no stack declares is an input error naming it (a typo must not analyse the defaults)', () => {
    expect(() => resolved({ Ref: 'Env' }, {}, { Env: 'dev' })).toThrow(/^--parameter Env: no stack declares a parameter 'Env'/);
    expect(() => resolved({ Ref: 'Env' }, { Parameters }, { Evn: 'dev' })).toThrow(/no stack declares a parameter 'Evn' \(declared: Cidrs, Env, /);
  });

  test('a list parameter used whole and by Fn::Select', () => {
    expect(resolved({ A: { Ref: 'Cidrs' }, B: { 'Fn::Select': [1, { Ref: 'Cidrs' }] }, C: { 'Fn::Join': [';', { Ref: 'Cidrs' }] } }, { Parameters }))
      .toEqual({ A: ['10.0.0.0/16', '10.1.0.0/16'], B: '10.1.0.0/16', C: '10.0.0.0/16;10.1.0.0/16' });
  });
});

describe('pseudo parameters', () => {
  test('AWS::StackName is the stack name; Region and AccountId stay unknown for a lone template', () => {
    const stack = readOne({ Resources: { R: { Type: 'T', Properties: { N: { Ref: 'AWS::StackName' }, G: { Ref: 'AWS::Region' }, A: { Ref: 'AWS::AccountId' }, P: { Ref: 'AWS::Partition' } } } } }, {}, 'network.template.json');
    expect(stack.stackName).toBe('network');
    expect(stack.template.Resources.R.Properties).toEqual({ N: 'network', G: { Ref: 'AWS::Region' }, A: { Ref: 'AWS::AccountId' }, P: { Ref: 'AWS::Partition' } });
  });

  test('AWS::NoValue removes the property and the list item', () => {
    expect(resolved({ Keep: 1, Drop: { Ref: 'AWS::NoValue' }, List: ['a', { Ref: 'AWS::NoValue' }, 'b'] }))
      .toEqual({ Keep: 1, List: ['a', 'b'] });
  });

  test('Region and AccountId come from the manifest environment unless unknown', () => {
    // GIVEN the fixture assembly (aws://222222222222/us-east-1 for the Prod stage)
    const app = readApp([path.join(FIXTURES, 'assemblies', 'two-stacks')]);
    const prodApp = app.stacks.find((s) => s.id === 'Prod/App')!;
    expect(prodApp.template.Resources.SharedEntry.Properties).toMatchObject({ Region: 'us-east-1', Account: '222222222222' });
  });
});

describe('conditions', () => {
  const Parameters = { Env: { Type: 'String', Default: 'prod' }, Unset: { Type: 'String' } };
  const Conditions = {
    IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
    IsDev: { 'Fn::Not': [{ Condition: 'IsProd' }] },
    Unknown: { 'Fn::Equals': [{ Ref: 'Unset' }, 'x'] },
    ProdOrUnknown: { 'Fn::Or': [{ Condition: 'IsProd' }, { Condition: 'Unknown' }] },
    DevAndUnknown: { 'Fn::And': [{ Condition: 'IsDev' }, { Condition: 'Unknown' }] },
    ProdAndUnknown: { 'Fn::And': [{ Condition: 'IsProd' }, { Condition: 'Unknown' }] },
    Loop: { 'Fn::Not': [{ Condition: 'Loop' }] },
  };
  const template = (parameters?: Record<string, string>) => readOne({
    Parameters,
    Conditions,
    Resources: {
      Always: { Type: 'T', Properties: { V: { 'Fn::If': ['IsProd', 'prod-value', 'dev-value'] }, W: { 'Fn::If': ['Unknown', 'a', { Ref: 'AWS::NoValue' }] }, X: { 'Fn::If': ['IsDev', 'x', { Ref: 'AWS::NoValue' }] } } },
      ProdOnly: { Type: 'T', Condition: 'IsProd' },
      DevOnly: { Type: 'T', Condition: 'IsDev' },
      MaybeOr: { Type: 'T', Condition: 'ProdOrUnknown' },
      DevAndMaybe: { Type: 'T', Condition: 'DevAndUnknown' },
      ProdAndMaybe: { Type: 'T', Condition: 'ProdAndUnknown' },
      Looping: { Type: 'T', Condition: 'Loop' },
      Missing: { Type: 'T', Condition: 'NotDeclared' },
    },
    Outputs: { DevOut: { Condition: 'IsDev', Value: 'x' }, ProdOut: { Condition: 'IsProd', Value: { 'Fn::If': ['IsProd', 'p', 'd'] } } },
  }, { parameters });

  test('decided from defaults: false-condition resources and outputs are removed, Fn::If picks its branch', () => {
    const t = template().template;
    expect(Object.keys(t.Resources).sort()).toEqual(['Always', 'Looping', 'MaybeOr', 'Missing', 'ProdAndMaybe', 'ProdOnly']);
    expect(t.Resources.Always.Properties).toEqual({ V: 'prod-value', W: { 'Fn::If': ['Unknown', 'a', { Ref: 'AWS::NoValue' }] } });
    expect(t.Outputs).toEqual({ ProdOut: { Value: 'p' } });
    // A true condition is dropped: the resource exists unconditionally
    expect(t.Resources.ProdOnly).toEqual({ Type: 'T' });
    expect(t.Resources.MaybeOr).toEqual({ Type: 'T' });
  });

  test('decided from --parameter: the other branch', () => {
    const t = template({ Env: 'dev' }).template;
    // Fn::Or with a false input and an unknown one is unknown; so is Fn::And with a true one.
    expect(Object.keys(t.Resources).sort()).toEqual(['Always', 'DevAndMaybe', 'DevOnly', 'Looping', 'MaybeOr', 'Missing']);
    expect(t.Resources.Always.Properties).toMatchObject({ V: 'dev-value', X: 'x' });
    expect(Object.keys(t.Outputs)).toEqual(['DevOut']);
  });

  test('undecidable conditions stay as written (an unknown input, a loop, a missing condition)', () => {
    const t = template().template;
    expect(t.Resources.ProdAndMaybe).toEqual({ Type: 'T', Condition: 'ProdAndUnknown' });
    expect(t.Resources.Looping).toEqual({ Type: 'T', Condition: 'Loop' });
    expect(t.Resources.Missing).toEqual({ Type: 'T', Condition: 'NotDeclared' });
  });

  test('the YAML fixture: short-form conditions decide which resources exist', () => {
    const [stack] = readApp([path.join(FIXTURES, 'templates', 'yaml', 'short-forms.yaml')]).stacks;
    expect(Object.keys(stack.template.Resources).sort()).toEqual(['MaybeOnly', 'ProdOnly', 'Vpc']);
    expect(Object.keys(stack.template.Outputs)).toEqual(['VpcId']);
    const tags = Object.fromEntries(stack.template.Resources.Vpc.Properties.Tags.map((t: any) => [t.Key, t.Value]));
    expect(tags).toEqual({
      Name: 'short-forms-prod',
      Joined: 'a-prod',
      Unknown: { 'Fn::Join': ['-', ['a', { Ref: 'Unset' }]] },
      Split: ['x', 'y'],
      Port: 443,
      Imported: { 'Fn::ImportValue': 'shared-vpc-id' },
      UserData: { 'Fn::Base64': '#!/bin/sh' },
      Dropped: undefined,
      Picked: 'prod',
      Att: { 'Fn::GetAtt': ['Vpc', 'DefaultSecurityGroup'] },
      AttDots: { 'Fn::GetAtt': ['Stack', 'Outputs.Name'] },
      Transformed: { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://bucket/x.yaml' } } },
    });
    expect(stack.template.Resources.Vpc.Properties.CidrBlock).toBe('10.0.0.0/16');
    expect(stack.template.Outputs.VpcId.Export.Name).toBe('short-forms-VpcId');
  });
});

describe('Fn::Sub, Fn::FindInMap, Fn::Select, Fn::Split', () => {
  const Parameters = { Env: { Type: 'String', Default: 'prod' }, Unset: { Type: 'String' }, Empty: { Type: 'String', Default: '' } };

  test.each([
    ['all known', { 'Fn::Sub': '${Env}-${AWS::StackName}' }, 'prod-template'],
    ['escaped ${!Literal} becomes ${Literal}', { 'Fn::Sub': '${!Env}-${Env}' }, '${Env}-prod'],
    ['variable map', { 'Fn::Sub': ['${A}/${Env}', { A: { 'Fn::Join': ['.', ['x', 'y']] } }] }, 'x.y/prod'],
    ['partly known: known parts substituted, the rest kept', { 'Fn::Sub': 'arn:${AWS::Partition}:${Env}:${Api}' }, { 'Fn::Sub': 'arn:${AWS::Partition}:prod:${Api}' }],
    ['partly known keeps escapes', { 'Fn::Sub': '${!X}${Unset}' }, { 'Fn::Sub': '${!X}${Unset}' }],
    ['attribute alone is that Fn::GetAtt (resolved as one)', { 'Fn::Sub': '${Vpc.CidrBlock}' }, { 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }],
    ['attribute in a text stays', { 'Fn::Sub': 'arn:${Vpc.CidrBlock}' }, { 'Fn::Sub': 'arn:${Vpc.CidrBlock}' }],
    ['resource alone is its Ref', { 'Fn::Sub': '${Vpc}' }, { Ref: 'Vpc' }],
    ['attribute alone with a variable of that name is the variable', { 'Fn::Sub': ['${Vpc.CidrBlock}', { 'Vpc.CidrBlock': '10.0.0.0/16' }] }, '10.0.0.0/16'],
    // CloudFormation substitutes in one pass: '$' + '' + '{Nope}' is the text '${Nope}', not a placeholder.
    ['partly known: a substitution that would join a $ and a { into a placeholder keeps them literal',
      { 'Fn::Sub': '$${Empty}{Nope}-${Unset}' }, { 'Fn::Sub': '${!Nope}-${Unset}' }],
    ['all known: the same text, rendered', { 'Fn::Sub': '$${Empty}{Nope}' }, '${Nope}'],
  ])('Fn::Sub %s', (_, value, expected) => {
    expect(resolved(value, { Parameters })).toEqual(expected);
  });

  test('Fn::Sub of a list parameter alone stays a Sub (CloudFormation takes no list in Fn::Sub), never the list itself', () => {
    const lists = { Cidrs: { Type: 'CommaDelimitedList', Default: '10.0.0.0/16,10.1.0.0/16' } };
    expect(resolved({ 'Fn::Sub': '${Cidrs}' }, { Parameters: lists })).toEqual({ 'Fn::Sub': ['${Cidrs}', { Cidrs: ['10.0.0.0/16', '10.1.0.0/16'] }] });
  });

  test('Fn::FindInMap with known keys is the mapped value; unknown keys keep it', () => {
    const Mappings = { Ports: { prod: { Https: 443, Cidrs: ['10.0.0.0/8'] } } };
    expect(resolved({ A: { 'Fn::FindInMap': ['Ports', { Ref: 'Env' }, 'Https'] }, B: { 'Fn::FindInMap': ['Ports', 'prod', 'Cidrs'] }, C: { 'Fn::FindInMap': ['Ports', { Ref: 'Unset' }, 'Https'] }, D: { 'Fn::FindInMap': ['Ports', 'dev', 'Https'] } }, { Parameters, Mappings }))
      .toEqual({ A: 443, B: ['10.0.0.0/8'], C: { 'Fn::FindInMap': ['Ports', { Ref: 'Unset' }, 'Https'] }, D: { 'Fn::FindInMap': ['Ports', 'dev', 'Https'] } });
  });

  test('Fn::Select out of range and Fn::Split of an unknown stay as written', () => {
    expect(resolved({ A: { 'Fn::Select': [5, ['a']] }, B: { 'Fn::Split': [',', { Ref: 'Unset' }] } }, { Parameters }))
      .toEqual({ A: { 'Fn::Select': [5, ['a']] }, B: { 'Fn::Split': [',', { Ref: 'Unset' }] } });
  });

  test('Metadata stays exactly as written', () => {
    const stack = readOne({ Parameters, Resources: { R: { Type: 'T', Metadata: { 'aws:cdk:path': 'S/R', 'x': { Ref: 'Env' } } } } });
    expect(stack.template.Resources.R.Metadata).toEqual({ 'aws:cdk:path': 'S/R', 'x': { Ref: 'Env' } });
  });
});

describe('properties of the resolution', () => {
  const literal = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.boolean(), fc.constant(null),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.string().filter((k) => k !== 'Ref' && !k.startsWith('Fn::') && k !== STACK_REF && k !== '__proto__'), tie('value'), { maxKeys: 3 })),
  })).value;

  test('a template without intrinsics reads back unchanged', () => {
    fc.assert(fc.property(fc.dictionary(fc.string({ minLength: 1 }).filter((k) => k !== '__proto__'), literal, { maxKeys: 4 }), (properties) => {
      expect(resolved(properties)).toEqual(properties);
    }), { numRuns: 50 });
  });

  test('Fn::Sub of text without ${ is that text; Fn::Join of known strings is their join', () => {
    fc.assert(fc.property(fc.string().filter((s) => !s.includes('${')), fc.array(fc.string(), { maxLength: 4 }), fc.string(), (text, parts, sep) => {
      expect(resolved({ A: { 'Fn::Sub': text }, B: { 'Fn::Join': [sep, parts] } })).toEqual({ A: text, B: parts.join(sep) });
    }), { numRuns: 50 });
  });
});

describe('keys from the template are data', () => {
  test('a key named __proto__ stays a property, in JSON and YAML, through resolution', () => {
    // GIVEN templates holding a __proto__ key next to a value the reader rewrites
    const jsonText = '{"Parameters": {"P": {"Type": "String", "Default": "v"}}, "Resources": {"R": {"Type": "T", "Properties": {"__proto__": {"polluted": true}, "V": {"Ref": "P"}}}}}';
    const yamlText = 'Parameters: {P: {Type: String, Default: v}}\nResources:\n  R:\n    Type: T\n    Properties:\n      __proto__: {polluted: true}\n      V: !Ref P\n';
    for (const stack of [readOne(jsonText, {}, 't.json'), readOne(yamlText, {}, 't.yaml')]) {
      const p = stack.template.Resources.R.Properties;
      // THEN it is an own property, the prototype is untouched, and the rest is resolved
      expect(Object.prototype.hasOwnProperty.call(p, '__proto__')).toBe(true);
      expect(Object.getPrototypeOf(p)).toBe(Object.prototype);
      expect(p.polluted).toBeUndefined();
      expect(p.V).toBe('v');
    }
  });
});

describe('parameter and condition corners', () => {
  test('list parameters: an empty default is an empty list, a number default a one-item list; lists compare item by item', () => {
    const Parameters = { Empty: { Type: 'CommaDelimitedList', Default: '' }, Ports: { Type: 'List<Number>', Default: 443 }, Pair: { Type: 'CommaDelimitedList', Default: 'a,b' } };
    const Conditions = { SamePair: { 'Fn::Equals': [{ Ref: 'Pair' }, ['a', 'b']] }, OtherPair: { 'Fn::Equals': [{ Ref: 'Pair' }, ['a']] } };
    expect(resolved({ E: { Ref: 'Empty' }, P: { Ref: 'Ports' }, S: { 'Fn::If': ['SamePair', 'same', 'other'] }, O: { 'Fn::If': ['OtherPair', 'same', 'other'] } }, { Parameters, Conditions }))
      .toEqual({ E: [], P: ['443'], S: 'same', O: 'other' });
  });
});

describe("a VPC's CidrBlock attribute and Fn::Cidr", () => {
  /** Property V of resource R, read from a template that also holds VPC `Vpc` with `cidr` as its CidrBlock. */
  function withVpc(value: unknown, cidr: unknown = { Ref: 'VpcCidr' }, parameters?: Record<string, string>): unknown {
    const stack = readOne({
      Parameters: { VpcCidr: { Type: 'String', Default: '10.0.0.0/16' }, Unset: { Type: 'String' } },
      Resources: {
        Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: cidr } },
        Pool: { Type: 'AWS::EC2::VPC', Properties: { Ipv4IpamPoolId: 'ipam-pool-1', Ipv4NetmaskLength: 16 } },
        R: { Type: 'AWS::SNS::Topic', Properties: { V: value } },
      },
    }, { parameters });
    return stack.template.Resources.R.Properties.V;
  }

  test('GIVEN a VPC whose CidrBlock is a parameter WHEN GetAtt Vpc.CidrBlock THEN the parameter value (what Peer.ipv4(vpc.vpcCidrBlock) writes)', () => {
    expect(withVpc({ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] })).toBe('10.0.0.0/16');
    expect(withVpc({ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }, undefined, { VpcCidr: '172.16.0.0/12' })).toBe('172.16.0.0/12');
  });

  test('GIVEN a block the template cannot know WHEN GetAtt CidrBlock THEN it stays as written', () => {
    // an IPAM pool, a parameter without a value, a value that is not a CIDR, and a resource that is not a VPC
    expect(withVpc({ 'Fn::GetAtt': ['Pool', 'CidrBlock'] })).toEqual({ 'Fn::GetAtt': ['Pool', 'CidrBlock'] });
    expect(withVpc({ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }, { Ref: 'Unset' })).toEqual({ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] });
    expect(withVpc({ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }, 'ten-dot')).toEqual({ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] });
    expect(withVpc({ 'Fn::GetAtt': ['R', 'CidrBlock'] })).toEqual({ 'Fn::GetAtt': ['R', 'CidrBlock'] });
    // a VPC whose block names itself does not loop
    expect(withVpc({ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }, { 'Fn::GetAtt': ['Vpc', 'CidrBlock'] })).toEqual({ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] });
  });

  test('GIVEN Fn::Cidr over the VPC block WHEN selected THEN the subnet CloudFormation computes', () => {
    // 10.0.0.0/16 split into /24s (cidrBits 8): the third is 10.0.2.0/24
    expect(withVpc({ 'Fn::Select': [2, { 'Fn::Cidr': [{ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }, 6, 8] }] })).toBe('10.0.2.0/24');
    // the documented example: 6 /27s of 192.168.0.0/24, counts and bits as strings
    expect(withVpc({ 'Fn::Cidr': ['192.168.0.0/24', '6', '5'] })).toEqual([
      '192.168.0.0/27', '192.168.0.32/27', '192.168.0.64/27', '192.168.0.96/27', '192.168.0.128/27', '192.168.0.160/27',
    ]);
    // IPv6: /64s of a /56 (cidrBits 64)
    expect(withVpc({ 'Fn::Cidr': ['2001:db8:0:100::/56', 2, 64] })).toEqual(['2001:db8:0:100::/64', '2001:db8:0:101::/64']);
  });

  test.each<[string, unknown[]]>([
    ['more blocks than fit', ['10.0.0.0/24', 3, 7]],
    ['blocks wider than the block', ['10.0.0.0/24', 1, 9]],
    ['a count of 0', ['10.0.0.0/16', 0, 8]],
    ['a count above 256', ['10.0.0.0/8', 257, 8]],
    ['negative bits', ['10.0.0.0/16', 1, -1]],
    ['an unknown block', [{ Ref: 'Unset' }, 2, 8]],
    ['a block that is not a CIDR', ['10.0.0.300/16', 2, 8]],
  ])('GIVEN Fn::Cidr with %s WHEN read THEN it stays an intrinsic (cannot verify downstream, never a guess)', (_, args) => {
    const value = withVpc({ 'Fn::Cidr': args });
    expect(value).toEqual(expect.objectContaining({ 'Fn::Cidr': expect.any(Array) }));
  });

  test('property: the blocks of Fn::Cidr are consecutive, of the asked size, and inside the block', () => {
    const prefixes = fc.integer({ min: 8, max: 28 });
    const octets = fc.integer({ min: 0, max: 255 });
    fc.assert(fc.property(prefixes, octets, fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 20 }),
      (prefix, octet, bits, count) => {
        const block = `10.${octet}.0.0/${Math.max(prefix, 16)}`;
        const base = Math.max(prefix, 16);
        const value = withVpc({ 'Fn::Cidr': [block, count, bits] });
        const fits = 32 - bits >= base && count * 2 ** bits <= 2 ** (32 - base);
        if (!fits) {
          expect(Array.isArray(value)).toBe(false);
          return;
        }
        const blocks = value as string[];
        expect(blocks).toHaveLength(count);
        blocks.forEach((b, i) => {
          const [address, length] = b.split('/');
          expect(Number(length)).toBe(32 - bits);
          const n = address.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
          expect(n).toBe((10 * 2 ** 24) + octet * 2 ** 16 + i * 2 ** bits);
        });
      }), { numRuns: 200 });
  });
});

describe('a list exported as one joined string and split on import', () => {
  const network = `Resources:
  A: { Type: AWS::EC2::Subnet, Properties: { VpcId: vpc-1, CidrBlock: 10.0.0.0/24 } }
  B: { Type: AWS::EC2::Subnet, Properties: { VpcId: vpc-1, CidrBlock: 10.0.1.0/24 } }
  Topic: { Type: AWS::SNS::Topic }
Outputs:
  Subnets: { Value: !Join [',', [!Ref A, !Ref B]], Export: { Name: net-subnets } }
  Mixed: { Value: !Join [',', [!Ref A, 'x,y']], Export: { Name: net-mixed } }
  Arns: { Value: !Join [':', [!Ref Topic, !Ref A]], Export: { Name: net-colon } }
`;
  const app = `Resources:
  R:
    Type: AWS::SNS::Topic
    Properties:
      First: !Select [0, !Split [',', !ImportValue net-subnets]]
      All: !Split [',', !ImportValue net-subnets]
      Mixed: !Select [0, !Split [',', !ImportValue net-mixed]]
      Colon: !Select [1, !Split [':', !ImportValue net-colon]]
      Local: !Select [1, !Split [',', !Join [',', [!Ref R, !GetAtt R.TopicName]]]]
`;

  test('GIVEN a stack that exports Join [",", [Ref A, Ref B]] WHEN another splits its import THEN each item is the exporting stack\'s Ref', () => {
    // GIVEN two stacks WHEN read as one app
    const paths = writeFiles({ 'network.yaml': network, 'app.yaml': app });
    const stack = stackById(readApp([paths['network.yaml'], paths['app.yaml']]), paths['app.yaml']);
    const v = stack.template.Resources.R.Properties;
    // THEN the picks are the exporting stack's resources, as cross-stack values
    const ref = (id: string) => ({ [STACK_REF]: { stackId: paths['network.yaml'], value: { Ref: id } } });
    expect(v.First).toEqual(ref('A'));
    expect(v.All).toEqual([ref('A'), ref('B')]);
    // AND a literal item that holds the delimiter, or a delimiter other than a comma (an ARN holds colons), stays unread
    expect(v.Mixed).toEqual(expect.objectContaining({ 'Fn::Select': expect.any(Array) }));
    expect(v.Colon).toEqual(expect.objectContaining({ 'Fn::Select': expect.any(Array) }));
    // AND within one stack, a Join of a Ref and a GetAtt splits back into them
    expect(v.Local).toEqual({ 'Fn::GetAtt': ['R', 'TopicName'] });
  });
});

test('GIVEN a template that writes the cross-stack key itself under Fn::Split WHEN read THEN it stays as written, no crash', () => {
  expect(resolved({ 'Fn::Split': [',', { [STACK_REF]: null }] })).toEqual({ 'Fn::Split': [',', { [STACK_REF]: null }] });
});

describe('a stack resolved as soon as it is read', () => {
  // A top-level stack without nested stacks is resolved right after it is read; one whose values need another stack
  // (an import, another stack's key) is left to the app's resolution once every stack is read.
  const exporter = `Resources:
  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.0.0.0/16 } }
Outputs:
  Cidr: { Value: 10.0.0.0/16, Export: { Name: net-cidr } }
  VpcId: { Value: !Ref Vpc, Export: { Name: net-vpc } }
`;
  const importer = `Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app
      VpcId: !ImportValue net-vpc
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: !ImportValue net-cidr }]
`;

  test('GIVEN the importing stack read before the exporting one WHEN read as one app THEN its imports are resolved all the same', () => {
    // GIVEN the importer first on the command line
    const paths = writeFiles({ 'app.yaml': importer, 'network.yaml': exporter });
    // WHEN
    const stack = stackById(readApp([paths['app.yaml'], paths['network.yaml']]), paths['app.yaml']);
    // THEN the literal is handed over as it is, the reference as the exporting stack's value
    const p = stack.template.Resources.Group.Properties;
    expect(p.SecurityGroupIngress[0].CidrIp).toBe('10.0.0.0/16');
    expect(p.VpcId).toEqual({ [STACK_REF]: { stackId: paths['network.yaml'], value: { Ref: 'Vpc' } } });
  });

  test('GIVEN the same stacks in the other order THEN the same resolution', () => {
    const paths = writeFiles({ 'app.yaml': importer, 'network.yaml': exporter });
    const first = stackById(readApp([paths['app.yaml'], paths['network.yaml']]), paths['app.yaml']);
    const second = stackById(readApp([paths['network.yaml'], paths['app.yaml']]), paths['app.yaml']);
    expect(second.template).toEqual(first.template);
    expect(second.namesAllDeclared).toBe(first.namesAllDeclared);
    expect(second.resourceIds).toEqual(first.resourceIds);
  });

  test('GIVEN a template that writes the cross-stack key naming another stack WHEN read with that stack THEN it is read as the app reads it', () => {
    // GIVEN a hand-written cross-stack value under Fn::Split (the only place the reader reads the key), naming the other file
    const paths = writeFiles({ 'network.yaml': exporter, 'app.json': {} });
    const written = { 'Fn::Split': [',', { [STACK_REF]: { stackId: paths['network.yaml'], value: { 'Fn::Join': [',', [{ Ref: 'Vpc' }]] } } }] };
    const app = writeFiles({ 'app.json': { Resources: { R: { Type: 'AWS::SNS::Topic', Properties: { V: written } } } } })['app.json'];
    // WHEN read before and after the stack it names
    const before = stackById(readApp([app, paths['network.yaml']]), app).template.Resources.R.Properties.V;
    const after = stackById(readApp([paths['network.yaml'], app]), app).template.Resources.R.Properties.V;
    // THEN the same, and the named stack's value is taken as that stack's
    expect(before).toEqual(after);
    expect(before).toEqual([{ [STACK_REF]: { stackId: paths['network.yaml'], value: { Ref: 'Vpc' } } }]);
  });
});
