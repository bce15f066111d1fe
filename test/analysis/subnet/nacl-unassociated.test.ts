// LayeredDefense-NaclUnassociated, CDK-free: a custom NACL with no subnet, and a VPC's default NACL whose template
// entries serve no subnet because every subnet has a NACL of its own.
import { judge, naclEntry, networkStack, ofRule, sites } from '../support';

const ID = 'LayeredDefense-NaclUnassociated';
const onDefault = naclEntry({ 'Fn::GetAtt': ['Vpc', 'DefaultNetworkAcl'] }, { RuleNumber: 10, RuleAction: 'deny', CidrBlock: '203.0.113.0/24', Protocol: -1 });

describe(ID, () => {
  test('GIVEN a custom NACL with no association WHEN judged THEN it is reported', () => {
    const template = networkStack() as { Resources: Record<string, unknown> };
    delete template.Resources.Assoc;
    const findings = ofRule(judge({ Stack: template }), ID);
    expect(sites(findings)).toEqual([[ID, 'Stack/Nacl']]);
    expect(findings[0].message).toBe('the NACL Nacl is associated with no subnet in the app, so it filters nothing');
  });

  test('GIVEN entries on the default NACL and every subnet on a NACL of its own WHEN judged THEN the default NACL\'s entries filter nothing', () => {
    const findings = ofRule(judge({ Stack: networkStack({ OnDefault: onDefault }) }), ID);
    expect(sites(findings)).toEqual([[ID, 'Stack/Vpc']]);
    expect(findings[0].message).toBe("every subnet of the VPC Vpc in the app is associated with a NACL of its own, so the entries added to the VPC's default NACL filter nothing");
  });

  test('GIVEN entries on the default NACL and a subnet without a NACL of its own WHEN judged THEN the default NACL serves it', () => {
    const findings = ofRule(judge({
      Stack: networkStack({ OnDefault: onDefault, Subnet2: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.1.0/24' } } }),
    }), ID);
    expect(findings).toEqual([]);
  });

  test('GIVEN another VPC first, with a subnet on no NACL of its own WHEN this VPC\'s default NACL is judged THEN that subnet is not this VPC\'s: reported', () => {
    // GIVEN VPC Other (declared first) whose subnet keeps its default NACL, and Vpc whose every subnet has a NACL of its own
    const template = networkStack({ OnDefault: onDefault }) as { Resources: Record<string, unknown> };
    template.Resources = {
      Other: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.9.0.0/16' } },
      OtherSubnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Other' }, CidrBlock: '10.9.0.0/24' } },
      ...template.Resources,
    };
    expect(sites(ofRule(judge({ Stack: template }), ID))).toEqual([[ID, 'Stack/Vpc']]);
  });

  test('GIVEN entries on the default NACL of a VPC with no subnet in the app WHEN judged THEN nothing is reported', () => {
    const template = networkStack({ OnDefault: onDefault }) as { Resources: Record<string, unknown> };
    delete template.Resources.Subnet;
    delete template.Resources.Assoc;
    expect(ofRule(judge({ Stack: template }), ID).filter((f) => f.resource.logicalId === 'Vpc')).toEqual([]);
  });

  test('GIVEN entries on the default NACL and a subnet associated with it explicitly WHEN judged THEN it serves that subnet', () => {
    const template = networkStack({ OnDefault: onDefault }) as { Resources: Record<string, any> };
    template.Resources.Assoc.Properties.NetworkAclId = { 'Fn::GetAtt': ['Vpc', 'DefaultNetworkAcl'] };
    expect(ofRule(judge({ Stack: template }), ID).filter((f) => f.resource.logicalId === 'Vpc')).toEqual([]);
  });
});
