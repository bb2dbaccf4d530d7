/**
 * What a hostile PyPI index (through micropip's answer) or package index can make the host do:
 * it must not read local files for them, and must stay within bounds of time and memory.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as zlib from 'node:zlib';
import { PackageManager } from '../../../src/packages/manager';
import { fetchWithFiles } from '../../../src/packages/node-fetch';
import { NodeFileStore } from '../../../src/packages/node-store';
import { cacheRoot, createNodePackageManager, readBundledLock } from '../../../src/packages/node';
import type { PyPIResolver } from '../../../src/packages/pypi';
import { cachedFiles, cacheDirsFor, managerOn, rejectsWith } from '../../fixtures/package-tests';
import {
  bundledLockInfo,
  DIST_DIR,
  generatePackageIndex,
  servePackageIndex,
  sha256,
  type PackageIndexServer,
} from '../../fixtures/package-index';
import { storedZip, type DeflatedEntry } from '../../fixtures/zip';

/** `mib` MiB of spaces, deflated: about 1 KiB a MiB (blocks that each start afresh, so one is made and repeated). */
function deflateBomb(mib: number): DeflatedEntry {
  const block = zlib.deflateRawSync(Buffer.alloc(2 ** 20, 0x20), { finishFlush: zlib.constants.Z_FULL_FLUSH });
  const end = zlib.deflateRawSync(Buffer.alloc(0));
  return { deflated: Buffer.concat([...Array<Buffer>(mib).fill(block), end]), size: mib * 2 ** 20, crc: 0 };
}

