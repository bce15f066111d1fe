// Where a flow starts or ends, as a jsii value class: the internet, an address, a construct, or a resource by logical
// id. Resolved against the model when a query is explained.
import { IConstruct } from 'constructs';
import type { EndpointLookup } from './private/endpoint-lookup';
import type { FlowSource } from '../analysis/reachability/explain';

/**
 * One end of a flow. Sources: the internet, an address or CIDR, a construct or a logical id; destinations: a
 * construct or a logical id.
 */
export abstract class FlowEndpoint {
  /**
   * Any address of the internet (public IPv4, outside the private, shared, loopback, link-local, multicast and
   * reserved blocks). A flow from the internet is reachable when some internet address gets through. As a
   * destination (from a workload), the flow leaves the app through its routes: NAT gateways, Network Firewall
   * endpoints, an internet gateway.
   */
  public static internet(): FlowEndpoint {
    return new InternetEndpoint();
  }

  /**
   * Any global unicast IPv6 address of the internet (2000::/3). The destination needs an IPv6 address (a dual-stack
   * load balancer, an instance with one): an IPv4-only resource is not reachable over IPv6.
   * @see https://docs.aws.amazon.com/vpc/latest/userguide/vpc-migrate-ipv6.html
   */
  public static internetIpv6(): FlowEndpoint {
    return new InternetEndpoint(true);
  }

  /**
   * An IPv4 or IPv6 address or CIDR (an IPv6 address is judged as a client outside the app). For a CIDR the flow is
   * reachable when some address of it gets through; an address inside
   * a subnet of the app is judged by that subnet's routes and NACL (no security group of a source workload applies).
   * As a destination (from a workload), an address outside the app's subnets: the flow leaves the app.
   */
  public static ipAddress(ipOrCidr: string): FlowEndpoint {
    return new AddressEndpoint(ipOrCidr);
  }

  /**
   * Every workload in a construct's subtree: a load balancer, instance, auto scaling group, ECS service, Lambda
   * function in a VPC, RDS instance or cluster, ElastiCache, OpenSearch domain in a VPC, EFS mount target or interface
   * endpoint.
   */
  public static construct(scope: IConstruct): FlowEndpoint {
    return new ConstructEndpoint(scope.node.path);
  }

  /** The workload a stack's template declares under a logical id. */
  public static logicalId(stackName: string, logicalId: string): FlowEndpoint {
    return new LogicalIdEndpoint(stackName, logicalId);
  }

  /** How the endpoint reads in an explanation. */
  public abstract readonly description: string;

  /** @internal */
  public abstract _resolve(lookup: EndpointLookup): FlowSource;
}

class InternetEndpoint extends FlowEndpoint {
  public readonly description: string;

  constructor(private readonly ipv6 = false) {
    super();
    this.description = ipv6 ? 'the internet over IPv6' : 'the internet';
  }

  public _resolve(): FlowSource {
    return this.ipv6 ? { kind: 'internet', ipv6: true } : { kind: 'internet' };
  }
}

class AddressEndpoint extends FlowEndpoint {
  constructor(public readonly description: string) {
    super();
  }

  public _resolve(): FlowSource {
    return { kind: 'address', cidr: this.description };
  }
}

class ConstructEndpoint extends FlowEndpoint {
  constructor(public readonly description: string) {
    super();
  }

  public _resolve(lookup: EndpointLookup): FlowSource {
    const keys = lookup.workloadsUnder(this.description);
    if (keys.length === 0) {
      throw new Error(`FlowEndpoint.construct: ${this.description} holds no workload the model knows (a load balancer, instance, auto scaling group, `
        + 'ECS service, Lambda function in a VPC, RDS instance or cluster, ElastiCache, OpenSearch domain in a VPC, EFS mount target, interface endpoint)');
    }
    return { kind: 'workloads', keys, description: this.description };
  }
}

class LogicalIdEndpoint extends FlowEndpoint {
  public readonly description: string;

  constructor(private readonly stackName: string, private readonly id: string) {
    super();
    this.description = `${stackName}/${id}`;
  }

  public _resolve(lookup: EndpointLookup): FlowSource {
    const keys = lookup.workloadByLogicalId(this.stackName, this.id);
    if (keys.length === 0) {
      throw new Error(`FlowEndpoint.logicalId: no workload '${this.id}' in stack '${this.stackName}' (check the stack name and the logical id)`);
    }
    return { kind: 'workloads', keys, description: this.description };
  }
}
