import * as assert from 'node:assert/strict';
import { encodeFrame, encodeRawFrameHeader, FrameError, FrameReader, MAX_FRAME_BYTES, MAX_FRAME_VALUES } from '../../src/sandbox/framing';

/** A frame with `body` as its bytes, whatever they are. */
function rawFrame(body: string): Uint8Array {
  const bytes = new TextEncoder().encode(body);
  const frame = new Uint8Array(4 + bytes.length);
  new DataView(frame.buffer).setUint32(0, bytes.length);
  frame.set(bytes, 4);
  return frame;
}

describe('framing', () => {
  it('round-trips messages, however the bytes are split', () => {
    const messages = [{ type: 'a', text: 'héllo\n' }, { type: 'b', list: [1, 2, 3] }, { type: 'c' }];
    const bytes = new Uint8Array(messages.flatMap((m) => [...encodeFrame(m)]));
    for (const size of [1, 3, 7, bytes.length]) {
      const reader = new FrameReader();
      const seen: unknown[] = [];
      for (let i = 0; i < bytes.length; i += size) seen.push(...reader.push(bytes.subarray(i, i + size)));
      assert.deepEqual(seen, messages, `in pieces of ${size}`);
      assert.equal(reader.partial, false);
    }
  });

  it('round-trips large messages split into small and large pieces alike', () => {
    const messages = [
      { type: 'a', text: 'x'.repeat(200_000) },
      { type: 'b', text: 'y'.repeat(70_000) },
      { type: 'c', text: 'z'.repeat(5) },
      { type: 'd', text: 'w'.repeat(130_000) },
    ];
    const bytes = new Uint8Array(messages.flatMap((m) => [...encodeFrame(m)]));
    const sizes = [1, 9, 65_535, 65_536, 100_000, 3, 40_000];
    const reader = new FrameReader();
    const seen: unknown[] = [];
    for (let i = 0, n = 0; i < bytes.length; n++) {
      const piece = bytes.subarray(i, i + sizes[n % sizes.length]);
      seen.push(...reader.push(piece));
      i += piece.length;
    }
    assert.deepEqual(seen, messages);
    assert.equal(reader.partial, false);
  });

  it('knows when a frame is waiting for the rest of its body', () => {
    const reader = new FrameReader();
    const frame = encodeFrame({ type: 'x' });
    assert.deepEqual(reader.push(frame.subarray(0, 6)), []);
    assert.equal(reader.partial, true);
    assert.deepEqual(reader.push(frame.subarray(6)), [{ type: 'x' }]);
  });

  it('refuses a frame longer than the limit from its header alone', () => {
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, MAX_FRAME_BYTES + 1);
    assert.throws(() => new FrameReader().push(header), FrameError);
  });

  it('refuses bodies that are not UTF-8 or not JSON, and accepts nothing after', () => {
    const reader = new FrameReader();
    const bad = rawFrame('{"type":');
    assert.throws(() => reader.push(bad), /not valid JSON/);
    assert.throws(() => reader.push(encodeFrame({ type: 'fine' })), /already failed/);
    const notUtf8 = new Uint8Array([0, 0, 0, 2, 0xff, 0xfe]);
    assert.throws(() => new FrameReader().push(notUtf8), /not valid UTF-8/);
  });

  it('refuses JSON that would create too many values, before parsing it', () => {
    const many = `[${'[],'.repeat(MAX_FRAME_VALUES)}[]]`;
    assert.throws(() => new FrameReader().push(rawFrame(many)), /more than 16384 values/);
    const deep = `${'['.repeat(MAX_FRAME_VALUES + 1)}${']'.repeat(MAX_FRAME_VALUES + 1)}`;
    assert.throws(() => new FrameReader().push(rawFrame(deep)), /more than 16384 values/);
  });

  it('a reader made for them takes raw frames of any size among JSON frames, however the bytes are split', () => {
    const big = new Uint8Array(MAX_FRAME_BYTES + 100).map((_, i) => i % 253);
    const parts = [encodeRawFrameHeader(big.length), big, encodeRawFrameHeader(0), encodeRawFrameHeader(3), new Uint8Array([7, 8, 9])];
    const stream = new Uint8Array([...parts.flatMap((part) => [...part]), ...encodeFrame({ type: 'run' })]);
    for (const size of [1, 5, 65_536, 1_000_003, stream.length]) {
      const reader = new FrameReader(MAX_FRAME_BYTES, { rawFrames: true });
      const seen: unknown[] = [];
      for (let i = 0; i < stream.length; i += size) seen.push(...reader.push(stream.subarray(i, i + size)));
      assert.equal(seen.length, 4, `in pieces of ${size}`);
      assert.deepEqual(seen[0], big);
      assert.deepEqual(seen.slice(1), [new Uint8Array(0), new Uint8Array([7, 8, 9]), { type: 'run' }]);
      assert.equal(reader.partial, false);
    }
  });

  it('a reader of what the sandbox sends refuses a raw frame as too long', () => {
    assert.throws(() => new FrameReader().push(encodeRawFrameHeader(3)), /exceeds the 33554432-byte limit/);
  });

  it('will not encode a message over the limit', () => {
    assert.throws(() => encodeFrame({ text: 'x'.repeat(MAX_FRAME_BYTES) }), RangeError);
  });
});
