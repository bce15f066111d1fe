/**
 * Fails the build when the npm package would ship anything but the library: lists the files of the tarball that
 * `package:js` wrote (`dist/js/*.tgz`, the file `npm publish` uploads) and compares them with an allowlist.
 *
 * Usage: ts-node build-tools/check-package-files.ts <directory holding the tarball>
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The package's bundled dependencies (`bundledDependencies` in package.json): jsii ships the non-jsii runtime
 * dependencies (the template reader's YAML parser) inside the tarball, under node_modules/.
 */
const BUNDLED: readonly string[] = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).bundledDependencies ?? [];

/** What a jsii construct library ships. Anything else (cdk.out*, bench/, examples/, .ci/, test/, ...) is a leak. */
const ALLOWED: readonly RegExp[] = [
  ...BUNDLED.map((name) => new RegExp(`^node_modules/${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`)),
  /^package\.json$/,
  /^\.jsii$/, // the jsii assembly: the other languages and Construct Hub read it
  /^lib\/.+\.(js|d\.ts)$/,
  /^(README|API|RULES)\.md$/,
  /^LICENSE$/,
  /^rosetta\/[^/]+\.ts-fixture$/, // Construct Hub compiles the README's examples with these fixtures
];

/** Files the package cannot work without. */
const REQUIRED: readonly string[] = ['package.json', '.jsii', 'lib/index.js', 'lib/index.d.ts', 'README.md', 'LICENSE'];

export function unexpectedFiles(files: readonly string[]): { unexpected: string[]; missing: string[] } {
  return {
    unexpected: files.filter((f) => !ALLOWED.some((pattern) => pattern.test(f))),
    missing: REQUIRED.filter((f) => !files.includes(f)),
  };
}

if (require.main === module) {
  const dir = process.argv[2] ?? 'dist/js';
  const tarballs = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.tgz')) : [];
  if (tarballs.length !== 1) {
    console.error(`check-package-files: expected one .tgz in ${dir}, found ${tarballs.length}: run package:js first`);
    process.exit(1);
  }
  const tarball = path.join(dir, tarballs[0]);
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n')
    .filter((line) => line !== '' && !line.endsWith('/'))
    .map((line) => line.replace(/^package\//, ''));
  const { unexpected, missing } = unexpectedFiles(files);
  if (unexpected.length > 0 || missing.length > 0) {
    console.error(`check-package-files: ${tarball} is not the library alone.`);
    for (const f of unexpected) {
      console.error(`  unexpected: ${f} (exclude it in .projenrc.ts with project.npmignore, or allow it in build-tools/check-package-files.ts)`);
    }
    for (const f of missing) {
      console.error(`  missing: ${f}`);
    }
    process.exit(1);
  }
  console.log(`check-package-files: ${tarball} holds ${files.length} files, all expected.`);
}
