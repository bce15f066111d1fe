// How messages name what a target key points at (NetworkModel.describeKey): never by a stack id that is a template
// file's absolute path.
import { buildNetworkModel } from '../../../src/analysis/model/network-model';

describe('NetworkModel.describeKey', () => {
  // GIVEN two stacks whose ids are file paths, one nested in the other's id space, and a modelled VPC in each
  const model = buildNetworkModel([
    { id: '/tmp/app/net.yaml', stackName: 'net', template: { Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } } } } },
    { id: '/tmp/app/net.yaml/Child', stackName: 'net/Child', template: { Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.1.0.0/16' } } } } },
  ]);

  test.each([
    ['a modelled resource', 'id:/tmp/app/net.yaml/Vpc', 'net/Vpc'],
    ['a modelled resource of the nested stack', 'id:/tmp/app/net.yaml/Child/Vpc', 'net/Child/Vpc'],
    ['a logical id the model does not hold (a transit gateway)', 'id:/tmp/app/net.yaml/Tgw', 'net/Tgw'],
    ['the same in the nested stack (the longest stack id wins)', 'id:/tmp/app/net.yaml/Child/Tgw', 'net/Child/Tgw'],
    ['a literal', 'literal:tgw-0123456789abcdef0', 'tgw-0123456789abcdef0'],
    ['a stack the app does not hold', 'id:Other/Tgw', 'Other/Tgw'],
  ])('GIVEN %s WHEN described THEN %s', (_, key, text) => {
    expect(model.describeKey(key)).toBe(text);
  });
});
