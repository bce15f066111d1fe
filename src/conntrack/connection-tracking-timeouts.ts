// Security groups are stateful: removing or narrowing a rule does not interrupt a tracked connection, which lasts
// until it has been idle for the interface's timeout (432,000 s, five days, for established TCP by default). This
// aspect bounds those timeouts where CloudFormation can set them: launch template network interfaces and
// AWS::EC2::NetworkInterface. AWS::EC2::Instance has no such property.
// @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-connection-tracking.html#connection-tracking-timeouts
import { CfnResource, Duration, IAspect, IResolveContext, Lazy, Token } from 'aws-cdk-lib';
import { CfnInstance, CfnLaunchTemplate, CfnNetworkInterface } from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { addLayeredDefenseWarning } from '../private/errors';

/**
 * The idle timeouts to enforce. Each must be a whole number of seconds within the range EC2 accepts.
 *
 * @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ConnectionTrackingSpecificationRequest.html
 */
export interface ConnectionTrackingTimeoutsProps {
  /**
   * The longest an established TCP connection may stay idle before its tracking entry (and so the connection, once
   * the rule that admitted it is gone) expires. 60 seconds to 5 days (432,000 seconds).
   *
   * Long-idle connections such as database pools need TCP keep-alives (or pool validation) more frequent than this.
   *
   * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-connection-tracking.html#connection-tracking-timeouts
   */
  readonly tcpEstablished: Duration;

  /**
   * Idle timeout of UDP flows that have seen more than one request-response transaction. 60 to 180 seconds.
   *
   * @default - not set: each interface keeps its own value, else EC2's default (180 seconds)
   * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-connection-tracking.html#connection-tracking-timeouts
   */
  readonly udpStream?: Duration;

  /**
   * Idle timeout of UDP flows that have seen traffic in one direction only or a single request-response
   * transaction. 30 to 60 seconds.
   *
   * @default - not set: each interface keeps its own value, else EC2's default (30 seconds)
   * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-connection-tracking.html#connection-tracking-timeouts
   */
  readonly udp?: Duration;
}

/** The ranges EC2 accepts, in seconds (EC2 User Guide, "Connection tracking timeouts"). */
const BOUNDS = {
  tcpEstablished: { key: 'TcpEstablishedTimeout', min: 60, max: 432_000, range: '60-432000 seconds (1 minute to 5 days)' },
  udpStream: { key: 'UdpStreamTimeout', min: 60, max: 180, range: '60-180 seconds' },
  udp: { key: 'UdpTimeout', min: 30, max: 60, range: '30-60 seconds' },
} as const;

type TimeoutName = keyof typeof BOUNDS;

/** Warning id on resources that cannot take the timeouts (`cdk-layered-defense:ConnectionTrackingNotSettable`). */
const NOT_SETTABLE_WARNING = 'ConnectionTrackingNotSettable';

/**
 * Bounds the security group connection tracking idle timeouts of every launch template and network interface in
 * its scope, so that a revoked security group rule stops a session within a known time instead of up to five days
 * later.
 *
 * - `AWS::EC2::LaunchTemplate` (L1 or `ec2.LaunchTemplate`, including those auto scaling groups create): every
 *   network interface gets a `ConnectionTrackingSpecification`. A template without network interfaces gets the
 *   primary one (device index 0), and its top-level `SecurityGroupIds` move into that interface, since EC2 rejects
 *   both forms together.
 * - `AWS::EC2::NetworkInterface`: gets a `ConnectionTrackingSpecification`.
 * - `AWS::EC2::Instance` and `AWS::AutoScaling::LaunchConfiguration` cannot take one: they get a warning
 *   (`cdk-layered-defense:ConnectionTrackingNotSettable`) that says to launch from a launch template.
 *
 * A value the resource already sets (in its props or with a property override) is kept when it is shorter than
 * the bound; a longer one, or one not known at synth, is replaced by the bound. Timeouts apply to Nitro instances.
 *
 * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-connection-tracking.html
 *
 * @example
 * import { Duration } from 'aws-cdk-lib';
 * import { ConnectionTrackingTimeouts } from 'cdk-layered-defense';
 *
 * declare const app: App;
 * Aspects.of(app).add(new ConnectionTrackingTimeouts({ tcpEstablished: Duration.minutes(30) }));
 */
