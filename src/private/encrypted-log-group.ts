import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** What an audit log group needs: where it lives, how long it keeps records, and the key that encrypts them. */
export interface EncryptedLogGroupOptions {
  readonly logGroupName?: string;
  readonly retention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** An existing key; when absent a key with yearly rotation is created. */
  readonly encryptionKey?: kms.IKey;
  readonly keyDescription: string;
}

/**
 * A CloudWatch Logs group encrypted with a customer managed KMS key (HIPAA 164.312(b) audit controls and
 * 164.312(a)(2)(iv) encryption). A new key rotates yearly, and its policy lets CloudWatch Logs use it only for
 * log groups of this account and Region (the encryption context condition AWS documents for
 * `logs.<region>.amazonaws.com`), and lets only AWS services create grants on it (Control Tower CT.KMS.PR.3).
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export function createEncryptedLogGroup(scope: Construct, id: string, options: EncryptedLogGroupOptions): logs.LogGroup {
  const encryptionKey = options.encryptionKey ?? createLogsKey(scope, `${id}Key`, options.keyDescription, options.removalPolicy);
  return new logs.LogGroup(scope, id, {
    logGroupName: options.logGroupName,
    retention: options.retention,
    removalPolicy: options.removalPolicy,
    encryptionKey,
  });
}

export function createLogsKey(scope: Construct, id: string, description: string, removalPolicy: RemovalPolicy): kms.Key {
  const stack = Stack.of(scope);
  const key = new kms.Key(scope, id, { enableKeyRotation: true, description, removalPolicy });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogsForThisAccountLogGroups',
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    },
  }));
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
