import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { IConstruct } from 'constructs';
import { LayeredDefenseChecks, LayeredDefenseChecksProps } from '../../src/frontdoors';

/** One annotation the aspect added. */
export interface Message {
  readonly level: 'error' | 'warning' | 'info';
  /** Construct path with a leading slash, as `Annotations.fromStack` reports it. */
  readonly path: string;
  readonly text: string;
  /** The rule id the message starts with (`LayeredDefense-Xxx`). */
  readonly ruleId: string;
}

/** A stack in a fresh app, with a known environment (no tokens for account/region). */
export function newStack(id = 'Stack', props: StackProps = {}): Stack {
  const app = new App();
  return new Stack(app, id, { env: { account: '111111111111', region: 'us-east-1' }, ...props });
}

/** Runs the aspect on the stack directly (no synth: its visit, then the stack's validation) and returns what it annotated. */
export function check(stack: Stack, props?: LayeredDefenseChecksProps): Message[] {
  new LayeredDefenseChecks(props).visit(stack);
  stack.node.validate();
  return annotations(stack);
}

/** Every LayeredDefense annotation under a scope. */
export function annotations(scope: IConstruct): Message[] {
  const result: Message[] = [];
  for (const c of scope.node.findAll()) {
    for (const m of c.node.metadata) {
      const level = m.type === 'aws:cdk:error' ? 'error' : m.type === 'aws:cdk:warning' ? 'warning' : m.type === 'aws:cdk:info' ? 'info' : undefined;
      const text = String(m.data);
      const id = /^\[(LayeredDefense-[A-Za-z0-9]+)\]/.exec(text)?.[1];
      if (level && id) {
        result.push({ level, path: `/${c.node.path}`, text, ruleId: id });
      }
    }
  }
  return result;
}

/** The messages of one rule. */
export function ofRule(messages: readonly Message[], ruleId: string): Message[] {
  return messages.filter((m) => m.ruleId === ruleId);
}

/** The compliant way to serve an ALB: HTTPS on 443 with a TLS 1.2+ policy, and port 80 redirecting to it. */
export function serveHttpsWithRedirect(alb: elbv2.ApplicationLoadBalancer): void {
  const stack = Stack.of(alb);
  alb.addListener('Https', {
    port: 443,
    certificates: [acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:111111111111:certificate/abc')],
    sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
    defaultAction: elbv2.ListenerAction.fixedResponse(200),
  });
  alb.addRedirect();
}
