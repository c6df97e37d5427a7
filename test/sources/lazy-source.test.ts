/**
 * Sources whose code loads on their first call (`LazySource`): the RabbitMQ and HiveMQ sources of
 * `createSource` say who they are at once, load their class once, pass calls on, and say so when
 * their code cannot be loaded. (The simulated fleet's: demo.test.ts.)
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createSource } from '../../src/sources/from-config.js';
import { HiveMQSource } from '../../src/sources/hivemq.js';
import { LazySource } from '../../src/sources/lazy-source.js';
import { RabbitMQSource } from '../../src/sources/rabbitmq.js';
import { SourceError, type SessionSource } from '../../src/sources/source.js';

const stub: SessionSource = {
  label: 'stub',
  list: async () => ({ sessions: [], skipped: 0 }),
  get: async () => {
    throw new Error('not here');
  },
  subscriptions: async () => [],
  disconnect: async (clientId) => (clientId === 'a' ? 'disconnected' : 'already-gone'),
  hydrate: async () => {},
  ban: async () => {},
};

describe('LazySource', () => {
  it('answers who it is at once and loads its source once, on the first call', async () => {
    let loads = 0;
    const source = new LazySource({
      label: 'Broker X',
      id: 'x',
      capabilities: { ...new RabbitMQSource({ baseUrl: 'http://x' }).capabilities },
      methods: ['hydrate'],
      load: async () => {
        loads++;
        return stub;
      },
    });
    assert.equal(source.label, 'Broker X');
    assert.equal(source.id, 'x');
    assert.equal(loads, 0);
    const [a, b, list] = await Promise.all([
      source.disconnect('a'),
      source.disconnect('b'),
      source.list(),
    ]);
    assert.deepEqual([a, b, list], ['disconnected', 'already-gone', { sessions: [], skipped: 0 }]);
    assert.equal(loads, 1);
    // Only the optional methods it was told of: the element offers what a source has.
    assert.equal(typeof source.hydrate, 'function');
    assert.equal(source.ban, undefined);
    assert.equal(source.search, undefined);
  });

  it('says its code could not be loaded, as a network error, and tries again on the next call', async () => {
    let fail = true;
    const source = new LazySource({
      label: 'RabbitMQ at http://rabbit:15672/api',
      id: 'r',
      capabilities: new RabbitMQSource({ baseUrl: 'http://x' }).capabilities,
      methods: [],
      load: async () => {
        if (fail) throw new TypeError('Failed to fetch dynamically imported module');
        return stub;
      },
    });
    await assert.rejects(source.list(), (e) => {
      assert.ok(e instanceof SourceError);
      assert.equal(e.kind, 'network');
      assert.equal(
        e.message,
        'The code that talks to RabbitMQ at http://rabbit:15672/api could not be loaded (Failed to fetch dynamically imported module).',
      );
      assert.equal(e.details.text?.id, 'sourceNotLoaded');
      return true;
    });
    fail = false;
    assert.equal(await source.disconnect('a'), 'disconnected');
  });
});

describe('createSource for RabbitMQ and HiveMQ', () => {
  let server: Server;
  let base: string;
  const asked: string[] = [];

  before(async () => {
    // Answers every request with 401, as a broker does for wrong credentials.
    server = createServer((req, res) => {
      asked.push(req.url ?? '');
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"not_authorised"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('gives sources that say what the real classes say, without the URL’s user info', () => {
    const url = 'https://ops:hunter2@broker.example/api/';
    const rabbit = createSource({ kind: 'rabbitmq', baseUrl: url, apiKey: 'u', apiSecret: 'p' });
    const realRabbit = new RabbitMQSource({ baseUrl: url, username: 'u', password: 'p' });
    assert.equal(rabbit.label, realRabbit.label);
    assert.equal(rabbit.id, realRabbit.id);
    assert.deepEqual(rabbit.capabilities, realRabbit.capabilities);
    assert.ok(!rabbit.label.includes('hunter2') && !rabbit.id!.includes('hunter2'));
    assert.equal(rabbit.hydrate, undefined);

    const hive = createSource({ kind: 'hivemq', baseUrl: url }, 'workspace:h');
    const realHive = new HiveMQSource({ baseUrl: url, id: 'workspace:h' });
    assert.equal(hive.label, realHive.label);
    assert.equal(hive.id, 'workspace:h');
    assert.deepEqual(hive.capabilities, realHive.capabilities);
    assert.equal(typeof hive.hydrate, 'function');
  });

  it('loads each class on the first call and passes the broker’s answers on', async () => {
    const rabbit = createSource({ kind: 'rabbitmq', baseUrl: `${base}/api`, apiKey: 'u' });
    await assert.rejects(rabbit.list(), (e) => e instanceof SourceError && e.kind === 'auth');
    assert.ok(
      asked.some((p) => p.startsWith('/api/connections')),
      asked.join(', '),
    );
    const hive = createSource({ kind: 'hivemq', baseUrl: `${base}/api/v1`, apiKey: 'u' });
    await assert.rejects(hive.list(), (e) => e instanceof SourceError && e.kind === 'auth');
    assert.ok(
      asked.some((p) => p.startsWith('/api/v1/mqtt/clients')),
      asked.join(', '),
    );
  });
});
