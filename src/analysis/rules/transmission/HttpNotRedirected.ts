import { describeValue, isLiteralString, Json, quoteValue } from '../../model/model-values';
import { redirectsToHttps } from '../../model/tls-listeners';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * An HTTP listener that serves content instead of redirecting to HTTPS sends e-PHI and credentials in clear text.
 * Only the listener's default actions are judged (listener rules are not modelled).
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html
 */
export const HttpNotRedirected: LayeredDefenseRule = {
  id: 'LayeredDefense-HttpNotRedirected',
  level: 'error',
  layer: 'transmission',
  hipaa: '164.312(e)(1)',
  summary: 'A load balancer HTTP listener does not redirect to HTTPS.',
  why: 'Requests and responses on a plain HTTP listener cross the network unencrypted, so e-PHI and credentials can be read or changed in transit.',
  fix: "Make the HTTP listener's default action a redirect to HTTPS (ApplicationLoadBalancer.addRedirect()), and serve content only on HTTPS",
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const listener of [...model.loadBalancers.flatMap((lb) => lb.listeners), ...model.strayListeners]) {
      if (!isLiteralString(listener.protocol)) {
        context.cannotVerify(listener.resource, `the listener protocol (Protocol ${quoteValue(listener.protocol)})`);
        continue;
      }
      if (listener.protocol !== 'HTTP') {
        continue;
      }
      const actions: Json = listener.defaultActions;
      if (!Array.isArray(actions) || actions.some((a: Json) => !isLiteralString(a?.Type) || (/^redirect$/i.test(a.Type) && !isLiteralString(a.RedirectConfig?.Protocol)))) {
        context.cannotVerify(listener.resource, `the listener's default actions (DefaultActions ${describeValue(actions)})`);
        continue;
      }
      if (!redirectsToHttps(listener)) {
        findings.push({ resource: listener.resource, message: `HTTP listener on port ${listener.port ?? '?'} serves requests instead of redirecting them to HTTPS` });
      }
    }
    return findings;
  },
};