describe('packages: a hostile index', function () {
  this.timeout(60_000);
  const newCacheDir = cacheDirsFor(this);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-index-'));
  let server: PackageIndexServer;
  before(async () => {
    server = await servePackageIndex(
      generatePackageIndex({ info: bundledLockInfo(), lock: [{ name: 'sandbox-demo-a', version: '1.0.0' }] }),
    );
  });
  after(async () => {
    await server.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** A manager on the test index whose PyPI resolutions are `answer` (a stand-in for a compromised installer or index). */
  const managerWith = (cacheDir: string, answer: unknown, resolutions: string[][] = []): PackageManager =>
    new PackageManager({
      store: new NodeFileStore(cacheRoot(cacheDir)),
      bundledLock: readBundledLock(DIST_DIR),
      indexUrl: server.indexUrl,
      pypiIndexUrl: server.pypiIndexUrl,
      resolver: {
        resolve: (request) => {
          resolutions.push([...request.requirements]);
          return Promise.resolve(answer);
        },
      } satisfies PyPIResolver,
      fetch: fetchWithFiles,
    });

  it('a wheel at a file: URL is refused before anything is read, so no local file is read or hashed', async () => {
    const secret = path.join(root, 'sandbox_secret-1.0-py3-none-any.whl');
    fs.writeFileSync(secret, 'a private file of the user');
    const secretHash = createHash('sha256').update(fs.readFileSync(secret)).digest('hex');
    const cacheDir = newCacheDir();
    for (const sha256 of [secretHash, '0'.repeat(64)]) {
      const answer = [{ name: 'sandbox-secret', version: '1.0', file_name: pathToFileURL(secret).href, sha256, depends: [], imports: [] }];
      const error = await rejectsWith(
        managerWith(cacheDir, answer).plan({ names: ['sandbox-secret'] }),
        'bad-file-name',
        /^the package installer's answer for sandbox-secret is not usable: sandbox-secret: file:.* is refused: file: URLs are not downloaded, only http\(s\)/,
      );
      assert.ok(!error.message.includes(sha256 === secretHash ? '0'.repeat(64) : secretHash));
    }
    assert.ok(!cachedFiles(cacheDir).some((file) => file.includes('sandbox_secret')), 'the local file was not cached');
  });

  it('a wheel whose METADATA inflates to 2 GiB is refused from its size, before micropip reads it', async () => {
    const index = generatePackageIndex({ info: bundledLockInfo(), pypi: [{ name: 'sandbox-pypi-bomb', version: '1.0.0' }] });
    const [wheel] = index.pypi.get('sandbox-pypi-bomb')!;
    const info = 'sandbox_pypi_bomb-1.0.0.dist-info';
    const bytes = storedZip(
      new Map<string, Uint8Array | DeflatedEntry>([
        [`${info}/WHEEL`, Buffer.from('Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n')],
        [`${info}/METADATA`, deflateBomb(2048)],
      ]),
    );
    index.pypi.set('sandbox-pypi-bomb', [{ ...wheel, bytes, sha256: sha256(bytes) }]);
    const bombs = await servePackageIndex(index);
    try {
      await rejectsWith(
        managerOn(bombs, newCacheDir()).plan({ names: ['sandbox-pypi-bomb'] }),
        'resolution',
        /sandbox_pypi_bomb-1\.0\.0\.dist-info\/METADATA says it inflates to 2048\.0 MiB, more than the 32 MiB a wheel's metadata may have/,
      );
    } finally {
      await bombs.close();
    }
  });

  it('a wheel without end stops the installer at its memory limit', async function () {
    // About 1.4 GB go through Node's fetch first: slow on a busy machine.
    this.timeout(180_000);
    // The index lists the wheel where this server sends bytes until the reader goes away.
    const chunk = Buffer.alloc(2 ** 20, 1);
    const endless = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      const more = (): void => {
        while (!response.destroyed && response.write(chunk));
        if (!response.destroyed) response.once('drain', more);
      };
      more();
    });
    await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
    const { port } = endless.address() as AddressInfo;
    const index = generatePackageIndex({ info: bundledLockInfo(), pypi: [{ name: 'sandbox-pypi-endless', version: '1.0.0' }] });
    const listing = await servePackageIndex(index, { wheelUrl: (fileName) => `http://127.0.0.1:${port}/${fileName}` });
    try {
      await rejectsWith(
        managerOn(listing, newCacheDir()).plan({ names: ['sandbox-pypi-endless'] }),
        'resolution',
        /^sandbox-pypi-endless: the package installer used more than its 1408 MiB of memory, and was stopped/,
      );
    } finally {
      endless.closeAllConnections();
      await Promise.all([new Promise((resolve) => endless.close(resolve)), listing.close()]);
    }
  });

  it('a wheel the index lists at a file: URL is refused by the installer, which reads no local file for an index', async () => {
    const index = generatePackageIndex({ info: bundledLockInfo(), pypi: [{ name: 'sandbox-pypi-local', version: '1.0.0' }] });
    const [wheel] = index.pypi.get('sandbox-pypi-local')!;
    // A real wheel on this machine: without Node's permission model, micropip read it and resolved it.
    const local = path.join(fs.mkdtempSync(path.join(root, 'local-')), wheel.fileName);
    fs.writeFileSync(local, wheel.bytes);
    const listing = await servePackageIndex(index, { wheelUrl: () => pathToFileURL(local).href });
    try {
      await rejectsWith(
        managerOn(listing, newCacheDir()).plan({ names: ['sandbox-pypi-local'] }),
        'resolution',
        /: file:\/\/\S+sandbox_pypi_local-1\.0\.0-py3-none-any\.whl is refused: the installer fetches http\(s\) URLs only$/,
      );
    } finally {
      await listing.close();
    }
  });

  it('a cached resolution that is not JSON, or not an answer, is resolved again', async () => {
    const cacheDir = newCacheDir();
    const answer = [
      { name: 'sandbox-rec', version: '1.0', file_name: `${server.url}files/sandbox_rec-1.0-py3-none-any.whl`, sha256: 'a'.repeat(64), depends: [], imports: [] },
    ];
    const resolutions: string[][] = [];
    await managerWith(cacheDir, answer, resolutions).plan({ names: ['sandbox-rec'] });
    const [record] = cachedFiles(cacheDir).filter((file) => file.startsWith('resolved/'));
    for (const broken of ['{"wheels": [', '{"not": "a list"}', '']) {
      fs.writeFileSync(path.join(cacheRoot(cacheDir), record), broken);
      const plan = await managerWith(cacheDir, answer, resolutions).plan({ names: ['sandbox-rec'] });
      assert.deepEqual(plan.packages.map((entry) => entry.name), ['sandbox-rec']);
    }
    assert.equal(resolutions.length, 4, 'resolved once, then again for each broken record');
  }); // prettier-ignore

  it('a resolution that makes no plan is not recorded: the next plan asks again', async () => {
    const cacheDir = newCacheDir();
    const answer = [
      { name: 'sandbox-orphan', version: '1.0', file_name: `${server.url}files/sandbox_orphan-1.0-py3-none-any.whl`, sha256: 'a'.repeat(64), depends: ['sandbox-nowhere'], imports: [] },
    ];
    const resolutions: string[][] = [];
    for (let i = 0; i < 2; i++) {
      await rejectsWith(managerWith(cacheDir, answer, resolutions).plan({ names: ['sandbox-orphan'] }), 'unknown', /^sandbox-nowhere: needed by sandbox-orphan, but nothing provides it$/);
    }
    assert.equal(resolutions.length, 2, 'asked each time, since nothing was recorded');
    assert.ok(!cachedFiles(cacheDir).some((file) => file.startsWith('resolved/')));
  }); // prettier-ignore

  it('a lock over 4 MiB is refused without reading it whole', async () => {
    const folder = fs.mkdtempSync(path.join(root, 'big-lock-'));
    fs.writeFileSync(path.join(folder, 'pyodide-lock.json'), JSON.stringify({ info: bundledLockInfo(), packages: {}, pad: 'x'.repeat(5 * 2 ** 20) }));
    const packages = createNodePackageManager({ cacheDir: newCacheDir(), distDir: DIST_DIR, indexUrl: pathToFileURL(folder).href });
    await rejectsWith(packages.plan({ names: ['numpy'] }), 'too-large', /^the lock file:.*pyodide-lock\.json is larger than 4\.0 MiB; it was refused$/);
  }); // prettier-ignore

  it('asks for at most 6 sizes at once, however many packages a plan holds', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `sandbox-many-${i}`);
    const many = await servePackageIndex(generatePackageIndex({ info: bundledLockInfo(), lock: names.map((name) => ({ name, version: '1.0.0' })) }));
    let inFlight = 0;
    let most = 0;
    let heads = 0;
    try {
      const packages = createNodePackageManager({ cacheDir: newCacheDir(), distDir: DIST_DIR, indexUrl: many.indexUrl });
      Object.assign(packages, {
        fetchFn: async (input: string, init?: RequestInit): Promise<Response> => {
          if (init?.method !== 'HEAD') return fetch(input, init);
          heads++;
          most = Math.max(most, ++inFlight);
          await new Promise((resolve) => setTimeout(resolve, 50));
          return fetch(input, init).finally(() => inFlight--);
        },
      });
      const plan = await packages.plan({ names });
      assert.equal(plan.packages.length, 30);
      assert.equal(heads, 30);
      assert.ok(most <= 6, `${most} HEAD requests at once`);
    } finally {
      await many.close();
    }
  }); // prettier-ignore

  describe('a server that answers a byte at a time', () => {
    let drip: http.Server;
    let base = '';
    const dripping = new Set<http.ServerResponse>();
    before(async () => {
      const index = generatePackageIndex({ info: bundledLockInfo(), lock: [{ name: 'sandbox-slow', version: '1.0.0' }] });
      drip = http.createServer((request, response) => {
        const lock = Buffer.from(JSON.stringify(index.lock));
        const body = request.url?.startsWith('/fast/pyodide-lock.json')
          ? lock
          : request.url?.endsWith('pyodide-lock.json')
            ? lock
            : [...index.files.values()][0];
        response.writeHead(200, { 'content-length': body.length });
        if (request.method === 'HEAD' || request.url?.startsWith('/fast/pyodide-lock.json'))
          return void response.end(request.method === 'HEAD' ? undefined : body);
        dripping.add(response);
        let sent = 0;
        const timer = setInterval(() => (sent < body.length ? response.write(body.subarray(sent, ++sent)) : undefined), 100);
        response.on('close', () => clearInterval(timer));
      });
      await new Promise<void>((resolve) => drip.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(drip.address() as AddressInfo).port}/`;
    });
    after(() => {
      drip.closeAllConnections();
      drip.close();
    });

    it('planning is stopped at the deadline, with an error naming the index', async () => {
      const packages = createNodePackageManager({ cacheDir: newCacheDir(), distDir: DIST_DIR, indexUrl: `${base}slow/`, deadlineMs: 1000 });
      const started = Date.now();
      await rejectsWith(packages.plan({ names: ['sandbox-slow'] }), 'unreachable', /^planning the packages took longer than 1 s and was stopped: http:\/\/127\.0\.0\.1:\d+\/slow\/, https:\/\/pypi\.org\/simple answered too slowly$/);
      assert.ok(Date.now() - started < 5000);
    }); // prettier-ignore

    it('downloading is stopped at the deadline, with an error naming the server', async () => {
      const packages = createNodePackageManager({ cacheDir: newCacheDir(), distDir: DIST_DIR, indexUrl: `${base}fast/`, deadlineMs: 1500 });
      const plan = await packages.plan({ names: ['sandbox-slow'] });
      await rejectsWith(packages.fetch(plan), 'unreachable', /^downloading the packages took longer than 1\.5 s and was stopped: http:\/\/127\.0\.0\.1:\d+ answered too slowly$/);
    }); // prettier-ignore
  });
});
