// LayeredDefense-NaclSubnetConflict, CDK-free: a subnet can be associated with one NACL only, so a second
// association fails the deployment or replaces the first.
import { judge, networkStack, ofRule, sites } from '../support';

const ID = 'LayeredDefense-NaclSubnetConflict';

describe(ID, () => {
  test('GIVEN a subnet of the app associated with two NACLs WHEN judged THEN the second association is reported, naming the subnet by path', () => {
    const findings = ofRule(judge({
      Stack: networkStack({
        Nacl2: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: { Ref: 'Vpc' } } },
        Assoc2: { Type: 'AWS::EC2::SubnetNetworkAclAssociation', Properties: { SubnetId: { Ref: 'Subnet' }, NetworkAclId: { Ref: 'Nacl2' } } },
      }),
    }), ID);
    expect(sites(findings)).toEqual([[ID, 'Stack/Assoc2']]);
    expect(findings[0].message).toBe('subnet Stack/Subnet is associated with 2 NACLs (Stack/Nacl, Stack/Nacl2); this association competes with Stack/Assoc');
  });

  test('GIVEN a subnet outside the app associated with two NACLs WHEN judged THEN the subnet is named by its id', () => {
    const findings = ofRule(judge({
      Stack: networkStack({
        Nacl2: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: { Ref: 'Vpc' } } },
        Imported1: { Type: 'AWS::EC2::SubnetNetworkAclAssociation', Properties: { SubnetId: 'subnet-0abc', NetworkAclId: { Ref: 'Nacl' } } },
        Imported2: { Type: 'AWS::EC2::SubnetNetworkAclAssociation', Properties: { SubnetId: 'subnet-0abc', NetworkAclId: { Ref: 'Nacl2' } } },
      }),
    }), ID);
    expect(sites(findings)).toEqual([[ID, 'Stack/Imported2']]);
    expect(findings[0].message).toMatch(/^subnet subnet-0abc is associated with 2 NACLs \(Stack\/Nacl, Stack\/Nacl2\)/);
  });
});

describe(`${ID}: one NACL twice`, () => {
  test('GIVEN two associations of one subnet with the same NACL WHEN judged THEN no two NACLs compete', () => {
    const findings = ofRule(judge({
      Stack: networkStack({ Again: { Type: 'AWS::EC2::SubnetNetworkAclAssociation', Properties: { SubnetId: { Ref: 'Subnet' }, NetworkAclId: { Ref: 'Nacl' } } } }),
    }), ID);
    expect(findings).toEqual([]);
  });
});
