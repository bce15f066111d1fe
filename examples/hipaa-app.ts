/**
 * The README's main job: synthesize the example HIPAA app through every check.
 *
 * Run with `npx projen synth:example`. It needs no AWS credentials and makes no lookups. Synth fails when a check
 * reports an unacknowledged error; every acknowledgement carries its reason, and the README lists them
 * (`EXAMPLE_ACKNOWLEDGEMENTS` below is that list, and the example's test holds the report to it).
 *
 * The layers, outermost first:
 * - application: a PathAllowlistWaf on the load balancer blocks `/admin` unless the client is in the office ranges;
 * - subnet: an IpBlocklistNacl on the public tier denies known-bad ranges, both directions, every protocol;
 * - virtual firewall: the application's security group allows only the load balancer's group, on TLS 8443; the
 *   database's group allows only the application's group, on 5433;
 * - data: PostgreSQL in the isolated Data subnets, encrypted with a customer managed key, TLS required, backed up;
 * - transmission and audit: TLS 1.2+ from the client to the load balancer and again to the instances; flow logs,
 *   WAF logs and load balancer access logs.
 */
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Aspects, Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { Construct, IConstruct } from 'constructs';
import { HipaaSecureVpc, LayeredDefenseChecks, LayeredDefenseNagPack, PathAllowlistWaf } from '../src';

/** The construct id of the example stack in `buildExampleApp`; acknowledgement scopes start with it. */
export const EXAMPLE_STACK_ID = 'HipaaExample';

/** The TLS port the application instances listen on; only the load balancer's security group may reach it. */
export const APP_TLS_PORT = 8443;

/**
 * The database's port: only the application's security group may reach it. Not PostgreSQL's default 5432, as
 * Control Tower CT.RDS.PR.20 and cdk-nag AwsSolutions-RDS11 require (a scan for 5432 finds nothing).
 */
export const DATABASE_PORT = 5433;

/** Who made an acknowledgement: this example, or a construct it uses (they acknowledge on their own resources). */
export type AcknowledgedBy = 'examples/hipaa-app.ts' | 'HipaaSecureVpc' | 'IpBlocklistNacl' | 'aws-cdk-lib';

/** One acknowledged finding: the rule, where it is acknowledged, and why. */
export interface ExampleAcknowledgement {
  /** The id given to `Validations.of(scope).acknowledge`: `<plugin>::<rule>`. */
  readonly id: string;
  /** The construct path of the scope the acknowledgement is on (the finding's resource or its L2 parent). */
  readonly scope: string;
  readonly reason: string;
  readonly by: AcknowledgedBy;
}

const LOG_DELIVERY_SSE_S3_ONLY = 'Elastic Load Balancing delivers access logs only to buckets encrypted with SSE-S3 (AES-256); a KMS default encryption would stop log delivery. The bucket is private, TLS-only, versioned and kept six years.';
const REPLICATION_NEEDS_LOG_ARCHIVE = "Replication needs a destination bucket in another Region or in the organization's log-archive account, which a single-stack example cannot create; add replicationRules to your log archive when you deploy.";
const NAG_MISSES_MIXED_INSTANCES_POLICY = 'False positive: cdk-nag 3.0.2 looks for the launch template only in the LaunchTemplate property, not in MixedInstancesPolicy (which Control Tower CT.AUTOSCALING.PR.6 requires for multiple instance types)';

/**
 * Every acknowledgement in the example's validation report, with its reason: the README's table. The example
 * makes the `examples/hipaa-app.ts` ones; the others come from the constructs and from aws-cdk-lib, and are listed
 * so that the table is the whole story for a reviewer.
 */
