import { Fn, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { check, newStack, ofRule } from './support';

function albStack(): { stack: Stack; alb: elbv2.ApplicationLoadBalancer; cert: acm.ICertificate } {
  const stack = newStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: true, flowLogs: { All: {} } });
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: false });
  const cert = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:111111111111:certificate/abc');
  return { stack, alb, cert };
}

describe('LayeredDefense-HttpNotRedirected', () => {
  const RULE = 'LayeredDefense-HttpNotRedirected';
  test('Noncompliant: an HTTP listener that serves content (L2)', () => {
    const { stack, alb } = albStack();
    alb.addListener('Http', { port: 80, defaultAction: elbv2.ListenerAction.fixedResponse(200) });
    const found = ofRule(check(stack), RULE);
    expect(found).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Alb/Http/Resource' })]);
    expect(found[0].text).toMatch(/HTTP listener on port 80 serves requests instead of redirecting them to HTTPS \(HIPAA 164\.312\(e\)\(1\)\)/);
  });
  test('Compliant: addRedirect()', () => {
    const { stack, alb } = albStack();
    alb.addRedirect();
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });
  test('Token: a protocol from a parameter cannot be verified (L1)', () => {
    const { stack, alb } = albStack();
    new elbv2.CfnListener(stack, 'Listener', { loadBalancerArn: alb.loadBalancerArn, port: 80, protocol: Fn.importValue('Protocol'), defaultActions: [{ type: 'fixed-response', fixedResponseConfig: { statusCode: '200' } }] });
    const messages = check(stack);
    expect(ofRule(messages, RULE)).toEqual([]);
    expect(ofRule(messages, 'LayeredDefense-CannotVerify')[0].text).toMatch(/HttpNotRedirected cannot verify the listener protocol/);
  });
});

describe('LayeredDefense-TlsPolicyOutdated', () => {
  const RULE = 'LayeredDefense-TlsPolicyOutdated';
  test('Noncompliant: no SslPolicy means ELBSecurityPolicy-2016-08 (TLS 1.0)', () => {
    const { stack, alb, cert } = albStack();
    alb.addListener('Https', { port: 443, certificates: [cert], defaultAction: elbv2.ListenerAction.fixedResponse(200) });
    expect(ofRule(check(stack), RULE)[0].text).toMatch(/uses ELBSecurityPolicy-2016-08 \(the default when SslPolicy is not set\), which allows TLS older than 1\.2 \(HIPAA 164\.312\(e\)\(2\)\(ii\)\)/);
  });
  test('Noncompliant: a TLS 1.1 policy', () => {
    const { stack, alb, cert } = albStack();
    alb.addListener('Https', { port: 443, certificates: [cert], sslPolicy: elbv2.SslPolicy.TLS11, defaultAction: elbv2.ListenerAction.fixedResponse(200) });
    expect(ofRule(check(stack), RULE)).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Alb/Https/Resource' })]);
  });
  test.each([elbv2.SslPolicy.RECOMMENDED_TLS, elbv2.SslPolicy.TLS12, elbv2.SslPolicy.TLS12_EXT, elbv2.SslPolicy.FORWARD_SECRECY_TLS12_RES_GCM, elbv2.SslPolicy.TLS13_13])('Compliant: %s', (policy) => {
    const { stack, alb, cert } = albStack();
    alb.addListener('Https', { port: 443, certificates: [cert], sslPolicy: policy, defaultAction: elbv2.ListenerAction.fixedResponse(200) });
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });
});

describe('LayeredDefense-VpcFlowLogs', () => {
  const RULE = 'LayeredDefense-VpcFlowLogs';
  test('Noncompliant: a VPC without flow logs', () => {
    const stack = newStack();
    new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true });
    expect(ofRule(check(stack), RULE)).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Vpc/Resource' })]);
  });
  test('Noncompliant: flow logs capturing only rejected traffic', () => {
    const stack = newStack();
    new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true, flowLogs: { Rejects: { trafficType: ec2.FlowLogTrafficType.REJECT } } });
    expect(ofRule(check(stack), RULE)[0].text).toMatch(/capturing only REJECT traffic, not ALL/);
  });
  test('Compliant: a VPC-level ALL flow log (L1 too)', () => {
    const stack = newStack();
    const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16' });
    new ec2.CfnFlowLog(stack, 'FlowLog', { resourceId: vpc.ref, resourceType: 'VPC', trafficType: 'ALL', logDestinationType: 's3', logDestination: 'arn:aws:s3:::flow-logs' });
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });
});
