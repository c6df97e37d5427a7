import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucketSamples, MemoryStorage, type HistorySample } from '../../src/storage/db.js';

const sample = (t: number, active: number, extra: Partial<HistorySample> = {}): HistorySample => ({
  workspace: '*',
  t,
  resolution: 'raw',
  active,
  min: active,
  max: active,
  new: 1,
  gone: 0,
  ...extra,
});
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('history compaction', () => {
  it('should bucket samples keeping the last value, the range and the sums', () => {
    const [b] = bucketSamples(
      [sample(5_000, 3), sample(20_000, 9), sample(50_000, 4)],
      MIN,
      'minute',
    );
    assert.deepEqual(b, {
      workspace: '*',
      t: 0,
      resolution: 'minute',
      active: 4,
      min: 3,
      max: 9,
      new: 3,
      gone: 0,
    });
  });

  it('should compact raw samples to minutes, minutes to hours after a day, and drop after 30 days', async () => {
    const now = 40 * DAY;
    const store = new MemoryStorage();
    await store.addSample(sample(now - 31 * DAY, 1));
    await store.addSample(sample(now - 2 * DAY, 10));
    await store.addSample(sample(now - 2 * DAY + 30_000, 12));
    await store.addSample(sample(now - 2 * DAY + 10 * MIN, 14));
    await store.addSample(sample(now - HOUR, 20));
    await store.addSample(sample(now - HOUR + 10_000, 21));
    await store.addSample(sample(now - MIN, 30));
    await store.compact(now);
    const expected = [
      ['hour', now - 2 * DAY, 14, 10, 14, 3],
      ['minute', now - HOUR, 21, 20, 21, 2],
      ['raw', now - MIN, 30, 30, 30, 1],
    ];
    const rows = async () =>
      (await store.samples('*', 0)).map((s) => [s.resolution, s.t, s.active, s.min, s.max, s.new]);
    assert.deepEqual(await rows(), expected);
    // Compacting again changes nothing, and counts nothing twice.
    await store.compact(now);
    assert.deepEqual(await rows(), expected);
  });

  it('should not count raw samples twice when their minute already has a bucket', async () => {
    const now = 10 * DAY;
    const store = new MemoryStorage();
    const t = now - 2 * DAY;
    await store.addSample(sample(t, 5, { resolution: 'minute', new: 1 }));
    await store.addSample(sample(t + 1000, 6));
    await store.compact(now);
    const all = await store.samples('*', 0);
    assert.deepEqual(
      all.map((s) => [s.resolution, s.new]),
      [['hour', 2]],
    );
  });
});
