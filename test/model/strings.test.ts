import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { EN, mergeStrings, texts } from '../../components/cs-active-sessions/strings.js';
import {
  DATE_TIME_OPTIONS,
  formatBytes,
  formatCount,
  formatDateTime,
} from '../../src/model/session.js';

/** Sample arguments for a string function: numbers where it counts, text otherwise. */
const ARGS: unknown[] = ['7', '8', '9', '10'];

describe('EN strings', () => {
  it('should have no empty string, and no function that gives one', () => {
    const entries = [
      ...Object.entries(EN).filter(
        ([key]) => !['sourceMessages', 'alertMessages', 'namingReasons'].includes(key),
      ),
      ...(['sourceMessages', 'alertMessages', 'namingReasons'] as const).flatMap((table) =>
        Object.entries(EN[table]).map(([key, f]) => [`${table}.${key}`, f] as const),
      ),
    ];
    for (const [key, value] of entries) {
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

describe('source messages', () => {
  it('are all written through the message table (none composed outside it)', () => {
    const dir = new URL('../../src/sources/', import.meta.url);
    const composed: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      // `new SourceError(` is only for SourceError.of itself and passing an error on unchanged.
      for (const m of text.matchAll(/new SourceError\(([^,]+),\s*([^,]+),/g)) {
        if (!/englishOf\(text\)|e\.message/.test(m[2]!)) composed.push(`${file}: ${m[0]}`);
      }
    }
    assert.deepEqual(composed, []);
  });

  it('keep their id and values, so a page can translate them', async () => {
    const { SourceError } = await import('../../src/sources/source.js');
    const e = SourceError.of('timeout', 'timeout', { label: 'EMQX at /api/v5', seconds: 10 });
    assert.equal(e.message, 'EMQX at /api/v5 did not answer within 10 s.');
    assert.deepEqual(e.details.text, {
      id: 'timeout',
      values: { label: 'EMQX at /api/v5', seconds: 10 },
    });
    const de = mergeStrings({
      sourceMessages: {
        timeout: (v) => `${v['label']} hat nicht binnen ${v['seconds']} s geantwortet.`,
      },
    }).sourceMessages;
    assert.equal(
      de.timeout(e.details.text!.values),
      'EMQX at /api/v5 hat nicht binnen 10 s geantwortet.',
    );
    assert.equal(de.unreachable({ label: 'x' }), EN.sourceMessages.unreachable({ label: 'x' }));
  });
});

describe('alert and naming texts', () => {
  it('are made from the tables by id, so a page can translate them', async () => {
    const { evaluateAlerts, initialAlertState } = await import('../../src/alerts/rules.js');
    const { classifyClientId } = await import('../../src/analysis/naming.js');
    const rule = {
      id: 'r1',
      kind: 'critical-disconnect' as const,
      clients: ['pump-*'],
      workspace: undefined,
    };
    const state = evaluateAlerts([rule as never], initialAlertState(), {
      kind: 'snapshot',
      at: 1,
      sessions: [{ clientId: 'pump-1' }],
    } as never).state;
    const { alerts } = evaluateAlerts([rule as never], state, {
      kind: 'snapshot',
      at: 2,
      sessions: [],
    } as never);
    assert.equal(alerts.length, 1);
    const [alert] = alerts;
    assert.equal(alert!.message, 'Critical client pump-1 disconnected.');
    assert.equal(EN.alertMessages[alert!.text!.id](alert!.text!.values), alert!.message);
    const hint = classifyClientId('a3f9c2e1-0b7d-4e55-9a1c-2f8e7d6b5a40');
    assert.equal(EN.namingReasons[hint.reasonId], hint.reason);
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
    // A locale with date data but no number data (Langi, in ICU): its own dates, not English.
    if (Intl.DateTimeFormat.supportedLocalesOf('lag').length === 1) {
      const lag = new Intl.DateTimeFormat('lag', DATE_TIME_OPTIONS);
      assert.equal(formatDateTime(at, 'lag'), lag.format(at));
    }
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