export const EXAMPLE_ACKNOWLEDGEMENTS: ExampleAcknowledgement[] = [
  ...[1, 2].map((az) => ({
    id: 'HIPAA.Security::HIPAA.Security-VPCNoUnrestrictedRouteToIGW',
    scope: `${EXAMPLE_STACK_ID}/Network/PublicSubnet${az}/DefaultRoute`,
    reason: 'The public tier exists to reach the internet: it holds only the internet-facing load balancer and the NAT gateway; the application and data tiers have no route to the internet gateway.',
    by: 'examples/hipaa-app.ts' as const,
  })),
  {
    id: 'AwsSolutions::AwsSolutions-EC23',
    scope: `${EXAMPLE_STACK_ID}/AlbSecurityGroup`,
    reason: "An internet-facing load balancer must accept clients from anywhere on 443 (and on 80, which only redirects to 443). Known-bad ranges are denied by the blocklist NACL, /admin is restricted by the WAF, and only this group may reach the application's instances.",
    by: 'examples/hipaa-app.ts',
  },
  {
    id: 'HIPAA.Security::HIPAA.Security-ELBv2ACMCertificateRequired',
    scope: `${EXAMPLE_STACK_ID}/Alb/Redirect80To443`,
    reason: 'This HTTP listener serves no content: its one action redirects every request to HTTPS on 443 (HTTP 301), where the ACM certificate and the TLS 1.2+ policy apply. An HTTP listener cannot hold a certificate.',
    by: 'examples/hipaa-app.ts',
  },
  {
    id: 'HIPAA.Security::HIPAA.Security-S3DefaultEncryptionKMS',
    scope: `${EXAMPLE_STACK_ID}/AlbAccessLogs`,
    reason: LOG_DELIVERY_SSE_S3_ONLY,
    by: 'examples/hipaa-app.ts',
  },
  {
    id: 'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check',
    scope: `${EXAMPLE_STACK_ID}/AlbAccessLogs`,
    reason: LOG_DELIVERY_SSE_S3_ONLY,
    by: 'examples/hipaa-app.ts',
  },
  ...['AlbAccessLogs', 'ServerAccessLogs'].map((bucket) => ({
    id: 'HIPAA.Security::HIPAA.Security-S3BucketReplicationEnabled',
    scope: `${EXAMPLE_STACK_ID}/${bucket}`,
    reason: REPLICATION_NEEDS_LOG_ARCHIVE,
    by: 'examples/hipaa-app.ts' as const,
  })),
  {
    id: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
    scope: `${EXAMPLE_STACK_ID}/AlbAccessLogs`,
    reason: 'Object Lock can never be turned off, and in compliance mode nobody can shorten its retention: that is a records-retention decision for the account owner, not an example default. Versioning, the six-year lifecycle, TLS-only access and blocked public access protect these logs; enable Object Lock with a default retention where your policy requires WORM storage.',
    by: 'examples/hipaa-app.ts',
  },
  {
    id: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
    scope: `${EXAMPLE_STACK_ID}/ServerAccessLogs`,
    reason: 'S3 does not deliver server access logs into a bucket that has Object Lock enabled, and this bucket is the server access log destination.',
    by: 'examples/hipaa-app.ts',
  },
  {
    id: 'cdk-validator-cfnguard::s3_bucket_logging_enabled_check',
    scope: `${EXAMPLE_STACK_ID}/ServerAccessLogs`,
    reason: 'This bucket is the destination of the server access logs: logging it into itself would log its own log deliveries without end, and logging it into a further bucket only moves the question there.',
    by: 'examples/hipaa-app.ts',
  },
  {
    id: 'cdk-validator-cfnguard::nacl_no_unrestricted_ssh_rdp_check',
    scope: `${EXAMPLE_STACK_ID}/Network/Blocklist/NetworkAcl/IngressAllow32000`,
    reason: "Entry 32000 of the blocklist NACL allows all IPv4 traffic after its deny entries, because this NACL's job is only to deny known-bad sources; who may reach which port is the security groups' job, and no security group in this app allows 22 or 3389.",
    by: 'examples/hipaa-app.ts',
  },
  {
    id: 'HIPAA.Security::HIPAA.Security-EC2IMDSv2Enabled',
    scope: `${EXAMPLE_STACK_ID}/App/ASG`,
    reason: `${NAG_MISSES_MIXED_INSTANCES_POLICY}. The group's launch template requires IMDSv2 (HttpTokens required, hop limit 1); the example's test asserts it.`,
    by: 'examples/hipaa-app.ts',
  },
  {
    id: 'AwsSolutions::AwsSolutions-EC26',
    scope: `${EXAMPLE_STACK_ID}/App/ASG`,
    reason: `${NAG_MISSES_MIXED_INSTANCES_POLICY}. The launch template's only EBS volume is encrypted; the example's test asserts it.`,
    by: 'examples/hipaa-app.ts',
  },
  {
    id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
    scope: `${EXAMPLE_STACK_ID}/DatabaseBackupPlan/Database/Role`,
    reason: "AWS Backup's own service role policy, which AWS keeps in step with what the service needs to snapshot, copy and expire RDS recovery points; a hand-written copy would still need wildcard snapshot ARNs (AWS Backup names them per job) and would break silently when the service changes. The role can be assumed only by AWS Backup.",
    by: 'examples/hipaa-app.ts',
  },
  // Made by the constructs this example uses, on their own resources.
  {
    id: 'AwsSolutions::AwsSolutions-VPC3',
    scope: `${EXAMPLE_STACK_ID}/Network/Blocklist/NetworkAcl`,
    reason: 'IpBlocklistNacl: a blocklist NACL is the job NACLs exist for (explicit, stateless deny of known-bad sources for every protocol); security groups still do the allowing.',
    by: 'IpBlocklistNacl',
  },
  {
    id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
    scope: `${EXAMPLE_STACK_ID}/Custom::VpcRestrictDefaultSGCustomResourceProvider`,
    reason: "CDK's handler that revokes the default security group's rules runs only at deploy time, calls the EC2 API and never handles e-PHI; running it inside the VPC it closes would make closing the VPC depend on the VPC.",
    by: 'HipaaSecureVpc',
  },
  {
    id: 'CloudFormation-Validate::W3010',
    scope: EXAMPLE_STACK_ID,
    reason: 'Literal AZs in template are the result of accessing stack.availabilityZones, this is expected and safe',
    by: 'aws-cdk-lib',
  },
];

