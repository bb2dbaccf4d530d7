import * as assert from 'node:assert/strict';
import { splitRequirementList } from '../../../src/packages/requirement-list';

describe('packages: --packages lists', () => {
  it('splits at commas that start a new requirement', () => {
    assert.deepEqual(splitRequirementList('numpy,pandas'), ['numpy', 'pandas']);
    assert.deepEqual(splitRequirementList(' numpy , pandas ,'), ['numpy', 'pandas']);
  });

  it('keeps the commas of version lists, extras and quoted marker values', () => {
    assert.deepEqual(splitRequirementList('attrs>=1,<2'), ['attrs>=1,<2']);
    assert.deepEqual(splitRequirementList('attrs>=1, !=1.5,numpy'), ['attrs>=1, !=1.5', 'numpy']);
    assert.deepEqual(splitRequirementList('pkg[a,b]>=1,numpy'), ['pkg[a,b]>=1', 'numpy']);
    assert.deepEqual(splitRequirementList('pkg (>=1,<2),numpy'), ['pkg (>=1,<2)', 'numpy']);
    assert.deepEqual(splitRequirementList(`pkg; platform_release == "a,b",numpy`), [`pkg; platform_release == "a,b"`, 'numpy']);
  });

  it('an empty list is empty', () => {
    assert.deepEqual(splitRequirementList(''), []);
    assert.deepEqual(splitRequirementList(' , '), []);
  });
});