export class ConnectionTrackingTimeouts implements IAspect {
  /** The TCP established timeout enforced, in seconds. */
  public readonly tcpEstablishedSeconds: number;
  /** The UDP stream timeout enforced, in seconds, when set. */
  public readonly udpStreamSeconds?: number;
  /** The UDP timeout enforced, in seconds, when set. */
  public readonly udpSeconds?: number;

  private readonly transformed = new WeakSet<IConstruct>();

  constructor(props: ConnectionTrackingTimeoutsProps) {
    if (props === undefined || props === null || props.tcpEstablished === undefined) {
      throw new Error('ConnectionTrackingTimeouts: tcpEstablished is required (for example Duration.minutes(30)); EC2 accepts '
        + `${BOUNDS.tcpEstablished.range}`);
    }
    this.tcpEstablishedSeconds = validTimeout('tcpEstablished', props.tcpEstablished);
    this.udpStreamSeconds = props.udpStream === undefined ? undefined : validTimeout('udpStream', props.udpStream);
    this.udpSeconds = props.udp === undefined ? undefined : validTimeout('udp', props.udp);
  }

  public visit(node: IConstruct): void {
    if (this.transformed.has(node)) {
      return;
    }
    if (node instanceof CfnLaunchTemplate) {
      this.transformed.add(node);
      this.boundLaunchTemplate(node);
    } else if (node instanceof CfnNetworkInterface) {
      this.transformed.add(node);
      this.boundNetworkInterface(node);
    } else if (node instanceof CfnInstance) {
      this.transformed.add(node);
      addLayeredDefenseWarning(node, NOT_SETTABLE_WARNING,
        'AWS::EC2::Instance cannot set connection tracking timeouts, so a revoked security group rule leaves an idle '
        + 'established TCP session up for as long as 5 days (432,000 s). Launch the instance from a launch template '
        + '(ec2.LaunchTemplate, or ec2.Instance with a launch template) or attach an AWS::EC2::NetworkInterface, '
        + 'which ConnectionTrackingTimeouts bounds.');
    } else if (CfnResource.isCfnResource(node) && node.cfnResourceType === 'AWS::AutoScaling::LaunchConfiguration') {
      this.transformed.add(node);
      addLayeredDefenseWarning(node, NOT_SETTABLE_WARNING,
        'AWS::AutoScaling::LaunchConfiguration cannot set connection tracking timeouts, so a revoked security group '
        + 'rule leaves an idle established TCP session up for as long as 5 days (432,000 s). Give the auto scaling '
        + 'group a launch template (the feature flag @aws-cdk/aws-autoscaling:generateLaunchTemplateInsteadOfLaunchConfig, '
        + 'or the launchTemplate prop), which ConnectionTrackingTimeouts bounds.');
    }
  }

  /** The specification for an interface that already has `existing` (resolved; possibly undefined). */
  private boundedSpecification(existing: any): Record<string, unknown> {
    const spec: Record<string, unknown> = isPlainObject(existing) ? { ...existing } : {};
    const bound = (name: TimeoutName, seconds: number | undefined) => {
      if (seconds === undefined) {
        return;
      }
      const key = BOUNDS[name].key;
      const current = spec[key];
      // A shorter literal value is stricter, so it stays; a longer or unknown one would break the bound.
      if (!(typeof current === 'number' && Number.isInteger(current) && current <= seconds)) {
        spec[key] = seconds;
      }
    };
    bound('tcpEstablished', this.tcpEstablishedSeconds);
    bound('udpStream', this.udpStreamSeconds);
    bound('udp', this.udpSeconds);
    return spec;
  }

