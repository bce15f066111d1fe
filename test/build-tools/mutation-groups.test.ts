// The mutation groups (build-tools/mutation.ts): every rule file is mutated by exactly one group, and every group's
// globs name files that exist, so a renamed test or rule cannot silently drop out of mutation testing.
import { readdirSync, statSync } from 'fs';
import { join } from 'path';
import { GROUPS } from '../../build-tools/mutation';

const ROOT = join(__dirname, '..', '..');

/** Stryker's glob forms used here: `*` within a name, `**\/` for any folders, `!` to exclude. */
function globRegex(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\*\*\//g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '(?:.*/)?')}$`);
}

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    return statSync(join(ROOT, path)).isDirectory() ? filesUnder(path) : [path];
  });
}

const ALL_FILES = [...filesUnder('src'), ...filesUnder('test')];

function expand(globs: readonly string[]): string[] {
  const include = globs.filter((g) => !g.startsWith('!')).map(globRegex);
  const exclude = globs.filter((g) => g.startsWith('!')).map((g) => globRegex(g.slice(1)));
  return ALL_FILES.filter((f) => include.some((r) => r.test(f)) && !exclude.some((r) => r.test(f)));
}

describe('mutation groups', () => {
  test('GIVEN the rule folders WHEN the groups are expanded THEN each rule file is mutated by exactly one group', () => {
    const owners = new Map<string, string[]>();
    for (const [name, group] of Object.entries(GROUPS)) {
      for (const file of expand(group.mutate)) {
        owners.set(file, [...(owners.get(file) ?? []), name]);
      }
    }
    for (const dir of ['src/analysis/rules/application', 'src/analysis/rules/subnet']) {
      for (const file of filesUnder(dir)) {
        expect({ file, groups: owners.get(file) ?? [] }).toEqual({ file, groups: [expect.any(String)] });
      }
    }
  });

  test.each(Object.entries(GROUPS))('GIVEN group %s WHEN its globs are expanded THEN each names at least one file', (_name, group) => {
    for (const glob of [...group.mutate, ...group.tests].filter((g) => !g.startsWith('!'))) {
      expect({ glob, matches: expand([glob]).length > 0 }).toEqual({ glob, matches: true });
    }
  });
});
