import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthTracker } from '../../src/analysis/health.js';
import {
  auditToCsv,
  buildExport,
  EXPORT_COLUMNS,
  exportFilename,
  historyToCsv,
  sessionsFromJsonExport,
  toCsv,
  toRecord,
} from '../../src/export/export.js';
import { sessionFromEmqx } from '../../src/model/emqx-client.js';
import type { Session } from '../../src/model/session.js';
import { parseCsv } from '../support/csv.js';

const session = (fields: Record<string, unknown>): Session =>
  sessionFromEmqx({
    node: 'n1',
    listener: 'wss:default',
    proto_ver: 5,
    connected: true,
    connected_at: '2026-01-02T03:04:05.678+02:00',
    keepalive: 60,
    mqueue_max: 'infinity',
    recv_pkt: 3,
    ...fields,
  })!;

describe('CSV export', () => {
  it('should neutralise every cell a spreadsheet would run as a formula', async () => {
    const cases = [
      '=1+2',
      '+SUM(A1)',
      '-2+3',
      '@cmd',
      '\tTAB',
      '\rCR',
      '=cmd\n|x',
      '=HYPERLINK("http://x")',
    ];
    const records = cases.map((clientId) =>
      toRecord(session({ clientid: clientId, username: clientId }), undefined),
    );
    const rows = parseCsv(await toCsv(records, true));
    assert.deepEqual(rows[0], [...EXPORT_COLUMNS]);
    rows.slice(1).forEach((row, i) => {
      assert.equal(row[0], `'${cases[i]}`, JSON.stringify(cases[i]));
      assert.equal(row[1], `'${cases[i]}`);
    });
  });

  it('should quote per RFC 4180 and keep harmless text as it is', async () => {
    const records = [toRecord(session({ clientid: 'a,b "c"\nd', username: 'plain' }), undefined)];
    const text = await toCsv(records, false);
    assert.ok(text.startsWith('"a,b ""c""\nd",plain,'));
    assert.equal(parseCsv(text)[0]![0], 'a,b "c"\nd');
  });

  it('should write ISO 8601 UTC times, unknowns empty, and the flags', async () => {
    const h = new HealthTracker();
    const s = session({ clientid: 'client1' });
    h.observe([s, session({ clientid: 'client1', node: 'n2' })], 0);
    const blob = await buildExport([s], {
      format: 'csv',
      workspace: 'all',
      health: (x) => h.healthOf(x, 0),
    });
    const [header, row] = parseCsv(await blob.text());
    const get = (name: string) => row![header!.indexOf(name)];
    assert.equal(get('connectedAt'), '2026-01-02T01:04:05.678Z');
    assert.equal(get('transport'), 'WebSocket');
    assert.equal(get('tls'), 'true');
    assert.equal(get('port'), '');
    assert.equal(get('queueMax'), 'infinity');
    assert.equal(get('duplicate'), 'true');
    assert.equal(get('unclearId'), 'true');
    assert.equal(get('stuck'), 'false');
  });

  it('should build large exports in chunks, report progress, and stop when cancelled', async () => {
    const many = Array.from({ length: 5000 }, (_, i) => session({ clientid: `c-${i}` }));
    const progress: number[] = [];
    const blob = await buildExport(many, {
      format: 'csv',
      workspace: 'all',
      chunkSize: 1000,
      onProgress: (d) => progress.push(d),
    });
    assert.deepEqual(progress, [1000, 2000, 3000, 4000, 5000]);
    assert.equal(parseCsv(await blob.text()).length, 5001);
    const controller = new AbortController();
    await assert.rejects(
      buildExport(many, {
        format: 'json',
        workspace: 'all',
        chunkSize: 1000,
        signal: controller.signal,
        onProgress: () => controller.abort(),
      }),
      /abort/i,
    );
  });

  it('should name files after the workspace and the UTC time', () => {
    const at = Date.UTC(2026, 10, 27, 5, 39, 12, 345);
    assert.equal(exportFilename('all', 'csv', at), 'active-sessions-all-20261127T053912Z.csv');
    assert.equal(
      exportFilename('Acme Prod/EU', 'json', at),
      'active-sessions-acme-prod-eu-20261127T053912Z.json',
    );
    assert.equal(exportFilename('<>', 'csv', at), 'active-sessions-workspace-20261127T053912Z.csv');
  });
});

describe('JSON export', () => {
  it('should read back to the same sessions', async () => {
    const sessions = [
      session({
        clientid: 'agent/7',
        username: 'me@org_abc',
        ip_address: '2001:db8::1',
        port: 4000,
        subscriptions_cnt: 2,
      }),
      sessionFromEmqx({ clientid: 'bare', node: 'n2' })!,
    ];
    const blob = await buildExport(sessions, { format: 'json', workspace: 'all', chunkSize: 1 });
    const back = sessionsFromJsonExport(await blob.text());
    const strip = ({ key: _k, ...rest }: Session) => rest;
    assert.deepEqual(back.map(strip), sessions.map(strip));
    const body = JSON.parse(await blob.text()) as { count: number; workspace: string };
    assert.equal(body.count, 2);
    assert.equal(body.workspace, 'all');
  });
});

describe('history and audit CSV', () => {
  it('should guard formulas in operator labels and client IDs', async () => {
    const csv = await auditToCsv([
      {
        t: 0,
        action: 'disconnect',
        workspace: 'w',
        operator: '=evil()',
        results: [{ clientId: '+x', outcome: 'disconnected' }],
      },
    ]);
    const [header, row] = parseCsv(csv);
    assert.deepEqual(header, [
      'time',
      'action',
      'workspace',
      'operator',
      'blockSeconds',
      'clientId',
      'result',
      'error',
    ]);
    assert.equal(row![3], "'=evil()");
    assert.equal(row![5], "'+x");
    assert.equal(row![0], '1970-01-01T00:00:00.000Z');
    const history = parseCsv(
      await historyToCsv([
        {
          workspace: '*',
          t: 60_000,
          resolution: 'minute',
          active: 5,
          min: 4,
          max: 6,
          new: 1,
          gone: 2,
        },
      ]),
    );
    assert.deepEqual(history[1], [
      '1970-01-01T00:01:00.000Z',
      '*',
      'minute',
      '5',
      '4',
      '6',
      '1',
      '2',
    ]);
  });
});