  /**
   * Rewrites the launch template data with a property override computed when the template is written, from the
   * data as the L1 renders it then (so security groups added to an `ec2.LaunchTemplate` later still count) merged
   * with the overrides already under `LaunchTemplateData`, which move into the computation so that they cannot
   * re-add what it moved (a top-level SecurityGroupIds next to NetworkInterfaces) or lengthen a bounded timeout.
   */
  private boundLaunchTemplate(template: CfnLaunchTemplate): void {
    const overrides = takePropertyOverrides(template, 'LaunchTemplateData');
    const path = template.node.path;
    template.addPropertyOverride('LaunchTemplateData', Lazy.uncachedAny({
      produce: (context: IResolveContext) => {
        const rendered = renderProperty(template, context, 'LaunchTemplateData');
        const data = mergeOverride(rendered, context.resolve(overrides));
        return replacementOverride(rendered, this.boundLaunchTemplateData(path, data));
      },
    }));
  }

  private boundLaunchTemplateData(path: string, data: any): any {
    if (!isPlainObject(data)) {
      throw new Error(`${path}: cannot set connection tracking timeouts: LaunchTemplateData is not known at synth `
        + `(${JSON.stringify(data)}); write it as an object or exclude this template from ConnectionTrackingTimeouts' scope`);
    }
    const interfaces = data.NetworkInterfaces;
    if (Array.isArray(interfaces) && interfaces.length > 0) {
      return {
        ...data,
        NetworkInterfaces: interfaces.map((networkInterface: any) => isPlainObject(networkInterface)
          ? { ...networkInterface, ConnectionTrackingSpecification: this.boundedSpecification(networkInterface.ConnectionTrackingSpecification) }
          : networkInterface),
      };
    }
    if (interfaces !== undefined && !Array.isArray(interfaces)) {
      throw new Error(`${path}: cannot set connection tracking timeouts: LaunchTemplateData.NetworkInterfaces is not `
        + `known at synth (${JSON.stringify(interfaces)}); write the list literally`);
    }
    // EC2 rejects top-level security groups together with network interfaces, so they move into the primary one.
    const { SecurityGroupIds: groupIds, SecurityGroups: groupNames, ...rest } = data;
    if (groupNames !== undefined) {
      throw new Error(`${path}: cannot add the primary network interface that carries the connection tracking timeouts: `
        + `the template names its security groups (SecurityGroups ${JSON.stringify(groupNames)}), and a network interface `
        + 'takes security group ids only; use SecurityGroupIds (securityGroup.securityGroupId)');
    }
    const primary: Record<string, unknown> = { DeviceIndex: 0 };
    if (groupIds !== undefined) {
      primary.Groups = groupIds;
    }
    primary.ConnectionTrackingSpecification = this.boundedSpecification(undefined);
    return { ...rest, NetworkInterfaces: [primary] };
  }

  private boundNetworkInterface(networkInterface: CfnNetworkInterface): void {
    const overrides = takePropertyOverrides(networkInterface, 'ConnectionTrackingSpecification');
    networkInterface.addPropertyOverride('ConnectionTrackingSpecification', Lazy.uncachedAny({
      produce: (context: IResolveContext) => {
        const rendered = renderProperty(networkInterface, context, 'ConnectionTrackingSpecification');
        return replacementOverride(rendered, this.boundedSpecification(mergeOverride(rendered, context.resolve(overrides))));
      },
    }));
  }
}

function validTimeout(name: TimeoutName, duration: Duration): number {
  const bounds = BOUNDS[name];
  if (!(duration instanceof Duration)) {
    throw new Error(`ConnectionTrackingTimeouts: ${name} must be a Duration (for example Duration.seconds(${bounds.min})); `
      + `EC2 accepts ${bounds.range}`);
  }
  if (duration.isUnresolved()) {
    throw new Error(`ConnectionTrackingTimeouts: ${name} ${duration.toString()} is not known at synth; give a literal `
      + `Duration within ${bounds.range}`);
  }
  let seconds: number;
  try {
    seconds = duration.toSeconds({ integral: true });
  } catch {
    throw new Error(`ConnectionTrackingTimeouts: ${name} ${duration.toHumanString()} is not a whole number of seconds; `
      + `EC2 accepts whole seconds within ${bounds.range}`);
  }
  if (seconds < bounds.min || seconds > bounds.max) {
    const human = duration.toHumanString();
    const inSeconds = human === `${seconds} seconds` ? '' : ` (${seconds} seconds)`;
    throw new Error(`ConnectionTrackingTimeouts: ${name} ${human}${inSeconds} is out of range: `
      + `EC2 accepts ${bounds.range}`);
  }
  return seconds;
}

function isPlainObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Token.isUnresolved(value);
}

/**
 * One property as the L1 writes it: its properties resolved, then converted to CloudFormation's PascalCase and
 * validated by the L1's own `renderProperties` (protected, not private), as `CfnResource` does before it merges
 * the property overrides.
 */
function renderProperty(resource: CfnResource, context: IResolveContext, key: string): unknown {
  const rendered = (resource as any).renderProperties(context.resolve((resource as any).cfnProperties));
  return rendered?.[key];
}

/**
 * The override that, merged by CDK onto `target`, gives exactly `result`: keys of `target` that `result` lacks
 * become `undefined` (CDK deletes those), objects recurse, anything else replaces.
 */
function replacementOverride(target: any, result: any): any {
  if (!isPlainObject(target) || !isPlainObject(result) || isIntrinsic(target) || isIntrinsic(result)) {
    return result;
  }
  const override: Record<string, any> = {};
  for (const key of Object.keys(target)) {
    if (!(key in result)) {
      override[key] = undefined;
    }
  }
  for (const [key, value] of Object.entries(result)) {
    override[key] = replacementOverride(target[key], value);
  }
  return override;
}

/**
 * Removes the property overrides under `Properties.<key>` and returns them, so the aspect merges them itself before
 * it transforms the value. CDK merges overrides after properties are resolved, which would otherwise re-add what
 * the aspect moved (a top-level SecurityGroupIds next to NetworkInterfaces) or lengthen a bounded timeout.
 */
function takePropertyOverrides(resource: CfnResource, key: string): unknown {
  const rawOverrides = (resource as any).rawOverrides;
  const properties = rawOverrides?.Properties;
  if (!isPlainObject(properties) || !(key in properties)) {
    return undefined;
  }
  const taken = properties[key];
  delete properties[key];
  return taken;
}

const INTRINSIC_KEYS = new Set(['Ref', 'Fn::Base64', 'Fn::Cidr', 'Fn::FindInMap', 'Fn::GetAtt', 'Fn::GetAZs', 'Fn::ImportValue',
  'Fn::Join', 'Fn::Select', 'Fn::Split', 'Fn::Sub', 'Fn::Transform', 'Fn::And', 'Fn::Equals', 'Fn::If', 'Fn::Not', 'Fn::Or']);

function isIntrinsic(value: any): boolean {
  const keys = typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value) : [];
  return keys.length === 1 && INTRINSIC_KEYS.has(keys[0]);
}

/**
 * The value `base` with `override` merged as CDK merges property overrides (`addPropertyOverride`): objects merge
 * key by key (a numeric key indexes a list), an intrinsic on either side is replaced whole, `undefined` deletes, an
 * object left empty disappears, anything else replaces. Returns a copy; `base` is not changed.
 */
function mergeOverride(base: any, override: any): any {
  if (override === undefined) {
    return base;
  }
  if (typeof override !== 'object' || override === null || Array.isArray(override)) {
    return override;
  }
  let merged: any;
  if (typeof base !== 'object' || base === null || isIntrinsic(base) || isIntrinsic(override)) {
    merged = {};
  } else {
    merged = Array.isArray(base) ? [...base] : { ...base };
  }
  for (const [key, value] of Object.entries(override)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
      continue;
    }
    if (value === undefined) {
      delete merged[key];
      continue;
    }
    const child = mergeOverride(merged[key], value);
    if (typeof child === 'object' && child !== null && !Array.isArray(child) && Object.keys(child).length === 0
      && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      delete merged[key];
    } else {
      merged[key] = child;
    }
  }
  return merged;
}
