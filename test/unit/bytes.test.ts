import * as assert from 'node:assert/strict';
import { concatBytes, fillsBuffer, inOwnBuffer } from '../../src/sandbox/shared/bytes';

describe('byte helpers', () => {
  it('joins parts in order', () => {
    assert.deepEqual(concatBytes([Uint8Array.of(1, 2), Uint8Array.of(), Uint8Array.of(3)]), Uint8Array.of(1, 2, 3));
  });

  it('keeps bytes that fill their buffer, and copies a view at an odd offset into a buffer of its own', () => {
    const whole = Uint8Array.of(1, 2, 3);
    assert.equal(inOwnBuffer(whole), whole);
    const view = new Uint8Array(new ArrayBuffer(64), 3, 5).fill(7);
    assert.equal(fillsBuffer(view), false);
    const own = inOwnBuffer(view);
    assert.ok(fillsBuffer(own));
    assert.deepEqual(own, view);
  });

  it('copies a Node Buffer from the shared pool (whose slice would be another view)', () => {
    const pooled = Buffer.from('small');
    assert.equal(fillsBuffer(pooled), false);
    const own = inOwnBuffer(pooled);
    assert.ok(fillsBuffer(own));
    assert.equal(Buffer.from(own).toString(), 'small');
  });
});
