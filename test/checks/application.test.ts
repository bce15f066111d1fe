import { CfnCondition, CfnParameter, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { check, newStack, ofRule } from './support';
import { PathAllowlistWaf, RulePlacement, WafAction, WafStatement } from '../../src/waf';

const PATH_TRANSFORMS = [
  { priority: 0, type: 'URL_DECODE' },
  { priority: 1, type: 'NORMALIZE_PATH' },
  { priority: 2, type: 'LOWERCASE' },
];

function pathStartsWith(path: string, transforms: wafv2.CfnWebACL.TextTransformationProperty[] = PATH_TRANSFORMS): wafv2.CfnWebACL.StatementProperty {
  return { byteMatchStatement: { searchString: path, positionalConstraint: 'STARTS_WITH', fieldToMatch: { uriPath: {} }, textTransformations: transforms } };
}

function rule(name: string, priority: number, action: 'allow' | 'block', statement: wafv2.CfnWebACL.StatementProperty): wafv2.CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    action: { [action]: {} },
    statement,
    visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: name },
  };
}

interface AclOptions {
  readonly rules?: (stack: Stack) => wafv2.CfnWebACL.RuleProperty[];
  readonly associate?: boolean;
  readonly logging?: 'redacted' | 'plain' | 'none';
}

/** A web ACL in front of an internet-facing ALB, logged with redaction: compliant unless the options say otherwise. */
function aclStack(options: AclOptions = {}): { stack: Stack; acl: wafv2.CfnWebACL } {
  const stack = newStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: true, flowLogs: { All: {} } });
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
  alb.addRedirect();
  const acl = new wafv2.CfnWebACL(stack, 'Acl', {
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: 'acl' },
    rules: options.rules?.(stack) ?? [rule('BlockAdmin', 0, 'block', pathStartsWith('/admin'))],
  });
  if (options.associate ?? true) {
    new wafv2.CfnWebACLAssociation(stack, 'Association', { resourceArn: alb.loadBalancerArn, webAclArn: acl.attrArn });
  }
  const logging = options.logging ?? 'redacted';
  if (logging !== 'none') {
    new wafv2.CfnLoggingConfiguration(stack, 'Logging', {
      resourceArn: acl.attrArn,
      logDestinationConfigs: ['arn:aws:logs:us-east-1:111111111111:log-group:aws-waf-logs-app'],
      redactedFields: logging === 'redacted' ? [{ singleHeader: { Name: 'Authorization' } }, { singleHeader: { Name: 'cookie' } }] : [],
    });
  }
  return { stack, acl };
}

test('the compliant baseline raises nothing', () => {
  expect(check(aclStack().stack)).toEqual([]);
});

describe('LayeredDefense-WafUnassociated', () => {
  const RULE = 'LayeredDefense-WafUnassociated';
  test('Noncompliant: a REGIONAL web ACL with no association', () => {
    const { stack } = aclStack({ associate: false });
    expect(ofRule(check(stack), RULE)).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Acl' })]);
  });
  test('Noncompliant: a CLOUDFRONT web ACL no distribution uses', () => {
    const stack = newStack();
    new wafv2.CfnWebACL(stack, 'Acl', { scope: 'CLOUDFRONT', defaultAction: { allow: {} }, visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: 'acl' } });
    expect(ofRule(check(stack), RULE)[0].text).toMatch(/CLOUDFRONT web ACL .* is used by no CloudFront distribution/);
  });
  test('Compliant: associated with the load balancer', () => {
    expect(ofRule(check(aclStack().stack), RULE)).toEqual([]);
  });
});

describe('LayeredDefense-WafLogging', () => {
  const RULE = 'LayeredDefense-WafLogging';
  test('Noncompliant: no logging configuration', () => {
    expect(ofRule(check(aclStack({ logging: 'none' }).stack), RULE)).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Acl' })]);
  });
  test('Noncompliant: logging that keeps the authorization and cookie headers', () => {
    const found = ofRule(check(aclStack({ logging: 'plain' }).stack), RULE);
    expect(found).toEqual([expect.objectContaining({ path: '/Stack/Logging' })]);
    expect(found[0].text).toMatch(/does not redact the authorization and cookie headers \(HIPAA 164\.312\(b\)\)/);
  });
  test('Compliant: logging with both headers redacted (any case)', () => {
    expect(ofRule(check(aclStack().stack), RULE)).toEqual([]);
  });
});

