/** Wheel URLs come from the PyPI index and the installer: the host must not read its own files for them. */
import * as assert from 'node:assert/strict';
import { PackageError } from '../../../src/packages/errors';
import { checkResolvedWheels } from '../../../src/packages/pypi';

const wheel = (url: string): Record<string, unknown> => ({
  name: 'demo',
  version: '1.0',
  file_name: url,
  sha256: 'a'.repeat(64),
  depends: [],
  imports: ['demo'],
});

function refused(url: string, indexUrl: string): string {
  try {
    checkResolvedWheels([wheel(url)], 'the answer', indexUrl);
  } catch (error) {
    assert.ok(error instanceof PackageError && error.code === 'bad-file-name', String(error));
    return error.message;
  }
  return assert.fail(`${url} was accepted for ${indexUrl}`);
}

describe('packages: which wheel URLs the host downloads', () => {
  const https = 'https://pypi.example/simple';
  const local = 'file:///srv/index/simple';

  it('takes http and https URLs from any index', () => {
    for (const url of ['https://files.example/demo-1.0-py3-none-any.whl', 'http://files.example/demo-1.0-py3-none-any.whl'])
      for (const index of [https, local]) assert.equal(checkResolvedWheels([wheel(url)], 'x', index)[0].url, url);
  });

  it('refuses file: URLs from an http(s) index, naming the URL and why', () => {
    assert.match(
      refused('file:///home/user/.ssh/demo-1.0-py3-none-any.whl', https),
      /^the answer is not usable: demo: file:\/\/\/home\/user\/\.ssh\/demo-1\.0-py3-none-any\.whl is refused: file: URLs are not downloaded, only http\(s\) \(file: only from a PyPI index that is a file: URL\)$/,
    );
  });

  it('refuses other schemes', () => {
    for (const url of ['ftp://x/demo-1.0-py3-none-any.whl', 'data:,demo-1.0-py3-none-any.whl', 'blob:https://x/demo.whl'])
      assert.match(refused(url, https), /URLs are not downloaded, only http\(s\)/, url);
  });

  it('takes a file: URL from a file: index only inside its folder', () => {
    const inside = 'file:///srv/index/simple/demo/demo-1.0-py3-none-any.whl';
    assert.equal(checkResolvedWheels([wheel(inside)], 'x', local)[0].url, inside);
    for (const url of [
      'file:///srv/index/other/demo-1.0-py3-none-any.whl',
      'file:///srv/index/simple/../../../etc/demo-1.0-py3-none-any.whl',
      'file:///srv/index/simple/%2e%2e/x/demo-1.0-py3-none-any.whl',
      'file:///srv/index/simple/..%2F..%2Fetc/demo-1.0-py3-none-any.whl',
      'file:///srv/index/simplex/demo-1.0-py3-none-any.whl',
      'file://otherhost/srv/index/simple/demo-1.0-py3-none-any.whl',
    ])
      assert.match(refused(url, local), /is outside the folder of the PyPI index file:\/\/\/srv\/index\/simple/, url);
  });

  it('refuses URLs that carry credentials, and file names that read as others or name Windows devices', () => {
    assert.match(refused('https://user:secret@files.example/demo-1.0-py3-none-any.whl', https), /carries a user name or password/);
    assert.match(refused('https://files.example/demo-1.0-py3-none-any%E2%80%AE.whl', https), /invisible formatting character/);
    assert.match(refused('https://files.example/CON.whl', https), /device name on Windows/);
  });

  it('takes versions and names only in their own shape', () => {
    const answer = (fields: Record<string, unknown>): unknown[] => [
      { ...wheel('https://files.example/demo-1.0-py3-none-any.whl'), ...fields },
    ];
    for (const fields of [
      { version: '1\u001b[31m' },
      { version: '1'.repeat(65) },
      { imports: ['a/b'] },
      { imports: ['\u0000'] },
      { depends: ['a b'] },
    ]) {
      assert.throws(
        () => checkResolvedWheels(answer(fields), 'the answer', https),
        (error: unknown) => error instanceof PackageError && error.code === 'invalid',
        JSON.stringify(fields),
      );
    }
    assert.equal(
      checkResolvedWheels(answer({ version: '2.0.1rc1+local.7', imports: ['zope.interface'] }), 'x', https)[0].version,
      '2.0.1rc1+local.7',
    );
  });
});