/** What both log buckets share: private, TLS only, versioned, kept six years, object events to EventBridge. */
const LOG_BUCKET_DEFAULTS: s3.BucketProps = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  versioned: true,
  lifecycleRules: [{
    id: 'KeepSixYears', // HIPAA's documentation retention period (45 CFR 164.316(b)(2)(i))
    expiration: Duration.days(2192),
    noncurrentVersionExpiration: Duration.days(90),
    abortIncompleteMultipartUploadAfter: Duration.days(7),
  }],
  removalPolicy: RemovalPolicy.RETAIN,
};

/**
 * The application instances: nginx on Amazon Linux 2023 serving TLS on 8443 with a self-signed certificate (the
 * load balancer re-encrypts to its targets and does not validate their certificates), plus a /health endpoint.
 */
const APP_USER_DATA = [
  'dnf install -y nginx openssl',
  'install -d -m 0700 /etc/pki/nginx/private',
  'openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj /CN=app.internal -keyout /etc/pki/nginx/private/app.key -out /etc/pki/nginx/app.crt',
  "cat > /etc/nginx/conf.d/app.conf <<'EOF'",
  'server {',
  `  listen ${APP_TLS_PORT} ssl;`,
  '  ssl_certificate /etc/pki/nginx/app.crt;',
  '  ssl_certificate_key /etc/pki/nginx/private/app.key;',
  '  ssl_protocols TLSv1.2 TLSv1.3;',
  '  location = /health { return 200 "ok\\n"; }',
  '  location / { root /usr/share/nginx/html; }',
  '}',
  'EOF',
  'systemctl enable --now nginx',
];

export class HipaaExampleStack extends Stack {
  public readonly vpc: HipaaSecureVpc;
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly loadBalancerSecurityGroup: ec2.SecurityGroup;
  public readonly httpsListener: elbv2.ApplicationListener;
  public readonly httpListener: elbv2.ApplicationListener;
  public readonly waf: PathAllowlistWaf;
  public readonly appSecurityGroup: ec2.SecurityGroup;
  public readonly appLaunchTemplate: ec2.LaunchTemplate;
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  public readonly databaseSecurityGroup: ec2.SecurityGroup;
  public readonly database: rds.DatabaseInstance;
  public readonly accessLogBucket: s3.Bucket;
  public readonly serverAccessLogBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Tiers, flow logs, closed default security group, endpoints; the subnet layer: a blocklist NACL on the
    // public tier. The VPC is IPv4-only, so the blocklist holds IPv4 ranges (an IPv6 entry would match nothing).
    this.vpc = new HipaaSecureVpc(this, 'Network', {
      maxAzs: 2,
      natGateways: 1,
      blockedCidrs: ['203.0.113.0/24', '198.51.100.7'],
    });

