import * as assert from 'node:assert/strict';
import { countJsonValues, jsonDepth } from '../../src/sandbox/shared/json-text';

describe('JSON text measures', () => {
  it('counts containers and elements outside strings only', () => {
    assert.equal(countJsonValues('{"a":[1,2],"b":"[,{"}', 100), 4);
    assert.equal(countJsonValues('"\\"[,"', 100), 0);
  });

  it('stops counting once past the limit', () => {
    assert.equal(countJsonValues('[],'.repeat(1000), 10), 11);
  });

  it('measures nesting outside strings only, no further than past the limit', () => {
    assert.equal(jsonDepth('{"a":[[1],{"b":"[[[["}]}', 100), 3);
    assert.equal(jsonDepth('"\\"[[["', 100), 0);
    assert.equal(jsonDepth('['.repeat(1000) + ']'.repeat(1000), 5), 6);
  });
});
