import { Fn } from 'aws-cdk-lib';

/**
 * The firewall endpoint id of one Availability Zone, as a CloudFormation expression over `Fn::GetAtt
 * Firewall.EndpointIds`, which lists `"<az>:vpce-..."` strings "not listed in any particular order"
 * (AWS::NetworkFirewall::Firewall return values). The list is joined into `,az1:vpce-1,az2:vpce-2`, split on
 * `,<az>:` and cut at the next comma, so the answer depends only on the AZ, never on the position. The leading comma
 * keeps one AZ name from matching inside another. Fn::Split takes a literal delimiter only, so the AZ name must be
 * known at synth.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-networkfirewall-firewall.html#aws-resource-networkfirewall-firewall-return-values
 */
export function endpointIdForAz(endpointIds: string[], availabilityZone: string): string {
  const joined = Fn.join('', [',', Fn.join(',', endpointIds)]);
  const afterAz = Fn.select(1, Fn.split(`,${availabilityZone}:`, joined));
  return Fn.select(0, Fn.split(',', afterAz));
}
