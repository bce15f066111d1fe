import * as fc from 'fast-check';
import { diffTemplates, DiffStackInput, formatDiffText } from '../../../src/analysis/diff';
import { parseCidr } from '../../../src/private/ip';

// CDK-free fixtures: plain templates as `cdk synth` or a hand-written template would have them.
const ALL_EGRESS = [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }];
const ADMIN = '198.51.100.7/32';

function app(resources: Record<string, unknown>, stackName = 'Network'): DiffStackInput[] {
  return [{ stackId: stackName, stackName, template: { Resources: resources } }];
}

function group(ingress: unknown[], egress: unknown[] | undefined = ALL_EGRESS) {
  return { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'g', VpcId: { Ref: 'Vpc' }, SecurityGroupIngress: ingress, ...(egress ? { SecurityGroupEgress: egress } : {}) } };
}

const SSH_FROM_ADMIN = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: ADMIN, Description: 'admin' };
const BASTION_INSTANCE = {
  Type: 'AWS::EC2::Instance',
  Properties: { ImageId: 'ami-1', SubnetId: { Ref: 'PublicSubnet' }, SecurityGroupIds: [{ 'Fn::GetAtt': ['BastionSg', 'GroupId'] }] },
};

function bastionTemplate(timeout?: number) {
  return {
    BastionTemplate: {
      Type: 'AWS::EC2::LaunchTemplate',
      Properties: {
        LaunchTemplateData: {
          NetworkInterfaces: [{
            DeviceIndex: 0,
            Groups: [{ 'Fn::GetAtt': ['BastionSg', 'GroupId'] }],
            ...(timeout ? { ConnectionTrackingSpecification: { TcpEstablishedTimeout: timeout } } : {}),
          }],
        },
      },
    },
    BastionAsg: {
      Type: 'AWS::AutoScaling::AutoScalingGroup',
      Properties: {
        MinSize: '1',
        MaxSize: '1',
        LaunchTemplate: { LaunchTemplateId: { Ref: 'BastionTemplate' }, Version: { 'Fn::GetAtt': ['BastionTemplate', 'LatestVersionNumber'] } },
        VPCZoneIdentifier: [{ Ref: 'PublicSubnet1' }, { Ref: 'PublicSubnet2' }],
      },
    },
  };
}

function ingressChanges(before: DiffStackInput[], after: DiffStackInput[]) {
  return diffTemplates(before, after).changes.filter((c) => c.direction === 'ingress');
}

