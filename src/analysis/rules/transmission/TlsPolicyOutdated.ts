import { isLiteralString, quoteValue } from '../../model/model-values';
import { ELB_DEFAULT_SSL_POLICY, isPolicyName, isTls12PlusPolicy } from '../../model/tls-listeners';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * An HTTPS or TLS listener whose security policy still negotiates TLS 1.0 or 1.1. Without `SslPolicy`,
 * listeners created through CloudFormation or CDK get `ELBSecurityPolicy-2016-08`, which does.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
 */
export const TlsPolicyOutdated: LayeredDefenseRule = {
  id: 'LayeredDefense-TlsPolicyOutdated',
  level: 'error',
  layer: 'transmission',
  hipaa: '164.312(e)(2)(ii)',
  summary: 'An HTTPS or TLS listener uses a security policy that allows TLS older than 1.2 (including the default ELBSecurityPolicy-2016-08).',
  why: 'TLS 1.0 and 1.1 are deprecated and weak; encryption in transit for e-PHI should require TLS 1.2 or later.',
  fix: 'Set sslPolicy to SslPolicy.RECOMMENDED_TLS (ELBSecurityPolicy-TLS13-1-2-2021-06) or another TLS13-1-2, TLS-1-2 or FS-1-2 policy',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const listener of [...model.loadBalancers.flatMap((lb) => lb.listeners), ...model.strayListeners]) {
      if (listener.protocol !== 'HTTPS' && listener.protocol !== 'TLS') {
        continue;
      }
      const policy = listener.sslPolicy ?? ELB_DEFAULT_SSL_POLICY;
      if (!isLiteralString(policy)) {
        context.cannotVerify(listener.resource, `the TLS policy (SslPolicy ${quoteValue(policy)})`);
        continue;
      }
      if (isPolicyName(policy) && !isTls12PlusPolicy(policy)) { // a name that is no policy is InvalidValue's
        findings.push({
          resource: listener.resource,
          message: `${listener.protocol} listener on port ${listener.port ?? '?'} uses ${policy}${listener.sslPolicy === undefined ? ' (the default when SslPolicy is not set)' : ''}, which allows TLS older than 1.2`,
        });
      }
    }
    return findings;
  },
};
