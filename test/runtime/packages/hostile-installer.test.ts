/**
 * Whatever runs in the installer process (a wheel's WebAssembly, a compromised micropip) may
 * write anything to its channel and its stderr. The extension host must refuse it, stop the
 * installer and fail with a PackageError: never crash, wait forever, buffer without bound, or
 * echo host paths and terminal escapes. Each case runs a stand-in `package-installer.js` under
 * the installer's real command line.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InstallerProcess } from '../../../src/packages/node-installer';
import { osIsolationWrapper } from '../../../src/sandbox/transport/child-process';
import type { PyPIRequest } from '../../../src/packages/pypi';
import { rejectsWith } from '../../fixtures/package-tests';

/**
 * A stand-in installer: `body` runs with `write(bytes)` (raw bytes to fd 3, whatever the host
 * reads there) and `frame(text)` (a length-prefixed frame) in scope, and the process stays up.
 */
function hostileInstaller(root: string, body: string, execPath?: string): InstallerProcess {
  const dist = fs.mkdtempSync(path.join(root, 'dist-'));
  fs.writeFileSync(
    path.join(dist, 'package-installer.js'),
    `const write = (bytes) => { try { require('node:fs').writeSync(3, bytes); } catch {} };
     const frame = (text) => { const body = Buffer.from(text); const head = Buffer.alloc(4); head.writeUInt32BE(body.length); return Buffer.concat([head, body]); };
     setInterval(() => undefined, 1000);
     ${body}`,
  );
  return new InstallerProcess(dist, { frameDeadlineMs: 1000, ...(execPath ? { execPath } : {}) });
}