describe('diffTemplates: the guidance example (SSH from one admin address on a bastion)', () => {
  test('removing the rule leaves the session up for 432,000 s and names the NACL entry that cuts it', () => {
    // GIVEN a bastion instance whose group admits SSH from the admin address
    const before = app({ BastionSg: group([SSH_FROM_ADMIN]), Bastion: BASTION_INSTANCE });
    // WHEN the rule is removed
    const after = app({ BastionSg: group([]), Bastion: BASTION_INSTANCE });
    const result = diffTemplates(before, after);
    // THEN
    expect(result.changes).toHaveLength(1);
    const [change] = result.changes;
    expect(change).toMatchObject({
      stackName: 'Network',
      logicalId: 'BastionSg',
      direction: 'ingress',
      removed: [{ peer: ADMIN, peerKind: 'cidr', protocol: 'tcp', ports: '22', lingerSeconds: 432_000 }],
      lingerSeconds: 432_000,
      tracked: true,
      cutOff: {
        naclDenyCidrs: [ADMIN],
        keepLongerThanSeconds: 432_000,
        subnets: ['PublicSubnet'],
        code: "blocklist.addBlockedCidrs(['198.51.100.7/32'])",
      },
    });
    expect(change.timeoutSource).toMatch(/EC2's default TcpEstablishedTimeout \(no ConnectionTrackingSpecification on AWS::EC2::Instance Bastion/);
    expect(change.message).toMatch(/stay up until idle for 432000 s \(5 days\)/);
    expect(change.message).toMatch(/keep the deny longer than 432000 s/);
  });

  test('with the timeouts bounded at 30 minutes on the launch template, the session lingers 1,800 s', () => {
    // GIVEN the bastion runs from a launch template with TcpEstablishedTimeout 1800 (ConnectionTrackingTimeouts)
    const before = app({ BastionSg: group([SSH_FROM_ADMIN]), ...bastionTemplate(1800) });
    const after = app({ BastionSg: group([]), ...bastionTemplate(1800) });
    // WHEN
    const [change] = diffTemplates(before, after).changes;
    // THEN
    expect(change.lingerSeconds).toBe(1800);
    expect(change.timeoutSource).toBe('TcpEstablishedTimeout on AWS::EC2::LaunchTemplate BastionTemplate');
    expect(change.cutOff).toMatchObject({ keepLongerThanSeconds: 1800, subnets: ['PublicSubnet1', 'PublicSubnet2'] });
    expect(formatDiffText({ changes: [change] })).toMatch(/linger up to 1800 s \(30 minutes\)/);
  });
});

describe('diffTemplates: tracked or untracked', () => {
  const HTTPS_ANYWHERE = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' };

  test('HTTPS from 0.0.0.0/0 on a group with all egress: removing it cuts at once', () => {
    // GIVEN / WHEN
    const changes = ingressChanges(app({ WebSg: group([HTTPS_ANYWHERE]) }), app({ WebSg: group([]) }));
    // THEN
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      removed: [{ peer: '0.0.0.0/0', protocol: 'tcp', ports: '443', lingerSeconds: 0 }],
      lingerSeconds: 0,
      tracked: false,
    });
    expect(changes[0].cutOff).toBeUndefined();
    expect(changes[0].message).toMatch(/Cut at once: these flows are untracked .*unless they come through a path AWS tracks automatically/);
  });

  test('the same rule on a group whose egress is restricted is tracked: the flows linger', () => {
    const restricted = [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIp: '10.0.0.0/16' }];
    const changes = ingressChanges(app({ WebSg: group([HTTPS_ANYWHERE], restricted) }), app({ WebSg: group([], restricted) }));
    expect(changes).toMatchObject([{ tracked: true, lingerSeconds: 432_000 }]);
    // A NACL deny of 0.0.0.0/0 would cut the whole subnet: the advice says so instead of offering it.
    expect(changes[0].cutOff).toMatchObject({ naclDenyCidrs: [] });
    expect(changes[0].cutOff?.advice).toMatch(/would cut all traffic of those subnets/);
  });

  test('a narrower source than 0.0.0.0/0 is tracked even with all egress', () => {
    const rule = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '203.0.113.0/24' };
    expect(ingressChanges(app({ WebSg: group([rule]) }), app({ WebSg: group([]) }))).toMatchObject([{ tracked: true }]);
  });

  test('a group without SecurityGroupEgress has EC2 default egress (all to 0.0.0.0/0), so /0 HTTPS is untracked', () => {
    expect(ingressChanges(app({ WebSg: group([HTTPS_ANYWHERE], undefined) }), app({ WebSg: group([], undefined) })))
      .toMatchObject([{ tracked: false, lingerSeconds: 0 }]);
  });

  test('ICMP is always tracked, and EC2 documents no timeout for it (null, not a guess)', () => {
    const ping = { IpProtocol: 'icmp', FromPort: 8, ToPort: -1, CidrIp: '0.0.0.0/0' };
    const changes = ingressChanges(app({ WebSg: group([ping]) }), app({ WebSg: group([]) }));
    expect(changes).toMatchObject([{ tracked: true, lingerSeconds: null, removed: [{ protocol: 'icmp', ports: 'type 8' }] }]);
    expect(changes[0].timeoutSource).toBe('EC2 documents no idle timeout for ICMP');
  });

  test('all traffic from 0.0.0.0/0 removed: TCP and UDP cut at once, ICMP and other protocols tracked', () => {
    const all = { IpProtocol: '-1', CidrIp: '0.0.0.0/0' };
    const changes = ingressChanges(app({ OpenSg: group([all]) }), app({ OpenSg: group([]) }));
    const untracked = changes.find((c) => !c.tracked)!;
    const tracked = changes.find((c) => c.tracked)!;
    expect(untracked.removed.map((r) => r.protocol)).toEqual(['tcp', 'udp']);
    expect(tracked.removed.map((r) => `${r.protocol}:${r.lingerSeconds}`)).toEqual(['icmp:null', 'icmpv6:null', 'other:600']);
    expect(tracked.lingerSeconds).toBe(600);
  });

  test('an egress removal is untracked only when ingress allows all traffic from 0.0.0.0/0', () => {
    const toApi = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' };
    const closedIn = diffTemplates(app({ Sg: group([], [toApi]) }), app({ Sg: group([], [{ IpProtocol: 'icmp', FromPort: 252, ToPort: 86, CidrIp: '255.255.255.255/32' }]) })).changes;
    expect(closedIn).toMatchObject([{ direction: 'egress', tracked: true, removed: [{ peer: '0.0.0.0/0', ports: '443' }] }]);
    const openIn = diffTemplates(app({ Sg: group([{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }], [toApi]) }),
      app({ Sg: group([{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }], [{ IpProtocol: 'icmp', FromPort: 252, ToPort: 86, CidrIp: '255.255.255.255/32' }]) })).changes;
    expect(openIn).toMatchObject([{ direction: 'egress', tracked: false }]);
  });
});

