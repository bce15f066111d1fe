// Transmission security facts for Elastic Load Balancing v2 listeners.
import { Json } from './model-values';
import type { ListenerModel } from './network-model';

/**
 * The security policy a listener gets when `SslPolicy` is absent: `ELBSecurityPolicy-2016-08`, which still
 * negotiates TLS 1.0 and 1.1 for HTTPS and TLS listeners created through CloudFormation.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
 */
export const ELB_DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-2016-08';

/**
 * Policies whose minimum protocol is TLS 1.2 or 1.3: the `TLS13-1-2-*` and `TLS13-1-3-*` families (including
 * FIPS, post-quantum and Res/Ext variants), `TLS-1-2-*` and `FS-1-2-*`. Everything else (`2016-08`,
 * `TLS-1-1-*`, `FS-2018-06`, `FS-1-1-*`, `TLS13-1-0-*`, `TLS13-1-1-*`, `2015-05`) still allows TLS 1.0 or 1.1.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
 */
const TLS12_PLUS_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)/;

/**
 * Every Elastic Load Balancing security policy is named `ELBSecurityPolicy-<parts>-<YYYY>-<MM>` (2016-08,
 * TLS13-1-2-2021-06, FS-1-2-Res-2020-10, TLS13-1-2-FIPS-PQ-2025-09, ...); a name of another shape does not exist,
 * and CloudFormation fails the listener.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
 */
const POLICY_NAME = /^ELBSecurityPolicy-(?:[A-Za-z0-9]+-)*\d{4}-\d{2}$/;

export function isPolicyName(policy: string): boolean {
  return POLICY_NAME.test(policy);
}

export function isTls12PlusPolicy(policy: string): boolean {
  return TLS12_PLUS_POLICY.test(policy);
}

/** True when every default action of the listener redirects to HTTPS. */
export function redirectsToHttps(listener: ListenerModel): boolean {
  const actions: Json = listener.defaultActions;
  return Array.isArray(actions) && actions.length > 0 && actions.every((a: Json) =>
    (a?.Type === 'redirect' || a?.Type === 'Redirect') && typeof a.RedirectConfig?.Protocol === 'string' && a.RedirectConfig.Protocol.toUpperCase() === 'HTTPS');
}
