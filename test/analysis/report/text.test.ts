import { ALLOWLIST_ACKNOWLEDGED, CLEAN, OPEN_SSH, SHADOWED_DENY, STACK_LEVEL, TWO_STACKS } from './sample-result';
import { renderText } from '../../../src/analysis/report/text';

const ESC = '\u001b[';

describe('text report', () => {
  test('groups findings by stack, then by resource in file order, with rule, message, fix and position', () => {
    // GIVEN findings of two stacks, given out of file order
    // WHEN
    const text = renderText(TWO_STACKS);
    const lines = text.split('\n');

    // THEN each stack is a heading naming its template, in the order the analysis gave the stacks
    const network = lines.indexOf('Stack Network  cdk.out/Network.template.json');
    const app = lines.indexOf('Stack App  cdk.out/App.template.json');
    expect(network).toBeGreaterThanOrEqual(0);
    expect(app).toBeGreaterThan(network);
    // AND within App, resources come in line order (SshFromAnywhere at line 17 before DenyBadActors at 42)
    const ssh = lines.indexOf('  SshFromAnywhere  cdk.out/App.template.json:17:5');
    const deny = lines.indexOf('  DenyBadActors  App/DenyBadActors  cdk.out/App.template.json:42:5');
    expect(ssh).toBeGreaterThan(app);
    expect(deny).toBeGreaterThan(ssh);
    // AND a finding shows its level and rule id, then its message and its fix
    expect(lines.slice(deny + 1, deny + 4)).toEqual([
      '    error  LayeredDefense-NaclDenyShadowed',
      `      ${SHADOWED_DENY.message}`,
      `      Fix: ${SHADOWED_DENY.fix}`,
    ]);
    // AND the stack-level finding (no logical id) is listed first in its stack, under "(stack)"
    const stackLevel = lines.indexOf('  (stack)  cdk.out/Network.template.json');
    expect(stackLevel).toBeGreaterThan(network);
    expect(lines[stackLevel + 2]).toBe(`      ${STACK_LEVEL.message}`);
    expect(stackLevel).toBeLessThan(lines.indexOf('  Vpc  Network/Vpc/Resource  cdk.out/Network.template.json:12:5'));
  });

  test('shows an acknowledged finding with its reason, and does not count it as an error or warning', () => {
    // GIVEN
    const text = renderText(TWO_STACKS);

    // THEN
    const lines = text.split('\n');
    const at = lines.indexOf('  PartnerAcl  Network/PartnerAcl/Resource  cdk.out/Network.template.json:88:5');
    expect(lines[at + 1]).toBe('    acknowledged warning  LayeredDefense-NaclAllowlist');
    expect(lines[at + 4]).toBe(`      Acknowledged: ${ALLOWLIST_ACKNOWLEDGED.acknowledged}`);
    // AND the summary is the last line: 2 errors, 2 unacknowledged warnings, 1 acknowledged
    expect(lines[lines.length - 2]).toBe('2 errors, 2 warnings, 1 acknowledged in 2 stacks (14 resources)');
    expect(text.endsWith('\n')).toBe(true);
  });

  test('on a resource with several findings, errors come before warnings', () => {
    // GIVEN a warning reported before an error on the same resource
    const warning = { ...OPEN_SSH, ruleId: 'LayeredDefense-SgDenyIntent', level: 'warning' as const, message: 'description says deny' };
    const text = renderText({ findings: [warning, OPEN_SSH], stacks: 1, resources: 1 });

    // THEN
    expect(text.indexOf('error  LayeredDefense-SgOpenIngress')).toBeLessThan(text.indexOf('warning  LayeredDefense-SgDenyIntent'));
    expect(text).toContain('1 error, 1 warning in 1 stack (1 resource)');
  });

  test('says so when there is nothing to report', () => {
    expect(renderText(CLEAN)).toBe('No findings in 3 stacks (41 resources)\n');
  });

  test('names a nested stage stack by its name and its assembly id', () => {
    // GIVEN a stack whose id (Prod/Network) differs from its CloudFormation name
    const nested = { ...OPEN_SSH, stackName: 'Prod-Network', stackId: 'Prod/Network', file: 'cdk.out/assembly-Prod/ProdNetwork.template.json' };

    // THEN
    expect(renderText({ findings: [nested], stacks: 1, resources: 3 })).toContain('Stack Prod-Network [Prod/Network]  cdk.out/assembly-Prod/ProdNetwork.template.json');
  });

  test('uses colour only when asked', () => {
    // WHEN
    const plain = renderText(TWO_STACKS);
    const coloured = renderText(TWO_STACKS, { color: true });

    // THEN
    expect(plain).not.toContain(ESC);
    expect(coloured).toContain(`${ESC}31merror${ESC}0m`);
    expect(coloured).toContain(`${ESC}33mwarning${ESC}0m`);
    // AND the words are the same once the colour is stripped
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(plain);
  });

  test('a control character from a template cannot drive the terminal or forge a line', () => {
    // GIVEN a message carrying an escape sequence and a newline (template values end up in messages)
    const hostile = { ...OPEN_SSH, message: 'description "\u001b[2J\nerror  LayeredDefense-Fake" says deny' };

    // WHEN
    const text = renderText({ findings: [hostile], stacks: 1, resources: 1 });

    // THEN
    expect(text).not.toContain('\u001b');
    expect(text).toContain('description "\\u001b[2J\\u000aerror  LayeredDefense-Fake" says deny');
    expect(text.split('\n').filter((l) => l.includes('LayeredDefense-Fake'))).toHaveLength(1);
  });
});
