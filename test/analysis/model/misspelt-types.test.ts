// The misspelt-type check (InvalidValue "Type X is not a resource type; did you mean Y?") against every resource type
// CloudFormation has, as aws-cdk-lib's generated L1 classes list them: a real type near a modelled one (a Classic Load
// Balancer, WAF Classic, an HTTP API's stage) must never be called a typo.
import * as fs from 'fs';
import * as path from 'path';
import { buildNetworkModel, MODELLED_TYPES } from '../../../src/analysis/model/network-model';

/** Every `CFN_RESOURCE_TYPE_NAME` of aws-cdk-lib's generated L1 classes (about 1,900 types). */
function cloudFormationTypes(): string[] {
  const root = path.dirname(require.resolve('aws-cdk-lib/package.json'));
  const types = new Set<string>();
  for (const module of fs.readdirSync(root)) {
    const lib = path.join(root, module, 'lib');
    if (!fs.existsSync(lib)) continue;
    for (const file of fs.readdirSync(lib).filter((f) => f.endsWith('.generated.js'))) {
      for (const match of fs.readFileSync(path.join(lib, file), 'utf8').matchAll(/CFN_RESOURCE_TYPE_NAME="([A-Za-z0-9:]+)"/g)) {
        types.add(match[1]);
      }
    }
  }
  return [...types].sort();
}

/** The "not a resource type" problems the model reports for one resource of `type`. */
function typoProblems(type: string): string[] {
  const model = buildNetworkModel([{ id: 'Stack', stackName: 'Stack', template: { Resources: { Thing: { Type: type, Properties: {} } } } }]);
  return model.invalid.map((i) => i.problem).filter((p) => p.includes('is not a resource type'));
}

describe('misspelt resource types', () => {
  test('GIVEN every CloudFormation type aws-cdk-lib knows WHEN each is modelled alone THEN none is called a misspelling of a modelled type', () => {
    // GIVEN
    const types = cloudFormationTypes();
    expect(types.length).toBeGreaterThan(1000);
    expect(types).toEqual(expect.arrayContaining(['AWS::ElasticLoadBalancing::LoadBalancer', 'AWS::ApiGatewayV2::Stage', 'AWS::WAF::WebACL']));
    // WHEN
    const called = types.filter((t) => !MODELLED_TYPES.has(t)).flatMap(typoProblems);
    // THEN (a new near type in aws-cdk-lib belongs in REAL_NEIGHBOUR_TYPES in network-model.ts)
    expect(called).toEqual([]);
  });

  test.each([
    ['AWS::EC2::SecurityGroupIngres', 'AWS::EC2::SecurityGroupIngress'],
    ['AWS::EC2::NetworkAclEntri', 'AWS::EC2::NetworkAclEntry'],
    ['AWS::WAFV2::WebACL', 'AWS::WAFv2::WebACL'],
    ['AWS::EC2::Securitygroup', 'AWS::EC2::SecurityGroup'],
  ])('GIVEN the typo %s WHEN modelled THEN it is reported as one, naming %s', (typo, meant) => {
    expect(typoProblems(typo)).toEqual([`Type ${typo} is not a resource type; did you mean ${meant}?`]);
  });
});
