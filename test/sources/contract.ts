/**
 * What every `SessionSource` must do, run against each broker: the dev broker (EMQX API), a real
 * RabbitMQ, and HiveMQ's REST API as OpenAPI-shaped fixtures. A harness says how to connect a
 * client to its broker and how to tell that the client was closed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bulkDisconnect } from '../../src/sources/bulk-disconnect.js';
import type { Session } from '../../src/model/session.js';
import { SourceError, type SessionSource } from '../../src/sources/source.js';
import { waitFor } from '../support/node-broker.js';

export interface ContractClient {
  readonly clientId: string;
  /** Whether the broker closed the client's connection. */
  closed(): boolean;
}

export interface ContractClientSpec {
  clientId: string;
  username?: string;
  subscriptions?: { topic: string; qos: 0 | 1 | 2 }[];
  transport?: 'tcp' | 'ws';
}

export interface ContractHarness {
  /** A source with the right credentials and, where it pages, a small page size. */
  source(): SessionSource;
  /** The same broker with a wrong password. */
  refusedSource(): SessionSource;
  /** Connects a real (or, for fixtures, a recorded) client. */
  connect(spec: ContractClientSpec): Promise<ContractClient>;
  /** How long the broker may take to list a new connection (RabbitMQ's stats interval). */
  listLagMs?: number;
  /** The QoS the broker keeps for a QoS 2 subscription (RabbitMQ downgrades it to 1). */
  qos2As?: 0 | 1 | 2;
  /** Whether WebSocket clients can be connected. */
  webSocket?: boolean;
}

const kindOf = (e: unknown) => (e instanceof SourceError ? e.kind : String(e));

/** The list with every session's details, as the element shows it once a lazy source is done. */
async function detailedList(source: SessionSource): Promise<Session[]> {
  const { sessions } = await source.list();
  if (!source.hydrate) return sessions;
  assert.ok(source.capabilities?.lazyDetails, 'a source with hydrate says its details are lazy');
  const byId = new Map(sessions.map((s) => [s.clientId, s]));
  await source.hydrate(sessions, {
    onSessions: ({ detailed, gone }) => {
      for (const d of detailed) byId.set(d.clientId, d);
      for (const id of gone) byId.delete(id);
    },
  });
  return [...byId.values()];
}