    // Load balancer access logs, and the S3 server access logs of that bucket.
    this.serverAccessLogBucket = new s3.Bucket(this, 'ServerAccessLogs', {
      ...LOG_BUCKET_DEFAULTS,
      // Server access log delivery accepts a customer managed key (CDK grants logging.s3.amazonaws.com on it).
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: customerManagedKey(this, 'ServerAccessLogsKey', 'Encrypts the S3 server access logs of the load balancer log bucket'),
      bucketKeyEnabled: true,
    });
    this.accessLogBucket = new s3.Bucket(this, 'AlbAccessLogs', {
      ...LOG_BUCKET_DEFAULTS,
      encryption: s3.BucketEncryption.S3_MANAGED, // the only encryption ELB access log delivery supports
      serverAccessLogsBucket: this.serverAccessLogBucket,
      serverAccessLogsPrefix: 'alb-access-logs/',
    });
    for (const bucket of [this.serverAccessLogBucket, this.accessLogBucket]) {
      // Object events to EventBridge (alert on missing deliveries or deletions). Set on the bucket itself:
      // `eventBridgeEnabled` would add a notification custom resource (a Lambda function with an inline policy).
      (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
        eventBridgeConfiguration: { eventBridgeEnabled: true },
      };
    }

    // The load balancer: internet-facing in the public tier, HTTPS only, invalid headers dropped, access logged.
    this.loadBalancerSecurityGroup = new ec2.SecurityGroup(this, 'AlbSecurityGroup', {
      vpc: this.vpc,
      description: 'Internet-facing load balancer: HTTPS from anywhere, HTTP only to redirect',
      allowAllOutbound: false, // egress only to the application's TLS port, added below
    });
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: this.vpc,
      internetFacing: true,
      vpcSubnets: { subnetGroupName: 'Public' },
      securityGroup: this.loadBalancerSecurityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: true,
    });
    this.loadBalancer.logAccessLogs(this.accessLogBucket, 'alb');

    // An example certificate ARN (us-east-1, account 111111111111): synth stays offline, so nothing is requested
    // or validated. Put your own certificate's ARN here.
    const certificate = acm.Certificate.fromCertificateArn(this, 'Certificate',
      'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555');
    this.httpsListener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [certificate],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS, // TLS 1.3 and 1.2 only
      open: true,
    });
    this.httpListener = this.loadBalancer.addRedirect({
      sourcePort: 80,
      sourceProtocol: elbv2.ApplicationProtocol.HTTP,
      targetPort: 443,
      targetProtocol: elbv2.ApplicationProtocol.HTTPS,
    });

    // The application layer: /admin only from the office ranges, on this load balancer.
    this.waf = this.vpc.protectPaths('AdminOnlyFromOffice', this.loadBalancer, {
      protectedPaths: ['/admin'],
      allowedCidrs: ['198.51.100.0/24', '2001:db8:1::/48'],
    });

    // The application tier: an auto scaling group in the private Application subnets.
    this.appSecurityGroup = new ec2.SecurityGroup(this, 'AppSecurityGroup', {
      vpc: this.vpc,
      description: 'Application instances: TLS from the load balancer only',
      allowAllOutbound: false,
    });
    // Packages and AWS APIs over HTTPS (through the NAT gateway and the S3 gateway endpoint).
    this.appSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to package repositories and AWS APIs');
    const userData = ec2.UserData.forLinux();
    userData.addCommands(...APP_USER_DATA);
    this.appLaunchTemplate = new ec2.LaunchTemplate(this, 'AppLaunchTemplate', {
      // Graviton, resolved from an SSM parameter at deploy time (no lookup at synth).
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
      instanceType: new ec2.InstanceType('c7g.medium'),
      securityGroup: this.appSecurityGroup,
      role: new iam.Role(this, 'AppInstanceRole', {
        assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
        description: 'Application instances (no permissions)',
      }),
      userData,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      detailedMonitoring: true,
      associatePublicIpAddress: false,
      blockDevices: [{
        deviceName: '/dev/xvda',
        volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }),
      }],
    });
    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'App', {
      vpc: this.vpc,
      vpcSubnets: { subnetGroupName: 'Application' },
      // Two Nitro types that encrypt traffic between instances (Control Tower CT.AUTOSCALING.PR.6 and PR.11).
      mixedInstancesPolicy: {
        launchTemplate: this.appLaunchTemplate,
        launchTemplateOverrides: [
          { instanceType: new ec2.InstanceType('c7g.medium') },
          { instanceType: new ec2.InstanceType('m7g.medium') },
        ],
      },
      minCapacity: 2,
      maxCapacity: 4,
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
        additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
        gracePeriod: Duration.minutes(5),
      }),
      notifications: [{ topic: this.scalingEventsTopic() }],
    });
    // Control Tower CT.AUTOSCALING.PR.1 reads the zones from AvailabilityZones; the subnets already span two.
    (this.autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup).availabilityZones =
      this.vpc.selectSubnets({ subnetGroupName: 'Application' }).availabilityZones;

    // The virtual firewall layer: the load balancer's group may reach the instances on TLS 8443, nothing else may.
    this.vpc.allowTls(this.loadBalancer, this.autoScalingGroup, APP_TLS_PORT);
    this.httpsListener.addTargets('App', {
      port: APP_TLS_PORT,
      protocol: elbv2.ApplicationProtocol.HTTPS, // re-encrypted to the targets
      targets: [this.autoScalingGroup],
      healthCheck: { path: '/health', protocol: elbv2.Protocol.HTTPS, healthyHttpCodes: '200' },
    });

    // The data tier: PostgreSQL in the isolated Data subnets (no route to the internet either way), its storage,
    // backups and snapshots encrypted with a customer managed key, TLS required, and a security group that admits
    // only the application's group, on DATABASE_PORT.
    this.databaseSecurityGroup = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc: this.vpc,
      description: 'PostgreSQL: TLS from the application instances only',
      allowAllOutbound: false, // a database initiates nothing
    });
    const databaseKey = customerManagedKey(this, 'DatabaseKey', 'Encrypts the PostgreSQL storage, backups, snapshots and master password');
    const monitoringRole = new iam.Role(this, 'DatabaseMonitoringRole', {
      // Only for this account's instances (the confused deputy protection the RDS guide describes).
      assumedBy: new iam.ServicePrincipal('monitoring.rds.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': this.account } }),
      description: 'RDS enhanced monitoring: writes the database host metrics to the RDSOSMetrics log group',
    });
    const postgres = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 });
    this.database = new rds.DatabaseInstance(this, 'Database', {
      engine: postgres,
      instanceType: new ec2.InstanceType('m7g.large'),
      vpc: this.vpc,
      vpcSubnets: { subnetGroupName: 'Data' },
      securityGroups: [this.databaseSecurityGroup],
      port: DATABASE_PORT,
      storageEncrypted: true,
      storageEncryptionKey: databaseKey,
      // RDS keeps the master password in Secrets Manager, encrypted with the database's key, and rotates it; nothing
      // in the template holds it. Not `postgres`: a default administrator name is half a credential (CT.RDS.PR.22).
      credentials: rds.Credentials.fromUsername('phi_owner', { encryptionKey: databaseKey }),
      manageMasterUserPassword: true,
      iamAuthentication: true,
      // rds.force_ssl: the server refuses connections without TLS (HIPAA 164.312(e)(2)(ii)).
      parameterGroup: new rds.ParameterGroup(this, 'DatabaseParameters', {
        engine: postgres,
        description: 'PostgreSQL 16: TLS required, connections logged',
        parameters: { 'rds.force_ssl': '1', 'log_connections': '1', 'log_disconnections': '1' },
      }),
      multiAz: true,
      backupRetention: Duration.days(35),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      cloudwatchLogsExports: ['postgresql', 'upgrade'],
      monitoringInterval: Duration.seconds(60),
      monitoringRole,
      publiclyAccessible: false,
    });
    this.grantEnhancedMonitoring(this.database, monitoringRole);
    this.backUp(this.database, databaseKey);
    this.vpc.allowTls(this.autoScalingGroup, this.database, DATABASE_PORT);

    for (const ack of EXAMPLE_ACKNOWLEDGEMENTS.filter((a) => a.by === 'examples/hipaa-app.ts')) {
      Validations.of(this.findScope(ack.scope)).acknowledge({ id: ack.id, reason: ack.reason });
    }
  }

  /**
   * What enhanced monitoring writes, and nothing more: the RDSOSMetrics log group and this instance's stream in it
   * (named by the instance's resource id). The AWS managed policy, AmazonRDSEnhancedMonitoringRole, allows the same
   * actions on every `RDS*` group of every account.
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html
   */
  private grantEnhancedMonitoring(database: rds.DatabaseInstance, role: iam.IRole): void {
    const group = `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:RDSOSMetrics`;
    new iam.ManagedPolicy(this, 'DatabaseMonitoringPolicy', {
      description: 'RDS enhanced monitoring of the example database',
      roles: [role],
      statements: [
        new iam.PolicyStatement({ actions: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy'], resources: [group] }),
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams', 'logs:GetLogEvents'],
          resources: [`${group}:log-stream:${(database.node.defaultChild as rds.CfnDBInstance).attrDbiResourceId}`],
        }),
      ],
    });
  }

  /** Daily AWS Backup recovery points of the database, kept 35 days in a vault encrypted with the database's key. */
  private backUp(database: rds.DatabaseInstance, key: kms.IKey): void {
    const plan = new backup.BackupPlan(this, 'DatabaseBackupPlan', {
      backupVault: new backup.BackupVault(this, 'DatabaseBackupVault', { encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN }),
      backupPlanRules: [new backup.BackupPlanRule({
        ruleName: 'Daily',
        scheduleExpression: events.Schedule.cron({ hour: '5', minute: '0' }),
        deleteAfter: Duration.days(35),
      })],
    });
    plan.addSelection('Database', { resources: [backup.BackupResource.fromRdsDatabaseInstance(database)] });
  }

  /** Auto scaling events (launches, terminations, failures) to an encrypted topic for the operations team. */
  private scalingEventsTopic(): sns.Topic {
    const key = customerManagedKey(this, 'ScalingEventsKey', 'Encrypts the auto scaling events topic');
    // Auto Scaling publishes with its service-linked role, which needs the key to encrypt the message. The role is
    // named in a condition, not as the principal: KMS rejects a policy naming a role that does not exist yet, and
    // in a fresh account the role appears only when the first group is created, after this key.
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowAutoScalingToPublish',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      resources: ['*'],
      conditions: {
        ArnEquals: { 'aws:PrincipalArn': `arn:${this.partition}:iam::${this.account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling` },
        StringEquals: { 'aws:PrincipalAccount': this.account },
      },
    }));
    return new sns.Topic(this, 'ScalingEvents', { masterKey: key, enforceSSL: true });
  }

  /** The construct at an acknowledgement's scope path (which starts with this stack's id). */
  private findScope(scopePath: string): IConstruct {
    const [stackId, ...rest] = scopePath.split('/');
    if (stackId !== EXAMPLE_STACK_ID) {
      throw new Error(`Acknowledgement scope '${scopePath}' must start with '${EXAMPLE_STACK_ID}/'`);
    }
    return rest.reduce<IConstruct>((node, childId) => node.node.findChild(childId), this);
  }
}

