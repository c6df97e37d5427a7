/**
 * The extension's background watch, scheduled on WXT's fake browser (alarms, storage, badge,
 * notifications, windows in memory) and polling a real dev broker with real MQTT.js clients.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { alarmName, BackgroundWatch } from '../../src/watch/background-watch.js';
import { BADGE_COLORS } from '../../src/watch/badge.js';
import {
  CONFIG_KEY,
  DEMO_WORKSPACE,
  RECENT_ALERTS_KEY,
  type WatchConfig,
  type WatchedWorkspace,
} from '../../src/watch/config.js';
import { POPUP_FOCUS_KEY } from '../../src/watch/messages.js';
import type { WatchApi } from '../../src/watch/watch-api.js';
import { EmqxSource } from '../../src/sources/emqx.js';
import { MemoryStorage } from '../../src/storage/db.js';
import type { SessionSource } from '../../src/sources/source.js';
import { startHiveFixture } from '../support/hivemq-fixture.js';
import { startTestBroker, waitFor, type TestBroker } from '../support/node-broker.js';

const api = fakeBrowser as unknown as WatchApi;

describe('background watch', () => {
  let broker: TestBroker;
  let history: MemoryStorage;
  let lists: number;
  let inFlight: number;
  let mostInFlight: number;
  let now: number;

  before(async () => {
    broker = await startTestBroker();
  });
  after(() => broker.close());

  beforeEach(() => {
    fakeBrowser.reset();
    history = new MemoryStorage();
    lists = 0;
    inFlight = 0;
    mostInFlight = 0;
    now = Date.UTC(2026, 10, 27, 12);
  });
  afterEach(() => fakeBrowser.reset());

  const workspace = (over: Partial<WatchedWorkspace> = {}): WatchedWorkspace => ({
    id: 'prod',
    label: 'Production',
    source: {
      kind: 'emqx',
      baseUrl: broker.broker.apiUrl,
      apiKey: broker.broker.apiKey,
      apiSecret: broker.broker.apiSecret,
    },
    refreshSeconds: 60,
    alertRules: [],
    ...over,
  });

  const watch = (browserApi: WatchApi = api) =>
    new BackgroundWatch(browserApi, {
      now: () => now,
      openStorage: async () => history,
      createSource: (w) => {
        const source = new EmqxSource({
          baseUrl: w.source.baseUrl!,
          apiKey: w.source.apiKey,
          apiSecret: w.source.apiSecret,
        });
        // Count the broker calls; everything else is the real source.
        return {
          label: source.label,
          list: async (o) => {
            lists++;
            mostInFlight = Math.max(mostInFlight, ++inFlight);
            try {
              return await source.list(o);
            } finally {
              inFlight--;
            }
          },
        } as SessionSource;
      },
    });

  const store = (config: WatchConfig) =>
    fakeBrowser.storage.local.set({ [CONFIG_KEY]: config } as Record<string, unknown>);

  it('a fresh install watches the dev broker with its credentials, on an alarm', async () => {
    const w = watch();
    w.start();
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'install' } as never);
    await waitFor(async () => (await fakeBrowser.alarms.getAll()).length > 0, 'an alarm');
    const stored = (await fakeBrowser.storage.local.get(CONFIG_KEY))[CONFIG_KEY] as WatchConfig;
    assert.deepEqual(stored.workspaces, [DEMO_WORKSPACE]);
    assert.equal(stored.workspaces[0]!.source.baseUrl, 'http://127.0.0.1:18083/api/v5');
    const alarms = await fakeBrowser.alarms.getAll();
    assert.deepEqual(
      alarms.map((a) => [a.name, a.periodInMinutes]),
      [[alarmName('demo'), 0.5]],
    );
  });

  it('keeps one alarm per workspace at its interval as workspaces change', async () => {
    const w = watch();
    await store({ workspaces: [workspace(), workspace({ id: 'lab', label: 'Lab' })] });
    await w.sync();
    const periods = async () =>
      Object.fromEntries(
        (await fakeBrowser.alarms.getAll()).map((a) => [a.name, a.periodInMinutes]),
      );
    assert.deepEqual(await periods(), { 'poll:prod': 1, 'poll:lab': 1 });
    const labAlarm = (await fakeBrowser.alarms.get('poll:lab'))!.scheduledTime;

    // Lab polls faster, prod goes away: prod's alarm is cleared, lab's replaced, nothing else.
    now += 5000;
    await store({ workspaces: [workspace({ id: 'lab', label: 'Lab', refreshSeconds: 15 })] });
    await w.sync();
    assert.deepEqual(await periods(), { 'poll:lab': 0.25 });
    assert.notEqual((await fakeBrowser.alarms.get('poll:lab'))!.scheduledTime, labAlarm);

    // The same configuration again leaves the alarm as it was (no drift on every start).
    const before = (await fakeBrowser.alarms.get('poll:lab'))!.scheduledTime;
    now += 5000;
    await w.sync();
    assert.equal((await fakeBrowser.alarms.get('poll:lab'))!.scheduledTime, before);
  });

  it('polls on its alarm: badge count coloured by plan usage, title, and a history sample', async () => {
    await broker.connect(
      { clientId: 'bw-a', reconnect: false },
      { clientId: 'bw-b', reconnect: false },
      { clientId: 'bw-c', reconnect: false },
      { clientId: 'bw-d', reconnect: false },
    );
    const w = watch();
    w.start();
    await store({ workspaces: [workspace({ planLimit: 5 })] });
    await w.sync();
    await fakeBrowser.alarms.onAlarm.trigger({ name: alarmName('prod'), scheduledTime: now });
    await waitFor(async () => (await fakeBrowser.action.getBadgeText({})) === '4', 'badge 4');
    assert.deepEqual(
      await fakeBrowser.action.getBadgeBackgroundColor({}),
      hexToRgba(BADGE_COLORS.warning),
    );
    assert.equal(
      await fakeBrowser.action.getTitle({}),
      "Production: 4 active sessions, 80% of the plan's 5",
    );
    const samples = await history.samples('prod', 0);
    assert.equal(samples.at(-1)?.active, 4);
  });

  it('says on the badge when the broker refuses, and why in the title', async () => {
    const w = watch();
    await store({
      workspaces: [workspace({ source: { ...workspace().source, apiSecret: 'wrong' } })],
    });
    const [result] = await w.pollAll();
    assert.ok(result && 'error' in result);
    assert.equal(await fakeBrowser.action.getBadgeText({}), '!');
    assert.match(await fakeBrowser.action.getTitle({}), /^Production: .*(API key|credentials)/i);
  });

  it('counts only the badge workspace, each session in the first workspace it matches', async () => {
    const w = watch();
    await store({
      workspaces: [
        workspace({ id: 'b', label: 'Only bw-b', match: { clientIdPrefix: 'bw-b' } }),
        workspace({ id: 'rest', label: 'The rest' }),
      ],
      badgeWorkspace: 'b',
    });
    const results = await w.pollAll();
    assert.equal(await fakeBrowser.action.getBadgeText({}), '1');
    assert.match(await fakeBrowser.action.getTitle({}), /^Only bw-b: 1 active session$/);
    // As in the element: the catch-all workspace does not count bw-b a second time.
    const [b, rest] = results as { count: number }[];
    const all = await new EmqxSource({
      baseUrl: broker.broker.apiUrl,
      apiKey: broker.broker.apiKey,
      apiSecret: broker.broker.apiSecret,
    }).list();
    assert.equal(b!.count + rest!.count, all.sessions.length);
  });

  it('notifies when a rule fires, and the click opens the popup on that client', async () => {
    const [pump] = await broker.connect({ clientId: 'bw-pump-1', reconnect: false });
    // The fake's windows keep no URL: note what the watch asks for, then let the fake open it.
    const opened: { url: string; type: string }[] = [];
    const w = watch({
      ...api,
      windows: {
        create: (options) => {
          opened.push(options);
          return fakeBrowser.windows.create(options);
        },
      },
    });
    await store({
      workspaces: [
        workspace({
          alertRules: [{ id: 'r1', kind: 'critical-disconnect', clients: ['bw-pump-*'] }],
        }),
      ],
    });
    // Listening from here on: no poll of the saved configuration races the ones below.
    w.start();
    const [first] = await w.pollAll();
    assert.ok(first && 'count' in first && first.alerts === 0);
    assert.deepEqual(await fakeBrowser.notifications.getAll(), {});

    await pump!.end();
    now += 60_000;
    const [result] = await w.pollAll();
    assert.deepEqual(result, { workspace: 'prod', count: first.count - 1, alerts: 1 });
    const shown = (await fakeBrowser.notifications.getAll()) as Record<
      string,
      { title: string; message: string; iconUrl: string }
    >;
    const [id, notification] = Object.entries(shown)[0]!;
    assert.equal(notification.title, 'Production: alert');
    assert.match(notification.message, /bw-pump-1/);
    assert.equal(notification.iconUrl, 'chrome-extension://test-extension-id/icon/128.png');
    const recent = (await fakeBrowser.storage.local.get(RECENT_ALERTS_KEY))[RECENT_ALERTS_KEY];
    assert.equal((recent as unknown[]).length, 1);

    // The fake browser cannot open the popup (as Firefox without a gesture): a window instead.
    await fakeBrowser.notifications.onClicked.trigger(id);
    await waitFor(() => opened.length > 0, 'a popup window');
    assert.equal(opened[0]?.type, 'popup');
    const url = new URL(opened[0]!.url);
    assert.equal(url.pathname, '/popup.html');
    assert.equal(url.searchParams.get('workspace'), 'prod');
    assert.equal(url.searchParams.get('client'), 'bw-pump-1');
    const focus = (await fakeBrowser.storage.session.get(POPUP_FOCUS_KEY))[POPUP_FOCUS_KEY];
    assert.deepEqual(focus, { workspace: 'prod', clientId: 'bw-pump-1', at: now });
    assert.deepEqual(await fakeBrowser.notifications.getAll(), {});
  });

  it('compares a rule added later with the last poll, not with one from before it', async () => {
    const [pump] = await broker.connect({ clientId: 'bw-pump-2', reconnect: false });
    const w = watch();
    await store({ workspaces: [workspace()] });
    await w.pollAll();
    await pump!.end();
    now += 60_000;
    await w.pollAll();
    // The pump left while no rule watched it: adding the rule now raises nothing.
    await store({
      workspaces: [
        workspace({
          alertRules: [{ id: 'r2', kind: 'critical-disconnect', clients: ['bw-pump-*'] }],
        }),
      ],
    });
    now += 60_000;
    const [result] = await w.pollAll();
    assert.ok(result && 'alerts' in result && result.alerts === 0);
    assert.deepEqual(await fakeBrowser.notifications.getAll(), {});
  });

  it('keeps the alerts of every workspace that raised one in the same round', async () => {
    const w = watch();
    const rule = { id: 'low', kind: 'count-below' as const, threshold: 100_000 };
    await store({
      workspaces: [
        workspace({ id: 'a', label: 'A', alertRules: [rule] }),
        workspace({
          id: 'b',
          label: 'B',
          alertRules: [rule],
          source: { ...workspace().source, baseUrl: broker.broker.apiUrl + '/' },
        }),
      ],
    });
    const results = await w.pollAll();
    assert.deepEqual(
      results.map((r) => 'alerts' in r && r.alerts),
      [1, 1],
    );
    const recent = (await fakeBrowser.storage.local.get(RECENT_ALERTS_KEY))[RECENT_ALERTS_KEY] as {
      workspaceLabel: string;
    }[];
    assert.deepEqual(recent.map((a) => a.workspaceLabel).sort(), ['A', 'B']);
  });

  it('clears the badge when no workspace is left to watch', async () => {
    const w = watch();
    await store({ workspaces: [workspace()] });
    await w.pollAll();
    assert.notEqual(await fakeBrowser.action.getBadgeText({}), '');
    await store({ workspaces: [] });
    await w.sync();
    assert.equal(await fakeBrowser.action.getBadgeText({}), '');
    assert.equal(await fakeBrowser.action.getTitle({}), 'Active sessions: no workspace to watch');
    assert.deepEqual(await fakeBrowser.alarms.getAll(), []);
  });

  it('counts a HiveMQ workspace once the details say who is connected', async () => {
    const hive = await startHiveFixture();
    try {
      hive.add(
        { id: 'h-1' },
        { id: 'h-2' },
        { id: 'h-asleep', connected: false, sessionExpiryInterval: 600 },
      );
      const w = new BackgroundWatch(api, { now: () => now, openStorage: async () => history });
      await store({
        workspaces: [
          {
            id: 'hive',
            label: 'HiveMQ',
            source: {
              kind: 'hivemq',
              baseUrl: hive.apiUrl,
              apiKey: hive.user,
              apiSecret: hive.password,
            },
            refreshSeconds: 60,
            alertRules: [],
          },
        ],
      });
      const [result] = await w.pollAll();
      assert.deepEqual(result, { workspace: 'hive', count: 2, alerts: 0 });
      assert.equal(await fakeBrowser.action.getBadgeText({}), '2');
    } finally {
      await hive.close();
    }
  });

  it('polls now when a page asks, one poll at a time per workspace', async () => {
    const w = watch();
    w.start();
    await store({ workspaces: [workspace()] });
    await waitFor(() => lists > 0, 'the poll that saving starts');
    const settled = lists;
    const answers = await Promise.all([
      fakeBrowser.runtime.sendMessage({ type: 'cs-watch:poll' }),
      fakeBrowser.runtime.sendMessage({ type: 'cs-watch:poll', workspace: 'prod' }),
    ]);
    for (const answer of answers) {
      assert.equal((answer as { workspace: string }[])[0]?.workspace, 'prod');
    }
    assert.equal(lists, settled + 2);
    assert.equal(mostInFlight, 1);
    // Messages that are not the watch's are left to other listeners: no answer, no poll.
    assert.equal(await fakeBrowser.runtime.sendMessage({ type: 'something-else' }), undefined);
    assert.equal(lists, settled + 2);
  });
});

function hexToRgba(hex: string): number[] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, 255];
}