describe('diffTemplates: exact narrowing', () => {
  test('198.51.100.0/24 narrowed to /25 names 198.51.100.128/25', () => {
    const rule = (cidr: string) => ({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: cidr });
    const changes = ingressChanges(app({ Sg: group([rule('198.51.100.0/24')]) }), app({ Sg: group([rule('198.51.100.0/25')]) }));
    expect(changes).toHaveLength(1);
    expect(changes[0].removed).toEqual([{ peer: '198.51.100.128/25', peerKind: 'cidr', protocol: 'tcp', ports: '443', lingerSeconds: 432_000 }]);
    expect(changes[0].cutOff?.code).toBe("blocklist.addBlockedCidrs(['198.51.100.128/25'])");
  });

  test('a range split across two rules is not a removal; a hole in the middle is named exactly', () => {
    const rule = (cidr: string) => ({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: cidr });
    expect(ingressChanges(app({ Sg: group([rule('10.0.0.0/8')]) }), app({ Sg: group([rule('10.0.0.0/9'), rule('10.128.0.0/9')]) }))).toEqual([]);
    const holed = ingressChanges(app({ Sg: group([rule('10.0.0.0/8')]) }),
      app({ Sg: group([rule('10.0.0.0/9'), rule('10.128.0.0/10'), rule('10.224.0.0/11')]) }));
    expect(holed[0].removed.map((r) => r.peer)).toEqual(['10.192.0.0/11']);
  });

  test('port ranges: narrowing 1000-2000 to two pieces names the gap; all traffic to tcp 22 names the rest', () => {
    const ports = (from: number, to: number) => ({ IpProtocol: 'tcp', FromPort: from, ToPort: to, CidrIp: '10.1.0.0/16' });
    const gap = ingressChanges(app({ Sg: group([ports(1000, 2000)]) }), app({ Sg: group([ports(1000, 1499), ports(1600, 2000)]) }));
    expect(gap[0].removed).toMatchObject([{ peer: '10.1.0.0/16', protocol: 'tcp', ports: '1500-1599' }]);

    const all = { IpProtocol: '-1', CidrIp: '10.1.0.0/16' };
    const rest = ingressChanges(app({ Sg: group([all]) }), app({ Sg: group([ports(22, 22)]) }));
    expect(rest[0].removed.map((r) => `${r.protocol} ${r.ports}`)).toEqual(['tcp 0-21, 23-65535', 'udp all', 'icmp all', 'icmpv6 all', 'other all']);
  });

  test('protocol names and numbers are the same rule (tcp and 6)', () => {
    const named = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: ADMIN };
    const numbered = { IpProtocol: '6', FromPort: '22', ToPort: '22', CidrIp: ADMIN };
    expect(diffTemplates(app({ Sg: group([named]) }), app({ Sg: group([numbered]) })).changes).toEqual([]);
  });

  test('group references: the group that lost access is named, and the advice says a NACL cannot name it', () => {
    const fromApp = { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: { 'Fn::GetAtt': ['AppSg', 'GroupId'] } };
    const fromWorker = { ...fromApp, SourceSecurityGroupId: { 'Fn::GetAtt': ['WorkerSg', 'GroupId'] } };
    const changes = ingressChanges(app({ DbSg: group([fromApp, fromWorker]) }), app({ DbSg: group([fromWorker]) }));
    expect(changes).toMatchObject([{ logicalId: 'DbSg', tracked: true, removed: [{ peer: 'AppSg', peerKind: 'securityGroup', ports: '5432' }] }]);
    expect(changes[0].cutOff).toMatchObject({ naclDenyCidrs: [] });
    expect(changes[0].cutOff?.advice).toMatch(/A NACL cannot name AppSg/);
  });

  test('IPv6: 2001:db8::/32 narrowed to /33 names 2001:db8:8000::/33; ::/0 with all IPv6 egress is untracked', () => {
    const v6 = (cidr: string) => ({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv6: cidr });
    const narrowed = ingressChanges(app({ Sg: group([v6('2001:db8::/32')]) }), app({ Sg: group([v6('2001:db8::/33')]) }));
    expect(narrowed[0].removed).toMatchObject([{ peer: '2001:db8:8000::/33', lingerSeconds: 432_000 }]);
    expect(narrowed[0].tracked).toBe(true);

    const v6Egress = [{ IpProtocol: '-1', CidrIpv6: '::/0' }];
    const open = ingressChanges(app({ Sg: group([v6('::/0')], v6Egress) }), app({ Sg: group([], v6Egress) }));
    expect(open).toMatchObject([{ tracked: false, removed: [{ peer: '::/0' }] }]);
    // IPv4 all-egress does not make an IPv6 flow untracked.
    const v4Only = ingressChanges(app({ Sg: group([v6('::/0')]) }), app({ Sg: group([]) }));
    expect(v4Only).toMatchObject([{ tracked: true }]);
  });

  test('a rule moved from inline to a standalone AWS::EC2::SecurityGroupIngress is not a removal; deleting it is', () => {
    const standalone = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { Ref: 'Sg' }, ...SSH_FROM_ADMIN } };
    const before = app({ Sg: group([SSH_FROM_ADMIN]) });
    expect(diffTemplates(before, app({ Sg: group([]), SshRule: standalone })).changes).toEqual([]);
    const removed = ingressChanges(app({ Sg: group([]), SshRule: standalone }), app({ Sg: group([]) }));
    expect(removed).toMatchObject([{ logicalId: 'Sg', resources: ['SshRule'], removed: [{ peer: ADMIN, ports: '22' }] }]);
  });

  test('the default egress disappears when egress rules are added: the rest of egress is reported', () => {
    const https = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' };
    const changes = diffTemplates(app({ Sg: group([], undefined) }), app({ Sg: group([], [https]) })).changes;
    const tcp = changes.flatMap((c) => c.removed).find((r) => r.protocol === 'tcp');
    expect(tcp).toMatchObject({ peer: '0.0.0.0/0', ports: '0-442, 444-65535' });
    expect(changes.every((c) => c.direction === 'egress')).toBe(true);
  });
});

