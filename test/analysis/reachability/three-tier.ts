// The three-tier reachability fixture (test/fixtures/templates/reachability/three-tier.json) as a model, with an
// optional change to its resources, and the flow sources the scenario tests name.
import * as fs from 'fs';
import * as path from 'path';
import { FlowSource, ReachabilityModel } from '../../../src/analysis/reachability/explain';

export const REACHABILITY_FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'templates', 'reachability');

export function threeTier(change: (resources: any) => void = () => {}): ReachabilityModel {
  const template = JSON.parse(fs.readFileSync(path.join(REACHABILITY_FIXTURES, 'three-tier.json'), 'utf8'));
  change(template.Resources);
  return ReachabilityModel.fromStacks([{ id: 'App', stackName: 'App', template }]);
}

export const internet: FlowSource = { kind: 'internet' };
export const address = (cidr: string): FlowSource => ({ kind: 'address', cidr });
