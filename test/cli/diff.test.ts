// The `diff` subcommand on real template fixtures (test/fixtures/templates/diff/), read by the real reader: the
// guidance's examples, both formats, --output and every exit code.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cli } from './cli-harness';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'templates', 'diff');
const ASSEMBLIES = path.join(__dirname, '..', 'fixtures', 'assemblies');
const ADMIN = '198.51.100.7/32';

function diff(...argv: string[]) {
  return cli(['diff', ...argv], { cwd: FIXTURES });
}

function json(stdout: string) {
  return JSON.parse(stdout) as { changes: Array<Record<string, any>> };
}

describe('diff: the guidance example (SSH from one admin address on a bastion instance)', () => {
  test('text: the rule removed lingers 432,000 s and names the NACL deny that cuts it; exit 0 (it advises)', () => {
    // GIVEN the bastion's group admitted SSH from the admin address, WHEN the rule is removed
    const run = diff('bastion-ssh.json', 'bastion-ssh-revoked.json');

    // THEN
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('bastion-ssh BastionSg (AWS::EC2::SecurityGroup) ingress: established connections linger up to 432000 s (5 days)');
    expect(run.stdout).toContain(`  - tcp 22 from ${ADMIN} - lingers 432000 s (5 days)`);
    expect(run.stdout).toContain(`  cut off now: blocklist.addBlockedCidrs(['${ADMIN}'])`);
    expect(run.stdout).toMatch(/keep the deny longer than 432000 s \(5 days\)/);
    expect(run.stdout).toMatch(/1 change remove access: 1 leave established connections up \(longest 432000 s \(5 days\)\), 0 cut at once\.\n$/);
  });

  test('JSON: the issue\'s shape, with the NACL deny, the subnet and how long to keep it', () => {
    const run = diff('bastion-ssh.json', 'bastion-ssh-revoked.json', '--format', 'json');
    expect(run.code).toBe(0);
    const { changes } = json(run.stdout);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      stackName: 'bastion-ssh',
      logicalId: 'BastionSg',
      direction: 'ingress',
      removed: [{ peer: ADMIN, protocol: 'tcp', ports: '22', lingerSeconds: 432_000 }],
      lingerSeconds: 432_000,
      tracked: true,
      cutOff: { naclDenyCidrs: [ADMIN], keepLongerThanSeconds: 432_000, subnets: ['PublicSubnet'], code: `blocklist.addBlockedCidrs(['${ADMIN}'])` },
    });
    expect(changes[0].message).toMatch(/stay up until idle for 432000 s/);
  });

  test('with ConnectionTrackingSpecification TcpEstablishedTimeout 1800 on the launch template: 1,800 s', () => {
    const text = diff('bastion-1800-ssh.json', 'bastion-1800-ssh-revoked.json');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('ingress: established connections linger up to 1800 s (30 minutes)');
    expect(text.stdout).toContain('(TcpEstablishedTimeout on AWS::EC2::LaunchTemplate BastionTemplate)');

    const { changes } = json(diff('bastion-1800-ssh.json', 'bastion-1800-ssh-revoked.json', '--format=json').stdout);
    expect(changes).toMatchObject([{ logicalId: 'BastionSg', lingerSeconds: 1800, tracked: true, cutOff: { keepLongerThanSeconds: 1800 } }]);
  });

  test('a deployed template against a cloud assembly: the lone stacks are paired', () => {
    // GIVEN the deployed template (a file) and a fresh cdk.out (a directory with manifest.json)
    const run = diff('bastion-ssh.json', path.join(ASSEMBLIES, 'bastion-revoked'), '--format', 'json');
    expect(run.code).toBe(0);
    expect(json(run.stdout).changes).toMatchObject([{ stackName: 'bastion-ssh', logicalId: 'BastionSg', lingerSeconds: 432_000 }]);
  });
});

describe('diff: what is cut at once', () => {
  test('HTTPS from 0.0.0.0/0 removed on a group with all egress: untracked, cut at once, no cut-off advice', () => {
    const text = diff('web-https.json', 'web-https-revoked.json');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('web-https WebSg (AWS::EC2::SecurityGroup) ingress: cut at once');
    expect(text.stdout).toContain('  - tcp 443 from 0.0.0.0/0\n');
    expect(text.stdout).not.toContain('cut off now');

    const { changes } = json(diff('web-https.json', 'web-https-revoked.json', '--format', 'json').stdout);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ logicalId: 'WebSg', lingerSeconds: 0, tracked: false });
    expect(changes[0].cutOff).toBeUndefined();
  });

  test('a NACL entry removed: immediate', () => {
    const text = diff('nacl-ssh.json', 'nacl-ssh-removed.json');
    expect(text.stdout).toContain('nacl-ssh AllowSshFromAdmin (AWS::EC2::NetworkAclEntry) ingress: cut at once');
    expect(text.stdout).toMatch(/Network ACLs are stateless: the change applies to established connections at once/);

    const { changes } = json(diff('nacl-ssh.json', 'nacl-ssh-removed.json', '--format', 'json').stdout);
    expect(changes).toMatchObject([{ logicalId: 'AllowSshFromAdmin', resourceType: 'AWS::EC2::NetworkAclEntry', lingerSeconds: 0, tracked: false }]);
  });

  test('no change: says so in text, an empty list in JSON', () => {
    expect(diff('bastion-ssh.json', 'bastion-ssh.json').stdout).toBe('No security group or network ACL change removes access.\n');
    expect(json(diff('bastion-ssh.json', 'bastion-ssh.json', '--format', 'json').stdout)).toEqual({ changes: [] });
  });

  test('adding access is not a removal: the reverse of a revocation reports nothing', () => {
    expect(json(diff('bastion-ssh-revoked.json', 'bastion-ssh.json', '--format', 'json').stdout)).toEqual({ changes: [] });
  });
});