describe('LayeredDefense-WafPathBypass', () => {
  const RULE = 'LayeredDefense-WafPathBypass';
  test('Noncompliant: a plain STARTS_WITH /admin with no transformation', () => {
    const { stack } = aclStack({ rules: () => [rule('BlockAdmin', 0, 'block', pathStartsWith('/admin', [{ priority: 0, type: 'NONE' }]))] });
    const found = ofRule(check(stack), RULE);
    expect(found).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Acl' })]);
    expect(found[0].text).toMatch(/rule 'BlockAdmin' \(BLOCK\) matches the URI path with STARTS_WITH '\/admin' without URL_DECODE and NORMALIZE_PATH.* and without LOWERCASE/);
  });
  test('Noncompliant: normalization before decoding', () => {
    const { stack } = aclStack({ rules: () => [rule('BlockAdmin', 0, 'block', pathStartsWith('/admin', [{ priority: 0, type: 'NORMALIZE_PATH' }, { priority: 1, type: 'URL_DECODE' }, { priority: 2, type: 'LOWERCASE' }]))] });
    expect(ofRule(check(stack), RULE)[0].text).toMatch(/normalizes before URL-decoding/);
  });
  test('Compliant: URL_DECODE, NORMALIZE_PATH, LOWERCASE', () => {
    expect(ofRule(check(aclStack().stack), RULE)).toEqual([]);
  });
  test('Noncompliant: LOWERCASE before URL_DECODE lets /%41dmin through', () => {
    const transforms = [{ priority: 0, type: 'LOWERCASE' }, { priority: 1, type: 'URL_DECODE' }, { priority: 2, type: 'NORMALIZE_PATH' }];
    const { stack } = aclStack({ rules: () => [rule('BlockAdmin', 0, 'block', pathStartsWith('/admin', transforms))] });
    const found = ofRule(check(stack), RULE);
    expect(found).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Acl' })]);
    expect(found[0].text).toMatch(/lowercases before URL-decoding, so an encoded capital \(\/%41dmin\) decodes to \/Admin/);
  });
  test('Noncompliant: /Admin after LOWERCASE can never match', () => {
    const { stack } = aclStack({ rules: () => [rule('BlockAdmin', 0, 'block', pathStartsWith('/Admin'))] });
    expect(ofRule(check(stack), RULE)[0].text).toMatch(/STARTS_WITH '\/Admin' that holds uppercase letters after LOWERCASE, so the match can never succeed/);
  });
  test('Noncompliant: /Admin without LOWERCASE is case-sensitive (/ADMIN passes)', () => {
    const transforms = [{ priority: 0, type: 'URL_DECODE' }, { priority: 1, type: 'NORMALIZE_PATH' }];
    const { stack } = aclStack({ rules: () => [rule('BlockAdmin', 0, 'block', pathStartsWith('/Admin', transforms))] });
    expect(ofRule(check(stack), RULE)[0].text).toMatch(/without LOWERCASE, so the match is case-sensitive and a re-cased path such as \/ADMIN slips past/);
  });
  test('Regex: uppercase after LOWERCASE never matches; (?i) needs no LOWERCASE; classes and escapes are not letters of the path', () => {
    const regex = (regexString: string, transforms: wafv2.CfnWebACL.TextTransformationProperty[]): wafv2.CfnWebACL.StatementProperty =>
      ({ regexMatchStatement: { regexString, fieldToMatch: { uriPath: {} }, textTransformations: transforms } });
    const decodeNormalize = [{ priority: 0, type: 'URL_DECODE' }, { priority: 1, type: 'NORMALIZE_PATH' }];
    const { stack } = aclStack({
      rules: () => [
        rule('Upper', 0, 'block', regex('^/Admin(?:$|/)', PATH_TRANSFORMS)),
        rule('Flagged', 1, 'block', regex('(?i)^/admin', decodeNormalize)),
        rule('Digits', 2, 'block', regex('^/\\d+[^A-Z]', decodeNormalize)),
      ],
    });
    const found = ofRule(check(stack), RULE).map((m) => m.text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/rule 'Upper' \(BLOCK\) matches the URI path with regex '\^\/Admin\(\?:\$\|\/\)' that holds uppercase letters after LOWERCASE, which can never match/);
  });
  const decodedOnly = [{ priority: 0, type: 'URL_DECODE' }, { priority: 1, type: 'LOWERCASE' }];
  test('Noncompliant: an AND of the normalized and the unnormalized match (//admin fails the unnormalized one)', () => {
    const { stack } = aclStack({ rules: () => [rule('BlockAdmin', 0, 'block', { andStatement: { statements: [pathStartsWith('/admin'), pathStartsWith('/admin', decodedOnly)] } })] });
    const found = ofRule(check(stack), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].text).toMatch(/without NORMALIZE_PATH/);
  });
  test('Noncompliant: the pair under OR, but the unnormalized match inside an AND', () => {
    const { stack } = aclStack({
      rules: () => [rule('BlockAdmin', 0, 'block', {
        orStatement: { statements: [pathStartsWith('/admin'), { andStatement: { statements: [pathStartsWith('/admin', decodedOnly), pathStartsWith('/admin/x')] } }] },
      })],
    });
    expect(ofRule(check(stack), RULE).map((m) => m.text).join('\n')).toMatch(/STARTS_WITH '\/admin' without NORMALIZE_PATH/);
  });
  test('Compliant: the normalized and the unnormalized match as alternatives under one OR', () => {
    const { stack } = aclStack({ rules: () => [rule('BlockAdmin', 0, 'block', { orStatement: { statements: [pathStartsWith('/admin'), pathStartsWith('/admin', decodedOnly)] } })] });
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });
  test('Token: Rules behind Fn::If cannot be verified, and are not passed silently', () => {
    const { stack, acl } = aclStack();
    // A condition on a parameter without a default: nothing decides it before deployment
    const mode = new CfnParameter(stack, 'Mode', { type: 'String' });
    const condition = new CfnCondition(stack, 'Strict', { expression: Fn.conditionEquals(mode.valueAsString, 'strict') });
    acl.addPropertyOverride('Rules', Fn.conditionIf(condition.logicalId, [], []));
    const messages = check(stack);
    expect(ofRule(messages, RULE)).toEqual([]);
    const text = ofRule(messages, 'LayeredDefense-CannotVerify').map((m) => m.text).join('\n');
    expect(text).toMatch(/LayeredDefense-WafPathBypass cannot verify URI path matches \(Rules is \{"Fn::If"/);
    expect(text).toMatch(/LayeredDefense-WafCapacityLimit cannot verify the capacity \(WCU\) \(Rules is \{"Fn::If".*, not known at synth\)/);
  });
  test('Compliant: Rules behind an Fn::If whose condition the template decides are judged on the branch it picks', () => {
    // GIVEN a condition on literals ('a' equals 'b' is false): the else branch, an empty rule list, is what deploys
    const { stack, acl } = aclStack();
    const condition = new CfnCondition(stack, 'Strict', { expression: Fn.conditionEquals('a', 'b') });
    acl.addPropertyOverride('Rules', Fn.conditionIf(condition.logicalId, [{ Bogus: true }], []));
    // WHEN
    const messages = check(stack);
    // THEN nothing to verify, and nothing unknown
    expect(ofRule(messages, RULE)).toEqual([]);
    expect(ofRule(messages, 'LayeredDefense-CannotVerify')).toEqual([]);
  });
  test('Token: a rule statement or search string behind Fn::If cannot be verified', () => {
    const { stack } = aclStack({
      rules: (s) => {
        const mode = new CfnParameter(s, 'Mode', { type: 'String' });
        const condition = new CfnCondition(s, 'Strict', { expression: Fn.conditionEquals(mode.valueAsString, 'strict') });
        return [
          rule('Chosen', 0, 'block', Fn.conditionIf(condition.logicalId, pathStartsWith('/admin'), pathStartsWith('/x')) as any),
          rule('Searched', 1, 'block', pathStartsWith(Fn.conditionIf(condition.logicalId, '/admin', '/x').toString())),
        ];
      },
    });
    const messages = check(stack);
    expect(ofRule(messages, RULE)).toEqual([]);
    const text = ofRule(messages, 'LayeredDefense-CannotVerify').map((m) => m.text).join('\n');
    expect(text).toMatch(/WafPathBypass cannot verify URI path matches of rule 'Chosen' \(rule 'Chosen' Statement is \{"Fn::If"/);
    expect(text).toMatch(/WafPathBypass cannot verify URI path matches of rule 'Searched' \(rule 'Searched' Statement\.ByteMatchStatement\.SearchString is \{"Fn::If"/);
  });
});

function officeIpSet(stack: Stack, addresses: string[] = ['198.51.100.0/24']): wafv2.CfnIPSet {
  return new wafv2.CfnIPSet(stack, 'Office', { scope: 'REGIONAL', ipAddressVersion: 'IPV4', addresses });
}

/** Blocks /admin requests that carry no X-Forwarded-For header: the guard a forwarded-IP allowlist needs. */
function blockAdminWithoutHeader(priority: number): wafv2.CfnWebACL.RuleProperty {
  return rule('AdminWithoutHeader', priority, 'block', {
    andStatement: {
      statements: [
        pathStartsWith('/admin'),
        { notStatement: { statement: { sizeConstraintStatement: { fieldToMatch: { singleHeader: { Name: 'x-forwarded-for' } }, comparisonOperator: 'GE', size: 0, textTransformations: [{ priority: 0, type: 'NONE' }] } } } },
      ],
    },
  });
}

function blockUnlessForwardedFromOffice(ipSet: wafv2.CfnIPSet): wafv2.CfnWebACL.StatementProperty {
  return {
    andStatement: {
      statements: [
        pathStartsWith('/admin'),
        { notStatement: { statement: { ipSetReferenceStatement: { arn: ipSet.attrArn, ipSetForwardedIpConfig: { headerName: 'X-Forwarded-For', position: 'FIRST', fallbackBehavior: 'NO_MATCH' } } } } },
      ],
    },
  };
}

describe('LayeredDefense-WafForwardedIpFailOpen', () => {
  const RULE = 'LayeredDefense-WafForwardedIpFailOpen';
  test('Noncompliant: block /admin unless X-Forwarded-For is allowlisted, nothing for a missing header', () => {
    const { stack } = aclStack({ rules: (s) => [rule('AdminFromOffice', 0, 'block', blockUnlessForwardedFromOffice(officeIpSet(s)))] });
    const found = ofRule(check(stack), RULE);
    expect(found).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Acl' })]);
    expect(found[0].text).toMatch(/rule 'AdminFromOffice' blocks \/admin with X-Forwarded-For: .* but the same request without X-Forwarded-For is allowed \(by the default action\)/);
  });
  test('Compliant: an earlier rule blocks /admin requests that lack the header', () => {
    const { stack } = aclStack({
      rules: (s) => [
        blockAdminWithoutHeader(0),
        rule('AdminFromOffice', 1, 'block', blockUnlessForwardedFromOffice(officeIpSet(s))),
      ],
    });
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });
  test('Noncompliant: the missing-header guard covers /admin but the rule also blocks /reports', () => {
    const { stack } = aclStack({
      rules: (s) => [
        blockAdminWithoutHeader(0),
        rule('PagesFromOffice', 1, 'block', {
          andStatement: {
            statements: [
              { orStatement: { statements: [pathStartsWith('/admin'), pathStartsWith('/reports')] } },
              { notStatement: { statement: { ipSetReferenceStatement: { arn: officeIpSet(s).attrArn, ipSetForwardedIpConfig: { headerName: 'X-Forwarded-For', position: 'FIRST', fallbackBehavior: 'NO_MATCH' } } } } },
            ],
          },
        }),
      ],
    });
    const found = ofRule(check(stack), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].text).toMatch(/rule 'PagesFromOffice' blocks \/reports.* with X-Forwarded-For: .* but the same request without X-Forwarded-For is allowed/);
  });
  test('Token: IP set addresses imported at deploy time cannot be verified', () => {
    const { stack } = aclStack({ rules: (s) => [rule('AdminFromOffice', 0, 'block', blockUnlessForwardedFromOffice(officeIpSet(s, Fn.split(',', Fn.importValue('OfficeCidrs'), 1))))] });
    const messages = check(stack);
    expect(ofRule(messages, RULE)).toEqual([]);
    expect(ofRule(messages, 'LayeredDefense-CannotVerify').map((m) => m.text).join('\n')).toMatch(/LayeredDefense-WafForwardedIpFailOpen cannot verify rule 'AdminFromOffice'/);
  });
});

describe('LayeredDefense-WafForwardedIpDirectReach', () => {
  const RULE = 'LayeredDefense-WafForwardedIpDirectReach';
  const forwardedRules = (s: Stack) => [
    blockAdminWithoutHeader(0),
    rule('AdminFromOffice', 1, 'block', blockUnlessForwardedFromOffice(officeIpSet(s))),
  ];
  test('Noncompliant: forwarded IP rules in front of an ALB open to 0.0.0.0/0 (clients can skip the proxy)', () => {
    const { stack } = aclStack({ rules: forwardedRules });
    const found = ofRule(check(stack), RULE);
    expect(found).toEqual([expect.objectContaining({ level: 'warning', path: '/Stack/Alb/Resource' })]);
    expect(found[0].text).toMatch(/web ACL Acl judges clients by a forwarded IP header \(rule 'AdminFromOffice'\), but the security groups of load balancer Alb\w* admit 0\.0\.0\.0\/0/);
    expect(found[0].text).toMatch(/Fix: .*CloudFront origin-facing managed prefix list/);
  });
  /** An internet-facing ALB whose group admits HTTPS only from `peer`, behind a web ACL with the forwarded IP rules. */
  function forwardedAclOnAlbAdmitting(peer: (stack: Stack) => ec2.IPeer): Stack {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: true, flowLogs: { All: {} } });
    const sg = new ec2.SecurityGroup(stack, 'AlbSg', { vpc });
    sg.addIngressRule(peer(stack), ec2.Port.tcp(443));
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true, securityGroup: sg });
    alb.addListener('Http', { port: 80, open: false, defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443' }) });
    const acl = new wafv2.CfnWebACL(stack, 'Acl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: 'acl' },
      rules: forwardedRules(stack),
    });
    new wafv2.CfnWebACLAssociation(stack, 'Association', { resourceArn: alb.loadBalancerArn, webAclArn: acl.attrArn });
    return stack;
  }
  test('Compliant: the ALB admits only the CloudFront origin-facing prefix list', () => {
    const stack = forwardedAclOnAlbAdmitting(() => ec2.Peer.prefixList('pl-3b927c52'));
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });
  test('Noncompliant: the ALB admits a prefix list of the stack that holds 0.0.0.0/0', () => {
    const stack = forwardedAclOnAlbAdmitting((s) => {
      const proxies = new ec2.PrefixList(s, 'Proxies', { entries: [{ cidr: '198.51.100.0/24' }, { cidr: '0.0.0.0/0' }] });
      return ec2.Peer.prefixList(proxies.prefixListId);
    });
    const found = ofRule(check(stack), RULE);
    expect(found).toEqual([expect.objectContaining({ level: 'warning', path: '/Stack/Alb/Resource' })]);
    expect(found[0].text).toMatch(/admit 0\.0\.0\.0\/0/);
  });
  test('Compliant: the same ALB open to 0.0.0.0/0 with a web ACL that matches the source IP', () => {
    const { stack } = aclStack({ rules: (s) => [rule('AdminFromOffice', 0, 'block', { notStatement: { statement: { ipSetReferenceStatement: { arn: officeIpSet(s).attrArn } } } })] });
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });
});

describe('LayeredDefense-WafAllowShadowsBlock', () => {
  const RULE = 'LayeredDefense-WafAllowShadowsBlock';
  test('Noncompliant: ALLOW /api before BLOCK /api/admin', () => {
    const { stack } = aclStack({ rules: () => [rule('AllowApi', 0, 'allow', pathStartsWith('/api')), rule('BlockApiAdmin', 1, 'block', pathStartsWith('/api/admin'))] });
    const found = ofRule(check(stack), RULE);
    expect(found).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Acl' })]);
    expect(found[0].text).toMatch(/BLOCK rule 'BlockApiAdmin' never blocks: .* is allowed first by ALLOW rule 'AllowApi'/);
  });
  test('Compliant: an allowlist exception before the block (the office may reach /admin)', () => {
    const { stack } = aclStack({
      rules: (s) => [
        rule('OfficeAdmin', 0, 'allow', { andStatement: { statements: [pathStartsWith('/admin'), { ipSetReferenceStatement: { arn: officeIpSet(s).attrArn } }] } }),
        rule('BlockAdmin', 1, 'block', pathStartsWith('/admin')),
      ],
    });
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });
});

describe('LayeredDefense-WafCapacityLimit and LayeredDefense-WafCapacityCost', () => {
  function containsRules(count: number) {
    // CONTAINS (10 WCU) + 4 transformations (40 WCU) = 50 WCU per rule
    const transforms = [{ priority: 0, type: 'URL_DECODE' }, { priority: 1, type: 'HTML_ENTITY_DECODE' }, { priority: 2, type: 'LOWERCASE' }, { priority: 3, type: 'COMPRESS_WHITE_SPACE' }];
    return () => Array.from({ length: count }, (_, i) => rule(`Bad${i}`, i, 'block', {
      byteMatchStatement: { searchString: `bad${i}`, positionalConstraint: 'CONTAINS', fieldToMatch: { queryString: {} }, textTransformations: transforms },
    }));
  }
  test('Noncompliant: 1,550 WCU is over the base price (warning)', () => {
    const messages = check(aclStack({ rules: containsRules(31) }).stack);
    expect(ofRule(messages, 'LayeredDefense-WafCapacityCost')).toEqual([expect.objectContaining({ level: 'warning' })]);
    expect(ofRule(messages, 'LayeredDefense-WafCapacityLimit')).toEqual([]);
  });
  test('Noncompliant: 5,050 WCU is over the limit (error)', () => {
    const messages = check(aclStack({ rules: containsRules(101) }).stack);
    expect(ofRule(messages, 'LayeredDefense-WafCapacityLimit')[0].text).toMatch(/needs about 5050 WCU, over the limit of 5000/);
    expect(ofRule(messages, 'LayeredDefense-WafCapacityCost')).toEqual([]);
  });
  test('Compliant: 1,500 WCU', () => {
    const messages = check(aclStack({ rules: containsRules(30) }).stack);
    expect(ofRule(messages, 'LayeredDefense-WafCapacityCost')).toEqual([]);
  });
  test('Noncompliant: exactly 5,000 WCU fits the limit but costs extra (warning, no error)', () => {
    // GIVEN
    const { stack } = aclStack({ rules: containsRules(100) });
    // WHEN
    const messages = check(stack);
    // THEN
    expect(ofRule(messages, 'LayeredDefense-WafCapacityLimit')).toEqual([]);
    const cost = ofRule(messages, 'LayeredDefense-WafCapacityCost');
    expect(cost).toEqual([expect.objectContaining({ level: 'warning', path: '/Stack/Acl' })]);
    expect(cost[0].text).toMatch(/^\[LayeredDefense-WafCapacityCost\] web ACL Acl[0-9A-F]* needs about 5000 WCU, over the 1500 the base price covers/);
  });
});

describe('LayeredDefense-PublicEndpointWithoutWaf', () => {
  const RULE = 'LayeredDefense-PublicEndpointWithoutWaf';
  test('Noncompliant: an internet-facing ALB with no web ACL', () => {
    const { stack } = aclStack({ associate: false });
    expect(ofRule(check(stack), RULE)).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Alb/Resource' })]);
  });
  test('Noncompliant: an API Gateway REST stage with no web ACL', () => {
    const stack = newStack();
    const api = new apigw.RestApi(stack, 'Api');
    api.root.addMethod('GET', new apigw.MockIntegration());
    expect(ofRule(check(stack), RULE)).toEqual([expect.objectContaining({ path: '/Stack/Api/DeploymentStage.prod/Resource' })]);
  });
  test('Noncompliant: an HTTP API (aws-apigatewayv2), which cannot take a web ACL, reported on the API, with the CloudFront fix', () => {
    // GIVEN an HTTP API as the CDK docs write it, with its $default stage
    const stack = newStack();
    new apigwv2.HttpApi(stack, 'Patients');
    // WHEN checked THEN one error, on the API, not on its stage
    const found = ofRule(check(stack), RULE);
    expect(found).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Patients/Resource' })]);
    expect(found[0].text).toContain('API Gateway HTTP API Patients');
    expect(found[0].text).toContain('cannot take a web ACL');
    expect(found[0].text).toContain('CloudFront distribution with a web ACL');
  });
  test('Compliant: an associated API stage; an internal ALB', () => {
    const stack = newStack();
    const api = new apigw.RestApi(stack, 'Api');
    api.root.addMethod('GET', new apigw.MockIntegration());
    const acl = new wafv2.CfnWebACL(stack, 'Acl', { scope: 'REGIONAL', defaultAction: { allow: {} }, visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: 'acl' } });
    new wafv2.CfnWebACLAssociation(stack, 'Assoc', { resourceArn: api.deploymentStage.stageArn, webAclArn: acl.attrArn });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    new elbv2.ApplicationLoadBalancer(stack, 'Internal', { vpc, internetFacing: false });
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });
});

describe('the WAF rules judge the rules a user adds to PathAllowlistWaf', () => {
  function portal(configure: (waf: PathAllowlistWaf) => void): Stack {
    const stack = newStack();
    const waf = new PathAllowlistWaf(stack, 'Waf', { protectedPaths: ['/admin'], allowedCidrs: ['198.51.100.0/24'] });
    configure(waf);
    return stack;
  }
  const SHADOWS = 'LayeredDefense-WafAllowShadowsBlock';
  const BYPASS = 'LayeredDefense-WafPathBypass';

  test('Compliant: the path rules alone, and rules added after them', () => {
    const stack = portal((waf) => {
      waf.addRule({ name: 'HealthCheck', statement: WafStatement.exemptPath('/health'), action: WafAction.ALLOW });
      waf.addRule({ name: 'AllowAllLate', statement: WafStatement.pathMatches(['/']), action: WafAction.ALLOW, placement: RulePlacement.AFTER_MANAGED_RULE_GROUPS });
      waf.addRateLimit({ limit: 100, window: Duration.minutes(5), scopeDownPath: '/login' });
    });
    const messages = check(stack);
    expect(ofRule(messages, SHADOWS)).toEqual([]);
    expect(ofRule(messages, BYPASS)).toEqual([]);
  });

  test('Noncompliant: an addRule ALLOW before the path rules that allows what they block', () => {
    const stack = portal((waf) => waf.addRule({
      name: 'AllowAdminTools', statement: WafStatement.pathMatches(['/admin']), action: WafAction.ALLOW, placement: RulePlacement.BEFORE_PATH_RULES,
    }));
    const found = ofRule(check(stack), SHADOWS);
    expect(found).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Waf/Resource' })]);
    expect(found[0].text).toMatch(/BLOCK rule 'PathAllowlist1' never blocks: .*\/admin.* is allowed first by ALLOW rule 'AllowAdminTools'/);
  });

  test('Compliant: an exception for one address before the path rules is a partial overlap, not a shadow', () => {
    const stack = portal((waf) => waf.addRule({
      name: 'MonitoringProbe',
      statement: WafStatement.allOf([WafStatement.exemptPath('/admin/health'), WafStatement.fromCloudFormation({ ByteMatchStatement: { FieldToMatch: { SingleHeader: { Name: 'x-probe' } }, SearchString: 'secret', PositionalConstraint: 'EXACTLY', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } })]),
      action: WafAction.ALLOW,
      placement: RulePlacement.BEFORE_PATH_RULES,
    }));
    expect(ofRule(check(stack), SHADOWS)).toEqual([]);
  });

  test('Noncompliant: a raw user rule with a plain STARTS_WITH path match is bypassable', () => {
    const stack = portal((waf) => waf.addRule({
      name: 'BlockWpAdmin',
      statement: WafStatement.fromCloudFormation({ ByteMatchStatement: { FieldToMatch: { UriPath: {} }, SearchString: '/wp-admin', PositionalConstraint: 'STARTS_WITH', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } }),
      action: WafAction.BLOCK,
    }));
    const found = ofRule(check(stack), BYPASS);
    expect(found).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Waf/Resource' })]);
    expect(found[0].text).toMatch(/rule 'BlockWpAdmin' \(BLOCK\) matches the URI path with STARTS_WITH '\/wp-admin' without URL_DECODE and NORMALIZE_PATH/);
  });

  test('capacity: rules the user adds count toward the capacity rules too', () => {
    const stack = portal((waf) => {
      const xss = WafStatement.fromCloudFormation({ XssMatchStatement: { FieldToMatch: { Body: {} }, TextTransformations: [{ Priority: 0, Type: 'URL_DECODE' }] } });
      for (let i = 0; i < 7; i++) {
        waf.addRule({ name: `Xss${i}`, statement: xss, action: WafAction.BLOCK }); // 50 WCU each: 1,202 + 350 > 1,500
      }
    });
    expect(ofRule(check(stack), 'LayeredDefense-WafCapacityCost')).toEqual([expect.objectContaining({ level: 'warning' })]);
  });
});
