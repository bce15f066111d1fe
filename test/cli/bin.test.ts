// The bin as a user runs it: a separate node process, its exit code and its streams.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'src', 'cli', 'main.ts');

// Each case starts node with ts-node on a shared, busy machine.
jest.setTimeout(180_000);

function bin(...args: string[]) {
  return spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', MAIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json') },
    timeout: 150_000,
  });
}

describe('the cdk-layered-defense bin', () => {
  test('is declared in package.json, starts with a node shebang, and is not part of the library API', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ 'cdk-layered-defense': 'lib/cli/main.js' });
    expect(fs.readFileSync(MAIN, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(fs.readFileSync(path.join(ROOT, 'src', 'index.ts'), 'utf8')).not.toMatch(/['"]\.\/(cli|analysis)\b/);
  });

  test('a usage error exits 2 with one line on stderr and nothing on stdout', () => {
    const run = bin('check', 'cdk.out', '--format', 'xml');
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("cdk-layered-defense: --format must be one of text, json, sarif, not 'xml'\n");
    expect(run.stdout).toBe('');
  });

  test('--version exits 0 with the package version', () => {
    const run = bin('--version');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version}\n`);
  });
});
