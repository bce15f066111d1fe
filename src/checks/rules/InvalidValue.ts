import { LayeredDefenseRule } from '../rule';

/**
 * A value AWS rejects or that means nothing, found while reading the templates: a NACL entry EC2 would refuse
 * (TCP or UDP without a `PortRange`, an inverted port range, a rule number outside 1-32766, a malformed CIDR), a
 * listener `SslPolicy` that names no security policy. Such a value is not "unknown" and does not "allow nothing":
 * the deployment fails, or runs with something other than what the reviewer read.
 */
export const InvalidValue: LayeredDefenseRule = {
  id: 'LayeredDefense-InvalidValue',
  level: 'error',
  layer: 'model',
  summary: 'A property has a value AWS rejects (a NACL entry without its PortRange, an inverted port range, a security policy that does not exist).',
  why: 'CloudFormation fails the resource, or the deployed resource differs from the template a reviewer approved; no layer rule can judge a value that will not exist.',
  fix: 'Correct the value as the message says',
  evaluate(model) {
    return model.invalid.map(({ resource, problem }) => ({ resource, message: problem }));
  },
};
