/**
 * The IP address family of a CIDR block.
 *
 * AWS keeps the families apart: a network ACL entry takes either `CidrBlock` or `Ipv6CidrBlock`, and a WAF IP set
 * has one `IPAddressVersion`, so every set in this library is split per family.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-networkaclentry.html
 * @see https://docs.aws.amazon.com/waf/latest/APIReference/API_IPSet.html
 */
export enum IpFamily {
  /** 32-bit IPv4 addresses. */
  IPV4 = 'IPV4',
  /** 128-bit IPv6 addresses. */
  IPV6 = 'IPV6',
}