describe('diff: exit codes', () => {
  test.each([
    ['bastion-ssh.json', 'bastion-ssh-revoked.json', 1],
    ['bastion-1800-ssh.json', 'bastion-1800-ssh-revoked.json', 1],
    ['web-https.json', 'web-https-revoked.json', 0],
    ['nacl-ssh.json', 'nacl-ssh-removed.json', 0],
    ['bastion-ssh.json', 'bastion-ssh.json', 0],
  ])('--fail-on-lingering: %s -> %s exits %d', (before, after, code) => {
    const run = diff(before, after, '--fail-on-lingering');
    expect(run.code).toBe(code);
    expect(run.stderr).toBe('');
  });

  test('without --fail-on-lingering a lingering change exits 0', () => {
    expect(diff('bastion-ssh.json', 'bastion-ssh-revoked.json', '--format', 'json').code).toBe(0);
  });

  test('--fail-on-lingering applies to JSON output as well', () => {
    const run = diff('--fail-on-lingering', 'bastion-ssh.json', 'bastion-ssh-revoked.json', '--format', 'json');
    expect(run.code).toBe(1);
    expect(json(run.stdout).changes).toHaveLength(1);
  });

  test.each([
    [['bastion-ssh.json'], /^cdk-layered-defense: diff needs two paths, <before> and <after> .*, not 1; see 'cdk-layered-defense diff --help'\n$/],
    [['a.json', 'b.json', 'c.json'], /diff needs two paths.*not 3/],
    [['bastion-ssh.json', 'web-https.json', '--format', 'sarif'], /^cdk-layered-defense: --format must be one of text, json, not 'sarif'\n$/],
    [['bastion-ssh.json', 'web-https.json', '--output='], /^cdk-layered-defense: --output needs a file name\n$/],
    [['bastion-ssh.json', 'web-https.json', '--fail-on', 'error'], /^cdk-layered-defense: unknown option '--fail-on' for diff/],
    [['bastion-ssh.json', 'web-https.json', '--fail-on-lingering=yes'], /^cdk-layered-defense: --fail-on-lingering takes no value\n$/],
  ])('2 for a usage error: %j', (argv, message) => {
    const run = diff(...argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  test('2 with one line naming the file when an input does not exist', () => {
    const run = diff('missing.json', 'bastion-ssh.json');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^\S*missing\.json: no such file or directory\n$/);
    expect(run.stdout).toBe('');
  });

  test('2 with one line, not a stack trace, when an input is not valid JSON or not a template', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-cli-'));
    try {
      fs.writeFileSync(path.join(dir, 'broken.json'), '{ "Resources": { "A": ');
      fs.writeFileSync(path.join(dir, 'list.json'), '[1, 2]');
      for (const bad of ['broken.json', 'list.json']) {
        const run = cli(['diff', path.join(FIXTURES, 'bastion-ssh.json'), bad], { cwd: dir });
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(new RegExp(`${bad.replace('.', '\\.')}`));
        expect(run.stderr.trim().split('\n')).toHaveLength(1);
        expect(run.stderr).not.toMatch(/\bat .*\.ts:\d+/);
      }
      // A directory without manifest.json is not a cloud assembly.
      const run = cli(['diff', dir, path.join(FIXTURES, 'bastion-ssh.json')], { cwd: dir });
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('diff: --output and help', () => {
  test('--output writes the report to the file (relative to the working directory) and says what it holds', () => {
    const run = diff('bastion-ssh.json', 'bastion-ssh-revoked.json', '--format', 'json', '--output', 'reports/diff.json');
    expect(run.code).toBe(0);
    const written = run.files.get(path.join(FIXTURES, 'reports', 'diff.json'));
    expect(json(written!).changes).toMatchObject([{ logicalId: 'BastionSg', lingerSeconds: 432_000 }]);
    expect(run.stdout).toBe('cdk-layered-defense: wrote the json diff to reports/diff.json: 1 change remove access, 1 leaves established connections up\n');
  });

  test('--output with --fail-on-lingering still exits 1, and a file that cannot be written exits 2', () => {
    expect(diff('bastion-ssh.json', 'bastion-ssh-revoked.json', '--output', 'd.txt', '--fail-on-lingering').code).toBe(1);
    const run = cli(['diff', 'bastion-ssh.json', 'bastion-ssh-revoked.json', '--output', 'ro/d.txt'], {
      cwd: FIXTURES,
      io: { writeFile: () => { throw Object.assign(new Error('denied'), { code: 'EACCES' }); } },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('cdk-layered-defense: cannot write ro/d.txt: EACCES\n');
  });

  test.each([[['diff', '--help']], [['help', 'diff']]])('%j shows every diff option and its exit codes', (argv) => {
    const run = cli(argv);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: cdk-layered-defense diff \[options\] <before> <after>/);
    for (const option of ['--format text|json', '--output <file>', '--fail-on-lingering']) {
      expect(run.stdout).toContain(option);
    }
    expect(run.stdout).toContain('1  --fail-on-lingering, and a change leaves established connections up');
  });

  test('the tool help lists diff next to check', () => {
    const run = cli(['--help']);
    expect(run.stdout).toMatch(/^ {2}diff <before> <after> {2}Say what a change to security groups and network ACLs does to live connections$/m);
    expect(run.stdout).toContain('diff --fail-on-lingering: a change leaves established connections up');
  });
});