export function sourceContract(name: string, harness: () => ContractHarness): void {
  describe(`${name}: the SessionSource contract`, { timeout: 120_000 }, () => {
    const prefix = `ct-${name.toLowerCase().replace(/[^a-z0-9]+/g, '')}-${Date.now().toString(36)}`;
    const id = (n: string) => `${prefix}-${n}`;

    const listed = async (source: SessionSource, ids: string[]) => {
      await waitFor(
        async () => {
          const { sessions } = await source.list();
          const seen = new Set(sessions.map((s) => s.clientId));
          return ids.every((i) => seen.has(i));
        },
        `${ids.join(', ')} to be listed`,
        (harness().listLagMs ?? 0) + 10_000,
      );
    };

    it('lists connected clients to the last page, with their fields', async () => {
      const h = harness();
      const ids = Array.from({ length: 7 }, (_, i) => id(`list-${i}`));
      await Promise.all(ids.map((clientId) => h.connect({ clientId, username: 'guest' })));
      const source = h.source();
      await listed(source, ids);
      const pages: number[] = [];
      const { sessions, skipped } = await source.list({ onPage: (p) => pages.push(p.length) });
      assert.equal(skipped, 0);
      assert.equal(
        pages.reduce((a, b) => a + b, 0),
        sessions.length,
      );
      const mine = (await detailedList(source)).filter((s) => ids.includes(s.clientId));
      assert.equal(mine.length, 7);
      assert.equal(new Set(sessions.map((s) => s.key)).size, sessions.length, 'unique keys');
      for (const s of mine) {
        assert.equal(s.protocol, '3.1.1');
        assert.equal(s.transport, 'TCP');
        assert.equal(s.ip, '127.0.0.1');
        assert.ok(s.connectedAt! > Date.now() - 10 * 60_000, 'connected at is recent');
        assert.ok(!s.pending, 'details loaded');
      }
    });

    it('searches on the broker where it can, and says whether it can', async () => {
      const h = harness();
      const source = h.source();
      const caps = source.capabilities;
      assert.ok(caps, 'declares its capabilities');
      assert.equal(typeof source.search === 'function', caps.serverSearch);
      if (!source.search) return;
      const ids = [id('find-me-a'), id('find-me-b'), id('other')];
      await Promise.all(ids.map((clientId) => h.connect({ clientId })));
      await listed(source, ids);
      const { sessions } = await source.search(`${prefix}-find-me`);
      assert.deepEqual(sessions.map((s) => s.clientId).sort(), ids.slice(0, 2));
    });

    it('reads one session, and its subscriptions with QoS', async () => {
      const h = harness();
      const clientId = id('subs');
      await h.connect({
        clientId,
        subscriptions: [
          { topic: 'agents/+/state', qos: 1 },
          { topic: 'config/#', qos: 0 },
          { topic: 'alarms/critical', qos: 2 },
        ],
      });
      const source = h.source();
      await listed(source, [clientId]);
      const session = await source.get(clientId);
      assert.equal(session.clientId, clientId);
      const subs = await source.subscriptions(clientId);
      assert.deepEqual(
        [...subs].sort((a, b) => a.topic.localeCompare(b.topic)),
        [
          { topic: 'agents/+/state', qos: 1 },
          { topic: 'alarms/critical', qos: h.qos2As ?? 2 },
          { topic: 'config/#', qos: 0 },
        ],
      );
      await assert.rejects(source.get(id('never-connected')), (e) => kindOf(e) === 'not-found');
    });

    it('disconnects a client (the client sees it), then reports it already gone', async () => {
      const h = harness();
      const client = await h.connect({ clientId: id('kick') });
      const source = h.source();
      await listed(source, [client.clientId]);
      assert.equal(await source.disconnect(client.clientId), 'disconnected');
      await waitFor(() => client.closed(), 'the client to be closed', 10_000);
      assert.equal(await source.disconnect(client.clientId), 'already-gone');
      assert.equal(await source.disconnect(id('never-connected')), 'already-gone');
    });

    it('disconnects many at once, with a result per client', async () => {
      const h = harness();
      const clients = await Promise.all(
        [1, 2, 3].map((n) => h.connect({ clientId: id(`bulk-${n}`) })),
      );
      const source = h.source();
      await listed(
        source,
        clients.map((c) => c.clientId),
      );
      // The sessions as listed, with the connected-at the confirmation compares against, as
      // the element passes them.
      const { sessions } = await source.list();
      const results = await bulkDisconnect(source, [
        ...clients.map((c) => sessions.find((s) => s.clientId === c.clientId)!),
        { clientId: id('bulk-gone'), connectedAt: undefined },
      ]);
      assert.deepEqual(
        results.map((r) => [r.clientId, r.outcome]),
        [...clients.map((c) => [c.clientId, 'disconnected']), [id('bulk-gone'), 'already-gone']],
        // Why a client failed, should one.
        results
          .filter((r) => r.error)
          .map((r) => `${r.clientId}: ${r.error}`)
          .join('; '),
      );
      await waitFor(() => clients.every((c) => c.closed()), 'every client to be closed', 10_000);
    });

    it('turns refused credentials into an auth error that holds no secret', async () => {
      const h = harness();
      await assert.rejects(h.refusedSource().list(), (e: unknown) => {
        assert.equal(kindOf(e), 'auth');
        assert.doesNotMatch((e as Error).message, /wrong-secret/);
        return true;
      });
    });

    it('stops when aborted', async () => {
      const source = harness().source();
      const controller = new AbortController();
      const listing = source.list({ signal: controller.signal });
      controller.abort();
      await assert.rejects(listing, (e) => kindOf(e) === 'aborted');
    });

    it('shows a WebSocket client as such', async (t) => {
      const h = harness();
      if (h.webSocket === false) {
        // Said, not skipped silently: the fixture broker has no WebSocket listener to speak of.
        t.diagnostic(`${name} fixtures have no WebSocket transport`);
        return;
      }
      const clientId = id('ws');
      await h.connect({ clientId, transport: 'ws' });
      const source = h.source();
      await listed(source, [clientId]);
      const session = (await detailedList(source)).find((s) => s.clientId === clientId)!;
      assert.equal(session.transport, 'WebSocket');
    });
  });
}