/** A customer managed key that rotates yearly and on which only AWS services may create grants (CT.KMS.PR.3). */
function customerManagedKey(scope: Construct, id: string, description: string): kms.Key {
  const key = new kms.Key(scope, id, { enableKeyRotation: true, description, removalPolicy: RemovalPolicy.RETAIN });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DenyGrantsUnlessForAwsResource',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  return key;
}

export const EXAMPLE_ENV = { account: '111111111111', region: 'us-east-1' };

/**
 * The context a real app would keep in cdk.context.json after `cdk synth` looked the zones up once: it lets
 * the example synthesize offline, with no credentials.
 */
export const EXAMPLE_CONTEXT = {
  [`availability-zones:account=${EXAMPLE_ENV.account}:region=${EXAMPLE_ENV.region}`]: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  // S3 server access log delivery is granted by bucket policy, not by the LogDeliveryWrite ACL: ACLs stay off.
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
};

/** Builds the example app with every check attached; tests call this too. */
export function buildExampleApp(app: App = new App({ context: EXAMPLE_CONTEXT }), options: ExampleAppOptions = {}): App {
  new HipaaExampleStack(app, EXAMPLE_STACK_ID, { env: EXAMPLE_ENV });
  if (options.checks ?? true) {
    // Our rules through both front doors: the aspect's errors fail `cdk synth`, the pack reports next to cdk-nag's.
    Aspects.of(app).add(new LayeredDefenseChecks());
    Validations.of(app).addPlugins(
      new HIPAASecurityChecks(app),
      new AwsSolutionsChecks(app),
      new CfnGuardValidator(),
      new LayeredDefenseNagPack(app),
    );
  }
  return app;
}

/** How to build the example app. */
export interface ExampleAppOptions {
  /**
   * Attach every check: cdk-nag's HIPAA.Security and AwsSolutions packs, the cfn-guard rules, and both of our
   * front doors. The benchmark turns them off to measure what they cost.
   *
   * @default true
   */
  readonly checks?: boolean;
}

if (require.main === module) {
  buildExampleApp().synth();
}