describe('diffTemplates: values unknown at synth, stacks and NACLs', () => {
  test('a removed rule whose source is a parameter is reported as unknown, not guessed', () => {
    const fromParameter = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: { Ref: 'AdminCidr' } };
    const changes = ingressChanges(app({ Sg: group([fromParameter]) }), app({ Sg: group([]) }));
    expect(changes).toMatchObject([{ tracked: true, removed: [{ peerKind: 'unknown', protocol: 'unknown', unknown: 'peer CidrIp {"Ref":"AdminCidr"}' }] }]);
  });

  test('a new rule with an unknown source is named as unverifiable, and the removal is still reported', () => {
    const fromParameter = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: { Ref: 'AdminCidr' } };
    const changes = ingressChanges(app({ Sg: group([SSH_FROM_ADMIN]) }), app({ Sg: group([fromParameter]) }));
    expect(changes[0].removed).toMatchObject([{ peer: ADMIN }]);
    expect(changes[0].unknown).toEqual([expect.stringMatching(/AdminCidr.*unknown at synth/)]);
  });

  test('a new tcp rule with ports -1 (every ICMP type, not every TCP port: EC2 rejects it) keeps no access', () => {
    // GIVEN every TCP port from anywhere, replaced by the same written with -1
    const everyPort = { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, CidrIp: '0.0.0.0/0' };
    const minusOne = { IpProtocol: 'tcp', FromPort: -1, ToPort: -1, CidrIp: '0.0.0.0/0' };
    const changes = ingressChanges(app({ Sg: group([everyPort]) }), app({ Sg: group([minusOne]) }));
    // THEN the removal is reported (it once read -1 as every port and said nothing), and the new rule cannot be read
    expect(changes[0].removed).toMatchObject([{ peer: '0.0.0.0/0', protocol: 'tcp' }]);
    expect(changes[0].unknown).toEqual([expect.stringMatching(/unknown at synth or one EC2 rejects \(FromPort\/ToPort -1\/-1\)/)]);
  });

  test('stacks are paired by name when their ids differ (a deployed template against cdk.out)', () => {
    const before = [{ stackId: 'deployed/Network.json', stackName: 'Network', template: { Resources: { Sg: group([SSH_FROM_ADMIN]) } } }];
    const after = [{ stackId: 'Network', stackName: 'Network', template: { Resources: { Sg: group([SSH_FROM_ADMIN]) } } }];
    expect(diffTemplates(before, after).changes).toEqual([]);
  });

  test('a cross-stack group reference resolves to the same group in both apps', () => {
    const crossRef = { 'LayeredDefense::StackRef': { stackId: 'App', value: { 'Fn::GetAtt': ['AppSg', 'GroupId'] } } };
    const rule = { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: crossRef };
    const stacks = (ingress: unknown[]) => [
      { stackId: 'App', stackName: 'App', template: { Resources: { AppSg: group([]) } } },
      { stackId: 'Data', stackName: 'Data', template: { Resources: { DbSg: group(ingress) } } },
    ];
    expect(diffTemplates(stacks([rule]), stacks([rule])).changes).toEqual([]);
    expect(ingressChanges(stacks([rule]), stacks([]))).toMatchObject([{ stackName: 'Data', removed: [{ peer: 'AppSg (stack App)' }] }]);
  });

  test('NACL entry changes are immediate', () => {
    const entry = (cidr: string) => ({
      Type: 'AWS::EC2::NetworkAclEntry',
      Properties: { NetworkAclId: { Ref: 'Acl' }, RuleNumber: 100, RuleAction: 'allow', Protocol: 6, PortRange: { From: 22, To: 22 }, CidrBlock: cidr, Egress: false },
    });
    const removed = diffTemplates(app({ SshIn: entry(ADMIN) }), app({})).changes;
    expect(removed).toMatchObject([{
      resourceType: 'AWS::EC2::NetworkAclEntry',
      direction: 'ingress',
      lingerSeconds: 0,
      tracked: false,
      removed: [{ peer: ADMIN, protocol: 'tcp', ports: '22', lingerSeconds: 0 }],
    }]);
    expect(removed[0].message).toMatch(/100 allow tcp 22 198.51.100.7\/32 removed\. Network ACLs are stateless/);
    const changed = diffTemplates(app({ SshIn: entry(ADMIN) }), app({ SshIn: entry('198.51.100.8/32') })).changes;
    expect(changed[0].message).toMatch(/changed to 100 allow tcp 22 198.51.100.8\/32/);
    expect(diffTemplates(app({ SshIn: entry(ADMIN) }), app({ SshIn: entry(ADMIN) })).changes).toEqual([]);
  });

  test('the text report names each change, what lingers and the cut-off call', () => {
    const before = app({ BastionSg: group([SSH_FROM_ADMIN]), Bastion: BASTION_INSTANCE });
    const text = formatDiffText(diffTemplates(before, app({ BastionSg: group([]), Bastion: BASTION_INSTANCE })));
    expect(text).toContain('Network BastionSg (AWS::EC2::SecurityGroup) ingress: established connections linger up to 432000 s (5 days)');
    expect(text).toContain('  - tcp 22 from 198.51.100.7/32 - lingers 432000 s (5 days)');
    expect(text).toContain("cut off now: blocklist.addBlockedCidrs(['198.51.100.7/32'])");
    expect(text).toMatch(/1 change remove access: 1 leave established connections up \(longest 432000 s \(5 days\)\), 0 cut at once\.\n$/);
    expect(formatDiffText({ changes: [] })).toBe('No security group or network ACL change removes access.\n');
  });
});

