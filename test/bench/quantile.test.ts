import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quantile } from '../../bench/quantile.js';

describe('quantile (the bench’s medians and p95s)', () => {
  const twenty = Array.from({ length: 20 }, (_, i) => 20 - i); // 20, 19, ..., 1

  it('takes the p95 of 20 values as the 19th from the lowest, not the highest', () => {
    assert.equal(quantile(twenty, 0.95), 19);
  });

  it('takes the median of an odd count as the middle value, in any input order', () => {
    assert.equal(quantile([5, 1, 4, 2, 3], 0.5), 3);
    assert.equal(quantile([62.2, 49.1, 77, 55.5, 58], 0.5), 58);
  });

  it('takes the lower middle value as the median of an even count', () => {
    assert.equal(quantile(twenty, 0.5), 10);
  });

  it('takes the highest as the p95 of fewer than 20 values', () => {
    assert.equal(quantile([3, 1, 2], 0.95), 3);
    assert.equal(quantile(twenty.slice(0, 19), 0.95), 20);
  });

  it('handles one value and none', () => {
    assert.equal(quantile([7], 0.95), 7);
    assert.equal(quantile([7], 0.5), 7);
    assert.ok(Number.isNaN(quantile([], 0.5)));
  });

  it('leaves its input as it was', () => {
    const values = [3, 1, 2];
    quantile(values, 0.5);
    assert.deepEqual(values, [3, 1, 2]);
  });
});
