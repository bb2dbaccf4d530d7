import * as assert from 'node:assert/strict';
import type { PackagePlan, PlannedPackage } from '../../../src/packages/manager';
import { byteSize, consentMessage, downloadSize } from '../../../src/packages/prepare';

function planned(name: string, version: string, url: string, cached: boolean): PlannedPackage {
  return {
    name,
    version,
    url,
    cached,
    source: 'lock',
    fileName: url.slice(url.lastIndexOf('/') + 1),
    sha256: '0'.repeat(64),
    depends: [],
    imports: [],
    packageType: 'package',
    installDir: 'site',
  };
}

describe('packages: the consent question', () => {
  const plan: PackagePlan = {
    packages: [
      planned('numpy', '2.4.6', 'https://cdn.jsdelivr.net/pyodide/v314.0.7/full/numpy.whl', false),
      planned('six', '1.17.0', 'https://cdn.jsdelivr.net/pyodide/v314.0.7/full/six.whl', true),
      planned('attrs', '26.1.0', 'https://files.pythonhosted.org/packages/attrs.whl', false),
    ],
    downloadBytes: 3_150_000,
    downloadSizesKnown: true,
  };

  it('names what is downloaded (not what is cached), its size and where from', () => {
    assert.equal(
      consentMessage(plan, 'Python Sandbox: hello.py:1-3'),
      'Python Sandbox: hello.py:1-3 needs numpy 2.4.6, attrs 26.1.0: 3.1 MB to download from cdn.jsdelivr.net, files.pythonhosted.org.',
    );
  });

  it('says when a size is a lower bound', () => {
    assert.equal(downloadSize({ ...plan, downloadSizesKnown: false }), 'at least 3.1 MB');
  });
});

describe('packages: sizes', () => {
  it('reads as kB below 0.1 MB, as MB above', () => {
    assert.deepEqual([0, 1_377, 99_999, 100_000, 3_150_000].map(byteSize), ['1 kB', '1 kB', '100 kB', '0.1 MB', '3.1 MB']);
  });
});
