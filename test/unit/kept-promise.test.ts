import * as assert from 'node:assert/strict';
import { KeptPromise } from '../../src/sandbox/shared/kept-promise';

describe('KeptPromise', () => {
  it('makes the value once and keeps it', async () => {
    const kept = new KeptPromise<number>();
    let made = 0;
    const make = async (): Promise<number> => ++made;
    assert.equal(await kept.get(make), 1);
    assert.equal(await kept.get(make), 1);
    assert.equal(made, 1);
  });

  it('makes it again after a failure, and after forget()', async () => {
    const kept = new KeptPromise<string>();
    await assert.rejects(
      kept.get(async () => {
        throw new Error('unreadable');
      }),
      /unreadable/,
    );
    assert.equal(await kept.get(async () => 'read'), 'read');
    kept.forget();
    assert.equal(await kept.get(async () => 'read again'), 'read again');
  });

  it('a making that fails after forget() does not drop the one made since', async () => {
    const kept = new KeptPromise<string>();
    let fail: (error: Error) => void = () => undefined;
    const first = kept.get(() => new Promise<string>((_, reject) => (fail = reject)));
    kept.forget();
    const second = kept.get(async () => 'new');
    fail(new Error('old'));
    await assert.rejects(first, /old/);
    assert.equal(await second, 'new');
    assert.equal(await kept.get(async () => 'not made'), 'new');
  });
});
