import * as assert from 'node:assert/strict';
import { limitSetting } from '../../src/setting-limits';

describe('setting limits: a settings file cannot lift the caps', () => {
  it('keeps memory, output and time within their bounds', () => {
    assert.equal(limitSetting('memoryLimitMb', 1_000_000), 4096);
    assert.equal(limitSetting('memoryLimitMb', 1), 64);
    assert.equal(limitSetting('maxOutputBytes', 1e12), 100 * 2 ** 20);
    assert.equal(limitSetting('timeoutSeconds', 1e9), 86_400);
    assert.equal(limitSetting('timeoutSeconds', -5), 0);
  });

  it('takes a value within bounds as it is, and the default for anything but a number', () => {
    assert.equal(limitSetting('memoryLimitMb', 512), 512);
    assert.equal(limitSetting('memoryLimitMb', '9999'), 1024);
    assert.equal(limitSetting('maxOutputBytes', Number.NaN), 10 * 2 ** 20);
    assert.equal(limitSetting('timeoutSeconds', undefined), 60);
  });
});
