import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sessionFromEmqx } from '../../src/model/emqx-client.js';
import { searchSessions } from '../../src/model/search.js';
import { SessionStore } from '../../src/model/session-store.js';
import type { Session } from '../../src/model/session.js';

const make = (clientid: string, username?: string, node = 'n1'): Session =>
  sessionFromEmqx({ clientid, username, node })!;

const sessions = [
  make('agent-001', 'mydevice@org_k7xm4pqr2n5t'),
  make('agent-002', 'other@org_k7xm4pqr2n5t'),
  make('mobile-app-user-12345', 'Agent.Smith@example.com'),
  make('client1'),
];

describe('searchSessions', () => {
  it('should match client ID or username substrings, ignoring case', () => {
    const ids = (q: string) => searchSessions(sessions, q).map((s) => s.clientId);
    assert.deepEqual(ids('agent-001'), ['agent-001']);
    assert.deepEqual(ids('AGENT'), ['agent-001', 'agent-002', 'mobile-app-user-12345']);
    assert.deepEqual(ids('mydevice'), ['agent-001']);
    assert.deepEqual(ids('org_k7xm'), ['agent-001', 'agent-002']);
    assert.deepEqual(ids('  client1 '), ['client1']);
    assert.deepEqual(ids('nothing'), []);
  });

  it('should return the same list for an empty query', () => {
    assert.equal(searchSessions(sessions, ''), sessions);
    assert.equal(searchSessions(sessions, '   '), sessions);
  });
});

describe('SessionStore', () => {
  it('should replace its contents with a snapshot and keep the first of duplicate keys', () => {
    const store = new SessionStore();
    assert.equal(store.loaded, false);
    store.replace([sessions[0]!, sessions[1]!, sessions[0]!], 1000);
    assert.equal(store.loaded, true);
    assert.equal(store.updatedAt, 1000);
    assert.deepEqual(
      store.sessions.map((s) => s.clientId),
      ['agent-001', 'agent-002'],
    );
  });

  it('should remove and upsert single sessions, making a new array each time', () => {
    const store = new SessionStore();
    store.replace(sessions);
    const before = store.sessions;
    assert.equal(store.remove(sessions[1]!.key), true);
    assert.equal(store.remove(sessions[1]!.key), false);
    assert.notEqual(store.sessions, before);
    assert.equal(store.get(sessions[1]!.key), undefined);
    const updated = { ...sessions[0]!, subscriptions: 9 };
    store.upsert(updated);
    assert.equal(store.sessions[0], updated);
    store.upsert(make('late'));
    assert.equal(store.sessions.at(-1)!.clientId, 'late');
  });

  it('should patch many sessions in one pass, keeping order and appending new ones', () => {
    const store = new SessionStore();
    store.replace(sessions);
    const changed = { ...sessions[2]!, subscriptions: 4 };
    store.patch([changed, make('fresh')], new Set([sessions[0]!.key]));
    assert.deepEqual(
      store.sessions.map((s) => s.clientId),
      ['agent-002', 'mobile-app-user-12345', 'client1', 'fresh'],
    );
    assert.equal(store.get(changed.key), changed);
    assert.equal(store.get(sessions[0]!.key), undefined);
  });

  it('should keep the same client ID on two nodes as two sessions', () => {
    const store = new SessionStore();
    store.replace([make('dup', undefined, 'n1'), make('dup', undefined, 'n2')]);
    assert.equal(store.sessions.length, 2);
  });
});
