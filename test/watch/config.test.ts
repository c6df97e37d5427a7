import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { badgeCount, badgeFor, BADGE_COLORS } from '../../src/watch/badge.js';
import {
  badgeWorkspaceOf,
  DEMO_WORKSPACE,
  elementWorkspace,
  firstRunConfig,
  isLoopback,
  newWorkspaceId,
  originPermission,
  readConfig,
  validateWorkspace,
  type WatchedWorkspace,
} from '../../src/watch/config.js';
import {
  focusFromQuery,
  notificationId,
  parseNotificationId,
  popupQuery,
} from '../../src/watch/messages.js';

const ws = (over: Partial<WatchedWorkspace> = {}): WatchedWorkspace => ({
  id: 'w1',
  label: 'Prod',
  source: { kind: 'emqx', baseUrl: 'https://emqx.example.com:18083/api/v5' },
  refreshSeconds: 30,
  alertRules: [],
  ...over,
});

describe('extension configuration', () => {
  it('starts with the dev broker, credentials included, on the badge', () => {
    const config = firstRunConfig();
    assert.deepEqual(config.workspaces, [DEMO_WORKSPACE]);
    assert.equal(DEMO_WORKSPACE.source.baseUrl, 'http://127.0.0.1:18083/api/v5');
    assert.equal(DEMO_WORKSPACE.source.apiKey, 'demo');
    assert.equal(DEMO_WORKSPACE.source.apiSecret, 'demo-secret');
    assert.equal(badgeWorkspaceOf(config)?.id, 'demo');
    // A copy: editing it does not change the default.
    config.workspaces[0]!.label = 'changed';
    assert.equal(DEMO_WORKSPACE.label, 'Demo (dev broker)');
  });

  it('validates each field with a message a user can act on', () => {
    assert.deepEqual(validateWorkspace(ws()), {});
    const problems = validateWorkspace(
      ws({
        label: ' ',
        source: { kind: 'emqx', baseUrl: '/api/v5' },
        planLimit: 0,
        refreshSeconds: 5,
      }),
    );
    assert.match(problems.label!, /name/);
    assert.match(problems.baseUrl!, /not a full URL/);
    assert.match(problems.planLimit!, /whole number/);
    assert.match(problems.refreshSeconds!, /10 seconds/);
    assert.match(
      validateWorkspace(ws({ source: { kind: 'emqx', baseUrl: 'ftp://x/' } })).baseUrl!,
      /http/,
    );
    assert.match(
      validateWorkspace(ws({ source: { kind: 'emqx', baseUrl: 'https://key:secret@x/api/v5' } }))
        .baseUrl!,
      /credentials/,
    );
    assert.match(validateWorkspace(ws({ source: { kind: 'demo' } })).kind!, /not supported/);
    assert.match(validateWorkspace(ws({ id: 'w2' }), [ws()]).label!, /already called "Prod"/);
  });

  it('asks for a broker origin only off this machine, for every port of its host', () => {
    assert.equal(originPermission('http://127.0.0.1:18083/api/v5'), undefined);
    assert.equal(originPermission('http://localhost:8081/api/v5'), undefined);
    assert.equal(originPermission('http://[::1]:18083/api/v5'), undefined);
    assert.equal(
      originPermission('https://emqx.example.com:18083/api/v5'),
      'https://emqx.example.com/*',
    );
    assert.equal(originPermission('not a url'), undefined);
    assert.ok(isLoopback(new URL('https://localhost:18084/')));
    // Other loopback addresses are not in the manifest: they are asked for like any host.
    assert.ok(!isLoopback(new URL('http://127.0.0.23/')));
    assert.equal(originPermission('http://127.0.0.23:18083/api/v5'), 'http://127.0.0.23/*');
    assert.ok(!isLoopback(new URL('http://127.example.com/')));
  });

  it('reads stored configuration defensively', () => {
    assert.equal(readConfig(undefined), undefined);
    assert.equal(readConfig({ workspaces: 'x' }), undefined);
    const read = readConfig({
      workspaces: [
        null,
        { id: 1, label: 'bad id', source: {} },
        { id: 'ok', label: 'OK', source: { kind: 'emqx' }, refreshSeconds: 2 },
      ],
      badgeWorkspace: 7,
    });
    assert.deepEqual(read, {
      workspaces: [
        { id: 'ok', label: 'OK', source: { kind: 'emqx' }, refreshSeconds: 30, alertRules: [] },
      ],
      badgeWorkspace: undefined,
    });
  });

  it('gives the element a workspace without the background’s settings', () => {
    const full = ws({
      planLimit: 100,
      alertRules: [{ id: 'r', kind: 'count-below', threshold: 1 }],
    });
    assert.deepEqual(elementWorkspace(full), {
      id: 'w1',
      label: 'Prod',
      source: full.source,
      match: undefined,
      planLimit: 100,
    });
    assert.notEqual(newWorkspaceId([ws({ id: 'ws-1' })], 1), 'ws-1');
  });
});

describe('badge', () => {
  it('fits any count in four characters', () => {
    assert.deepEqual(
      [0, 7, 999, 9999, 10_000, 123_456, 999_999, 1_000_000, 1_250_000, 12_500_000].map(badgeCount),
      ['0', '7', '999', '9999', '10k', '123k', '999k', '1M', '1.2M', '12M'],
    );
  });

  it('is coloured by plan usage and says it all in its title', () => {
    assert.deepEqual(badgeFor('Prod', { count: 1 }), {
      text: '1',
      color: BADGE_COLORS.none,
      title: 'Prod: 1 active session',
    });
    assert.equal(badgeFor('Prod', { count: 79 }, 100).color, BADGE_COLORS.ok);
    assert.equal(badgeFor('Prod', { count: 80 }, 100).color, BADGE_COLORS.warning);
    assert.equal(badgeFor('Prod', { count: 100 }, 100).color, BADGE_COLORS.error);
    assert.equal(
      badgeFor('Prod', { count: 130 }, 100).title,
      "Prod: 130 active sessions, 130% of the plan's 100",
    );
    assert.deepEqual(badgeFor('Prod', { error: 'Could not reach EMQX.' }), {
      text: '!',
      color: BADGE_COLORS.failed,
      title: 'Prod: Could not reach EMQX.',
    });
  });
});

describe('popup focus', () => {
  it('carries any workspace and client ID through a notification id and a URL', () => {
    const ids = ['pump-1', 'a|b|c', '%zz', '%uD800', '<img src=x>', 'ü 🚀 \u202e', '', 'x\ud800y'];
    for (const clientId of ids) {
      const id = notificationId('alert-1', 'work|space', clientId);
      // Exactly, the empty ID and lone surrogates too (a notification without a client has none).
      assert.deepEqual(parseNotificationId(id), {
        alertId: 'alert-1',
        workspace: 'work|space',
        clientId,
      });
      const focus = focusFromQuery(popupQuery({ workspace: 'w', clientId }), 5);
      assert.deepEqual(focus, { workspace: 'w', clientId, at: 5 });
    }
    assert.deepEqual(parseNotificationId(notificationId('alert-2', 'w')), {
      alertId: 'alert-2',
      workspace: 'w',
      clientId: undefined,
    });
    assert.equal(parseNotificationId('something-else'), undefined);
    assert.equal(parseNotificationId('cs-alert|%E0%A4%A|w|c'), undefined);
    assert.equal(focusFromQuery(''), undefined);
  });
});
