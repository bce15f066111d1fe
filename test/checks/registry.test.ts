import * as fs from 'fs';
import * as path from 'path';
import { renderRulesMd, ruleAnchor } from '../../build-tools/rules-md';
import { RULES } from '../../src/analysis/rules/registry';

/** The rows of the rule table in RULES.md, cells unescaped. */
function documentedRules(): string[][] {
  const text = fs.readFileSync(path.join(__dirname, '..', '..', 'RULES.md'), 'utf8');
  return text.split('\n')
    .filter((line) => line.startsWith('| LayeredDefense-'))
    .map((line) => line.slice(2, -2).split(/ (?<!\\)\| /).map((cell) => cell.replace(/\\\|/g, '|')));
}

describe('RULES.md', () => {
  test('is what build-tools/rules-md.ts writes from the registry (run `npx projen rules:md` after changing a rule)', () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'RULES.md'), 'utf8');
    expect(committed).toEqual(renderRulesMd());
  });

  test('has a heading per rule, at the anchor reports link to', () => {
    const text = fs.readFileSync(path.join(__dirname, '..', '..', 'RULES.md'), 'utf8');
    for (const rule of RULES) {
      expect(text).toContain(`\n### ${rule.id}\n`);
      expect(ruleAnchor(rule.id)).toBe(rule.id.toLowerCase());
    }
  });

  test('the README lists every rule in its rule table, by layer', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('### Rules'), readme.indexOf('Every id is `LayeredDefense-<name>`'));
    const listed = [...table.matchAll(/\b([A-Z][A-Za-z0-9]+)(?: \(warning\))?(?=,|\s\|)/g)].map((m) => m[1]);
    expect(new Set(listed)).toEqual(new Set(RULES.map((r) => r.id.slice('LayeredDefense-'.length))));
  });

  test('has one row per registered rule, in registry order, equal to the registry', () => {
    const expected = RULES.map((r) => [r.id, r.level, r.layer, r.summary, r.why, r.hipaa ?? '-', r.fix]);
    expect(documentedRules()).toEqual(expected);
  });
});

describe('registry', () => {
  test('ids are unique, prefixed, and each rule file is named after its id', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^LayeredDefense-[A-Z][A-Za-z0-9]+$/);
      const short = rule.id.slice('LayeredDefense-'.length);
      const files = [...fs.readdirSync(path.join(__dirname, '..', '..', 'src', 'analysis', 'rules'), { recursive: true })].map(String);
      expect(files.some((f) => f.endsWith(`${short}.ts`))).toBe(true);
    }
  });

  test('every rule has a one-line fix and says why; errors in a HIPAA layer cite the Security Rule', () => {
    for (const rule of RULES) {
      expect(rule.fix).not.toMatch(/\n/);
      expect(rule.why.length).toBeGreaterThan(20);
      if (rule.hipaa) {
        expect(rule.hipaa).toMatch(/^164\.312\([a-e]\)(\(\d\))?(\([ivx]+\))?$/);
      }
    }
  });
});
