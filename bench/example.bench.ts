/**
 * What the checks cost on the main job: synth of the example HIPAA app with every check attached (cdk-nag's
 * HIPAA.Security and AwsSolutions packs, the cfn-guard rules, aws-cdk-lib's CloudFormation validation, and both of
 * our front doors) against the same app with no check at all. Each run builds a fresh app in a temporary folder.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aspects, Validations } from 'aws-cdk-lib';
import { BenchCase } from './harness';
import { buildExampleApp, EXAMPLE_CONTEXT, EXAMPLE_STACK_ID } from '../examples/hipaa-app';
import { LayeredDefenseChecks, LayeredDefenseNagPack } from '../src';

/** Which checks a run attaches. */
type Checks = 'all' | 'layered-defense only' | 'none';

/** Synthesizes the example app; returns the stack ids in the assembly. Throws if any check fails synth. */
function synthExample(checks: Checks): string[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-example-'));
  const validation = process.env.CDK_VALIDATION;
  if (checks !== 'all') {
    // Without the peers, aws-cdk-lib's own CloudFormation validation plugin is off too.
    process.env.CDK_VALIDATION = 'false';
  }
  try {
    const app = buildExampleApp(new App({ outdir, context: EXAMPLE_CONTEXT }), { checks: checks === 'all' });
    if (checks === 'layered-defense only') {
      Aspects.of(app).add(new LayeredDefenseChecks());
      Validations.of(app).addPlugins(new LayeredDefenseNagPack(app));
    }
    return app.synth().stacks.map((stack) => stack.id);
  } finally {
    if (validation === undefined) {
      delete process.env.CDK_VALIDATION;
    } else {
      process.env.CDK_VALIDATION = validation;
    }
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function sameAssembly(ours: unknown, peer: unknown): void {
  const expected = JSON.stringify([EXAMPLE_STACK_ID]);
  if (JSON.stringify(ours) !== expected || JSON.stringify(peer) !== expected) {
    throw new Error(`expected the assembly to hold ${expected} on both sides, got ${JSON.stringify(ours)} and ${JSON.stringify(peer)}`);
  }
}

export async function cases(): Promise<BenchCase[]> {
  return [
    {
      name: 'example HIPAA app: synth with every check (HIPAA.Security, AwsSolutions, cfn-guard, CloudFormation validation, our aspect and pack)',
      peerName: 'synth with no checks',
      ours: () => synthExample('all'),
      peer: () => synthExample('none'),
      check: sameAssembly,
    },
    {
      name: 'example HIPAA app: synth with only our aspect and pack',
      peerName: 'synth with no checks',
      ours: () => synthExample('layered-defense only'),
      peer: () => synthExample('none'),
      check: sameAssembly,
    },
  ];
}
