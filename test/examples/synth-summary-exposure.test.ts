// The main job's exposure lines (examples/synth-summary.ts), on small cloud assemblies written from the path-rule
// fixtures: each data store, who can reach it on which ports, and which layer decides; one line when there is none.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { summarizeAssembly } from '../../examples/synth-summary';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'templates', 'paths');

/** A cloud assembly holding one stack, `App`, whose template is the fixture. */
function assemblyOf(fixture: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'summary-exposure-'));
  fs.copyFileSync(path.join(FIXTURES, fixture), path.join(dir, 'App.template.json'));
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
    version: '36.0.0',
    artifacts: { App: { type: 'aws:cloudformation:stack', environment: 'aws://111111111111/us-east-1', properties: { templateFile: 'App.template.json' } } },
  }));
  return dir;
}

test('the summary lists the data store, the public tier that reaches it through the CIDR rule, and the layers that block the rest', () => {
  // GIVEN the data-tier fixture (the database admits the app's group and, by CIDR, the whole VPC)
  const dir = assemblyOf('data-tier.json');
  // WHEN
  const summary = summarizeAssembly(dir, 0);
  // THEN (the app's group is admitted by the first rule that admits it: the group reference)
  const start = summary.findIndex((l) => l.startsWith('Exposure of'));
  expect(summary.slice(start, start + 5)).toEqual([
    'Exposure of 1 data store (who can reach each, on which ports, and which layer decides):',
    '  App/Database (an RDS DB instance)',
    '    the internet: blocked on every port by route, security group',
    '    security group App/WebGroup: REACHABLE on tcp 5432 (admitted by App/DbGroup "ingress tcp 5432 from 10.0.0.0/16"); blocked elsewhere by security group',
    '    security group App/AppGroup: REACHABLE on tcp 5432 (admitted by App/DbGroup "ingress tcp 5432 from App/AppGroup"); blocked elsewhere by security group',
  ]);
  expect(summary[start + 5]).toMatch(/^Templates: /);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('an app without data stores gets one line saying so', () => {
  const dir = assemblyOf('cloudfront-origin.json');
  expect(summarizeAssembly(dir, 0)).toContain(
    'Exposure: no data stores (RDS, ElastiCache, OpenSearch in a VPC, EFS mount targets, or workloads tagged cdk-layered-defense:data-classification=e-PHI).');
  fs.rmSync(dir, { recursive: true, force: true });
});