describe('packages: a hostile installer process', function () {
  this.timeout(30_000);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-installer-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  const request: PyPIRequest = {
    requirements: ['sandbox-x'],
    indexUrl: 'http://127.0.0.1:9/simple',
    lockJson: '{}',
    micropipLocation: path.join(root, 'micropip', 'micropip.whl'),
  };

  it('a malformed frame (also malformed as an IPC message) stops it with a PackageError', async () => {
    const installer = hostileInstaller(root, `write(Buffer.concat([frame('{bad'), Buffer.from('\\n')]));`);
    await rejectsWith(
      installer.resolve(request),
      'invalid',
      /^sandbox-x: the package installer broke its protocol \(a frame is not valid JSON\)/,
    );
  });

  it('a claim that Node refused the permission flags does not get it started again without them', async () => {
    // Under the permission model it fakes Node's refusal; without it, it answers (and could read any file).
    const installer = hostileInstaller(
      root,
      `if (process.permission) { process.stderr.write('node: bad option: --permission\\n'); process.exit(9); }
       write(frame('{"type":"resolved","wheels":[]}'));`,
    );
    await rejectsWith(installer.resolve(request), 'resolution', /^the package installer ended \(exit code 9\) without an answer/);
  });

  it('a claim that the OS refused its namespaces does not get it started again outside them', async function () {
    if (osIsolationWrapper().length === 0) return this.skip();
    // In its PID namespace it is process 1, and fakes unshare's refusal; outside, it answers.
    const installer = hostileInstaller(
      root,
      `if (process.pid === 1) { process.stderr.write('unshare: unshare failed: Operation not permitted\\n'); process.exit(1); }
       write(frame('{"type":"resolved","wheels":[]}'));`,
    );
    for (let start = 0; start < 2; start++)
      await rejectsWith(installer.resolve(request), 'resolution', /^the package installer ended \(exit code 1\) without an answer/);
  });

  /**
   * A stand-in Node (a shell script) that counts its starts in the file it returns, runs `refuse`
   * (shell) as the machine would refuse a part of the launch, and else runs Node.
   */
  function refusingNode(name: string, refuse: string): { node: string; starts: () => number } {
    const starts = path.join(root, `${name}-starts`);
    const node = path.join(root, name);
    fs.writeFileSync(node, `#!/bin/sh\necho start >> '${starts}'\n${refuse}\nexec '${process.execPath}' "$@"\n`, { mode: 0o755 });
    return { node, starts: () => fs.readFileSync(starts, 'utf8').trim().split('\n').length };
  }

  /** A stand-in installer that answers with where it runs: under Node's permission model, in a PID namespace. */
  const reportsItsLaunch = `write(frame(JSON.stringify({ type: 'resolved', wheels: [{ permission: !!process.permission, namespaced: process.pid === 1 }] })));`;

  it('a Node that rejects the permission flags is asked once, and the installer then runs without them', async function () {
    if (process.platform === 'win32') this.skip(); // the stand-in Node is a shell script
    const { node, starts } = refusingNode(
      'node-without-permissions',
      `for arg in "$@"; do
  case "$arg" in --permission|--experimental-permission) echo "$0: bad option: $arg" >&2; exit 9;; esac
done`,
    );
    const installer = hostileInstaller(root, reportsItsLaunch, node);
    const launched = [{ permission: false, namespaced: osIsolationWrapper().length > 0 }];
    assert.deepEqual(await installer.resolve(request), launched);
    assert.deepEqual(await installer.resolve(request), launched);
    // The flags were asked about once (a refusal, from Node: the namespaces were taken), then two installers ran without them.
    assert.equal(starts(), 3);
  });

  it('a machine that refuses the namespaces is asked once, and the installer then runs outside them, with the permission model', async function () {
    if (osIsolationWrapper().length === 0) return this.skip();
    // In the namespaces, the stand-in is process 1: it fails there as unshare fails where user namespaces are not allowed.
    const { node, starts } = refusingNode(
      'node-without-namespaces',
      `if [ "$$" = 1 ]; then echo "unshare: unshare failed: Operation not permitted" >&2; exit 1; fi`,
    );
    const installer = hostileInstaller(root, reportsItsLaunch, node);
    assert.deepEqual(await installer.resolve(request), [{ permission: true, namespaced: false }]);
    assert.deepEqual(await installer.resolve(request), [{ permission: true, namespaced: false }]);
    // Asked twice (the namespaces, refused; then Node's flags, taken), then two installers ran.
    assert.equal(starts(), 4);
  });

  it('one that grows past its memory limit is stopped, and the load fails saying so', async () => {
    // 64 MiB at a time, touched, up to 2.5 GiB: well past the limit, and short of the machine's.
    const installer = hostileInstaller(
      root,
      `const hog = []; const grow = () => { if (hog.length < 40) { hog.push(Buffer.alloc(64 * 2 ** 20, 1)); setTimeout(grow, 20); } }; grow();`,
    );
    await rejectsWith(
      installer.resolve(request),
      'resolution',
      /^sandbox-x: the package installer used more than its 1408 MiB of memory, and was stopped \(what http:\/\/127\.0\.0\.1:9\/simple sent was too large for it\)$/,
    );
  });

  it('a frame longer than the reply cap is refused from its header, without buffering its body', async () => {
    const installer = hostileInstaller(
      root,
      `write(Buffer.from([0xff, 0xff, 0xff, 0xff])); const mb = Buffer.alloc(2 ** 20, 120);
       const flood = () => { write(mb); setImmediate(flood); }; flood();`,
    );
    await rejectsWith(installer.resolve(request), 'invalid', /a frame of 4294967295 bytes exceeds the 1048576-byte limit/);
  });

  it('a frame left unfinished is refused after the frame deadline', async () => {
    const installer = hostileInstaller(root, `write(frame('{"type":"failed","message":"x"}').subarray(0, 10));`);
    const started = Date.now();
    await rejectsWith(installer.resolve(request), 'invalid', /a frame was left unfinished for 1 s/);
    assert.ok(Date.now() - started < 10_000);
  });

  it('a reply of the wrong shape, or a second reply, is refused', async () => {
    const replies = [
      '[]',
      '"resolved"',
      '{"type":"resolved","wheels":"x"}',
      '{"type":"resolved","wheels":[],"extra":1}',
      '{"type":"failed","message":7}',
      `{"type":"failed","message":"${'x'.repeat(70_000)}"}`,
      '{"type":"ready"}',
    ];
    for (const reply of replies) {
      const installer = hostileInstaller(root, `write(Buffer.concat([frame(${JSON.stringify(reply)}), Buffer.from('\\n')]));`);
      await rejectsWith(installer.resolve(request), 'invalid', /its reply is not a resolution or a failure of the expected shape/);
    }
    const twice = hostileInstaller(
      root,
      `write(Buffer.concat([frame('{"type":"resolved","wheels":[]}'), frame('{"type":"resolved","wheels":[]}')]));`,
    );
    await rejectsWith(twice.resolve(request), 'invalid', /it sent more than one reply/);
  });

  it('its stderr is capped, labelled, quoted, and shows no host path or control character', async () => {
    const home = os.homedir();
    const installer = hostileInstaller(
      root,
      `const junk = 'x'.repeat(1000) + '\\n';
       for (let i = 0; i < 300; i++) process.stderr.write(junk);
       process.stderr.write('\\u001b[31m\\u202e see ${home}/.ssh/id_rsa and ${request.micropipLocation}\\n', () => process.exit(1));`,
    );
    const error = await rejectsWith(
      installer.resolve(request),
      'resolution',
      /^the package installer ended \(exit code 1\) without an answer; its stderr \(untrusted\): ".*"$/,
    );
    assert.ok(!error.message.includes(home), error.message.slice(-300));
    assert.ok(!/[\u001b\u202e]/.test(error.message), 'no escape or bidi character');
    assert.ok(error.message.length < 3000, `${error.message.length} characters`);
  });

  it('a failure message is sanitized: no host path or control character', async () => {
    const message = JSON.stringify(`ValueError: \u001b[2J ${os.homedir()}/secret`);
    const installer = hostileInstaller(root, `write(frame(JSON.stringify({ type: 'failed', message: ${message} })));`);
    const error = await rejectsWith(
      installer.resolve(request),
      'resolution',
      /^sandbox-x: micropip could not resolve them from .*: ValueError:/,
    );
    assert.ok(!error.message.includes(os.homedir()) && !error.message.includes('\u001b'), error.message);
  });
});
