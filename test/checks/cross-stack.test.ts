// The two-stack case people write: a Network stack owns the VPC, its NACL and the load balancer's group; an App
// stack adds a NACL entry to it, a rule referencing its group, and a web ACL association. Every front door reports
// the same findings, on the same resources, as for one stack holding everything.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { annotations, Message } from './support';
import { build, ENV, twoStacks } from './two-stack-app';
import { LayeredDefenseChecks, LayeredDefenseNagPack } from '../../src/frontdoors';
import { readFindings } from '../support/validation';

/** `[ruleId, level, construct path]`, sorted, with the stack name taken off the path (to compare layouts). */
function verdicts(messages: readonly Message[]): string[] {
  return messages.filter((m) => m.level !== 'info').map((m) => `${m.ruleId} ${m.level} ${m.path.replace(/^\/(Network|App|Single)\//, '/')}`).sort();
}

describe('an app split into a network stack and an app stack', () => {
  test('GIVEN the aspect WHEN synthesized THEN the entry, the rule and the association are judged with what they refer to in the other stack', () => {
    // GIVEN
    const { app } = twoStacks();
    // WHEN
    LayeredDefenseChecksOn(app);
    app.synth();
    // THEN the cross-stack findings sit on the resources of the App stack that cause them
    const messages = annotations(app);
    expect(messages.filter((m) => m.ruleId === 'LayeredDefense-NaclDenyShadowed').map((m) => m.path)).toEqual(['/App/BlockBadActor/Resource']);
    expect(messages.filter((m) => m.ruleId === 'LayeredDefense-SgOpenIngress').map((m) => [m.path, m.level])).toEqual([['/App/SshFromAnywhere', 'error']]);
    expect(messages.filter((m) => m.ruleId === 'LayeredDefense-PublicEndpointWithoutWaf')).toEqual([]);
    expect(messages.filter((m) => m.ruleId === 'LayeredDefense-CannotVerify')).toEqual([]);
  });

  test('GIVEN the same resources in one stack THEN the aspect reaches the same verdicts on the same resources', () => {
    const split = twoStacks();
    LayeredDefenseChecksOn(split.app);
    split.app.synth();

    const single = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'single-stack-')) });
    const stack = new Stack(single, 'Single', { env: ENV });
    build(stack, stack);
    LayeredDefenseChecksOn(single);
    single.synth();

    expect(verdicts(annotations(split.app))).toEqual(verdicts(annotations(single)));
    expect(verdicts(annotations(single)).length).toBeGreaterThan(0);
  });

  test('GIVEN the nag pack WHEN synthesized THEN its report names the same resources, each finding with its own message', () => {
    // GIVEN
    const { app } = twoStacks();
    Validations.of(app).addPlugins(new LayeredDefenseNagPack(app));
    // WHEN
    expect(() => app.synth()).toThrow(/LayeredDefense-NaclDenyShadowed/);
    // THEN
    const ours = readFindings(app.outdir).filter((f) => f.plugin === 'LayeredDefense');
    expect(ours.filter((f) => f.rule === 'LayeredDefense-NaclDenyShadowed').map((f) => f.paths)).toEqual([['App/BlockBadActor/Resource']]);
    expect(ours.filter((f) => f.rule === 'LayeredDefense-SgOpenIngress').map((f) => f.paths)).toEqual([['App/SshFromAnywhere']]);
    expect(ours.filter((f) => f.rule === 'LayeredDefense-PublicEndpointWithoutWaf')).toEqual([]);
    const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8'));
    const texts = JSON.stringify(report);
    expect(texts).toMatch(/inbound IPv4 rule 200 \(DENY 198\.51\.100\.0\/24 all traffic\) is fully shadowed by ALLOW rule 100/);
  });
});

function LayeredDefenseChecksOn(app: App): void {
  const aspect = new LayeredDefenseChecks();
  for (const stack of app.node.findAll().filter(Stack.isStack)) {
    aspect.visit(stack);
  }
}
