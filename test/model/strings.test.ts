import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EN, mergeStrings, texts } from '../../components/cs-active-sessions/strings.js';
import { formatBytes, formatCount, formatDateTime } from '../../src/model/session.js';

/** Sample arguments for a string function: numbers where it counts, text otherwise. */
const ARGS: unknown[] = ['7', '8', '9', '10'];

describe('EN strings', () => {
  it('should have no empty string, and no function that gives one', () => {
    for (const [key, value] of Object.entries(EN)) {
      if (typeof value === 'string') {
        assert.notEqual(value.trim(), '', `${key} is empty`);
        continue;
      }
      assert.equal(typeof value, 'function', `${key} is neither a string nor a function`);
      for (const args of [ARGS, ['1', 1, '1', 1]]) {
        const out = (value as (...a: unknown[]) => unknown)(...args);
        const text = Array.isArray(out) ? out.filter((p) => typeof p === 'string').join('') : out;
        assert.equal(typeof text, 'string', `${key} gives no text`);
        assert.notEqual((text as string).trim(), '', `${key} gives an empty string`);
      }
    }
  });

  it('should say the counts of the accessible contract', () => {
    assert.equal(EN.countAll('47', 47), '47 active sessions');
    assert.equal(EN.countAll('1', 1), '1 active session');
    assert.equal(EN.countFiltered('3', '47', 47), '3 of 47 active sessions');
    assert.equal(EN.disconnectSessions('3', 3), 'Disconnect 3 sessions');
    assert.equal(EN.disconnectSessions('1', 1), 'Disconnect');
    assert.equal(EN.planText('47', '100', '47%'), '47 / 100 (47%)');
  });

  it('should merge overrides over the English defaults', () => {
    const s = mergeStrings({ searchLabel: 'Sitzungen suchen', refresh: undefined });
    assert.equal(s.searchLabel, 'Sitzungen suchen');
    assert.equal(s.refresh, 'Refresh');
    assert.equal(mergeStrings(undefined), EN);
  });
});

describe('locale formatting', () => {
  it('should format numbers, bytes and dates in the locale', () => {
    assert.equal(formatCount(1234, 'de-DE'), '1.234');
    assert.equal(formatCount(12345, 'en-US'), '12,345');
    assert.equal(formatBytes(1536, 'de-DE'), '1,5 KiB');
    assert.equal(formatBytes(1536, 'en-US'), '1.5 KiB');
    assert.equal(formatBytes(1000, 'en-US'), '1000 B');
    const at = new Date(2024, 3, 5, 15, 4, 5).getTime();
    assert.equal(formatDateTime(at, 'en-US'), '2024-04-05 15:04:05');
    assert.equal(formatDateTime(at, 'en-GB'), '2024-04-05 15:04:05');
    assert.equal(formatDateTime(at, 'de-DE'), '05.04.2024, 15:04:05');
  });

  it('should build texts for a locale, falling back on a malformed one', () => {
    const de = texts({ durationSeconds: (s) => `${s} Sek.` }, 'de-DE');
    assert.equal(de.num(1234), '1.234');
    assert.equal(de.percent(0.47), '47\u00a0%');
    assert.equal(de.duration(5000), '5 Sek.');
    assert.equal(de.duration(65_000), '1 min 5 s');
    assert.equal(texts(undefined, 'en-US').percent(0.47), '47%');
    assert.equal(texts(undefined, 'not a locale!').locale, undefined);
  });
});