describe('diffTemplates: properties', () => {
  const block = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 24, max: 32 }))
    .map(([octet, prefix]) => {
      const parsed = parseCidr(`10.0.${octet}.0/${prefix}`, { normalizeHostBits: true });
      return `10.0.${Number((parsed.first >> 8n) & 255n)}.${Number(parsed.first & 255n)}/${prefix}`;
    });
  const address = (cidrs: string[], value: bigint) => cidrs.some((c) => { const p = parseCidr(c); return value >= p.first && value <= p.last; });

  test('an address is in a removed CIDR exactly when the before rules admit it and the after rules do not', () => {
    fc.assert(fc.property(fc.array(block, { maxLength: 5 }), fc.array(block, { maxLength: 5 }), fc.integer({ min: 0, max: 65535 }),
      (was, is, offset) => {
        const rules = (cidrs: string[]) => cidrs.map((CidrIp) => ({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp }));
        const removed = ingressChanges(app({ Sg: group(rules(was)) }), app({ Sg: group(rules(is)) }))
          .flatMap((c) => c.removed.map((r) => r.peer));
        const value = parseCidr('10.0.0.0/16').first + BigInt(offset);
        expect(address(removed, value)).toBe(address(was, value) && !address(is, value));
      }), { numRuns: 200 });
  });
});
