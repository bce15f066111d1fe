import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildExampleApp, EXAMPLE_CONTEXT, HipaaExampleStack } from '../../examples/hipaa-app';

interface ReportViolation {
  readonly ruleName: string;
  readonly severity?: string;
  readonly violatingResources?: unknown[];
}

function readViolations(outdir: string): ReportViolation[] {
  const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
  const violations: ReportViolation[] = [];
  for (const pluginReport of report.pluginReports ?? []) {
    violations.push(...(pluginReport.violations ?? []));
  }
  return violations;
}

describe('examples/hipaa-app.ts (the main job)', () => {
  test('synthesizes offline through HIPAA.Security, AwsSolutions and cfn-guard with no unacknowledged error', () => {
    // GIVEN the example app with every check attached
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hipaa-app-'));
    const app = buildExampleApp(new App({ outdir, context: EXAMPLE_CONTEXT }));

    // WHEN it synthesizes (synth throws when a plugin reports an unacknowledged error)
    app.synth();

    // THEN the report holds no error-level finding and no lookup was needed
    const errors = readViolations(outdir).filter((v) => (v.severity ?? '').toLowerCase() === 'error');
    expect(errors).toEqual([]);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    expect(manifest.missing ?? []).toEqual([]);
  });

  test('logs ALL VPC traffic to a KMS-encrypted log group kept six years', () => {
    // GIVEN
    const app = new App({ context: EXAMPLE_CONTEXT });
    const stack = new HipaaExampleStack(app, 'Example', { env: { account: '111111111111', region: 'us-east-1' } });

    // WHEN
    const template = Template.fromStack(stack);

    // THEN
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 2192, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FlowLogKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
  });
});
