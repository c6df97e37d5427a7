/** HiveMQSource against OpenAPI-shaped fixtures over real HTTP: paging, 410, details, QoS. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { protocolFromHive, subscriptionsFromHive } from '../../src/model/hivemq-client.js';
import { HiveMQSource } from '../../src/sources/hivemq.js';
import type { Session } from '../../src/model/session.js';
import { startHiveFixture, type HiveFixture } from '../support/hivemq-fixture.js';

describe('HiveMQSource', () => {
  let hive: HiveFixture;
  const source = (extra: Partial<ConstructorParameters<typeof HiveMQSource>[0]> = {}) =>
    new HiveMQSource({
      baseUrl: hive.apiUrl,
      username: hive.user,
      password: hive.password,
      pageSize: 50,
      ...extra,
    });

  before(async () => {
    hive = await startHiveFixture();
    hive.add(
      ...Array.from({ length: 120 }, (_, i) => ({
        id: `hive-${String(i).padStart(3, '0')}`,
        username: `user${i}@org_hive1`,
        password: `secret-of-${i}`,
      })),
      { id: 'hive-offline', connected: false, sessionExpiryInterval: 3600 },
    );
  });
  after(() => hive.close());

  it('walks every page of client IDs by cursor, rows pending until their details come', async () => {
    const pages: number[] = [];
    const { sessions } = await source().list({ onPage: (p) => pages.push(p.length) });
    assert.deepEqual(pages, [50, 50, 21]);
    assert.equal(sessions.length, 121);
    assert.ok(sessions.every((s) => s.pending && s.connected === undefined));
  });

  it('restarts the walk when a cursor expires (410)', async () => {
    const s = source();
    let expired = false;
    const { sessions } = await s.list({
      onPage: () => {
        if (!expired) {
          expired = true;
          hive.expireCursors();
        }
      },
    });
    assert.equal(new Set(sessions.map((x) => x.clientId)).size, 121);
  });

  it('fetches details a few at a time, the rows on screen first, and drops offline sessions', async () => {
    const s = source({ concurrency: 4 });
    const { sessions } = await s.list();
    hive.stats.detailsOrder.length = 0;
    hive.stats.mostInFlight = 0;
    hive.detailsDelayMs = 5;
    const onScreen = ['hive-100', 'hive-101', 'hive-102'];
    const detailed: Session[] = [];
    const gone: string[] = [];
    const progress: number[] = [];
    await s.hydrate(sessions, {
      priority: () => onScreen,
      onSessions: (b) => {
        detailed.push(...b.detailed);
        gone.push(...b.gone);
      },
      onProgress: (done, total) => progress.push(total - done),
    });
    hive.detailsDelayMs = 0;
    // The rows on screen go in the first wave of 4 concurrent requests (their arrival order at
    // the server within that wave is up to the network).
    const firstWave = hive.stats.detailsOrder.slice(0, 4);
    for (const id of onScreen)
      assert.ok(firstWave.includes(id), `${id} in ${firstWave.join(', ')}`);
    assert.equal(hive.stats.mostInFlight, 4);
    assert.equal(detailed.length, 120);
    assert.deepEqual(gone, ['hive-offline']);
    assert.equal(progress.at(-1), 0);
    const one = detailed.find((d) => d.clientId === 'hive-007')!;
    assert.equal(one.pending, false);
    assert.equal(one.displayUsername, 'user7');
    assert.equal(one.protocol, '5.0');
    assert.equal(one.node, 'hive-node-a');
    // HiveMQ returns the client's password: it never gets into a session.
    assert.doesNotMatch(JSON.stringify(detailed), /secret-of-/);

    // The next list shows earlier details at once; the offline session comes pending again, to
    // be read again (it may have reconnected).
    const again = await s.list();
    assert.equal(again.sessions.filter((x) => !x.pending).length, 120);
    assert.deepEqual(
      again.sessions.filter((x) => x.pending).map((x) => x.clientId),
      ['hive-offline'],
    );
  });

  it('sees a client that went offline on its own at the next poll', async () => {
    const s = source();
    const first = await s.list();
    await s.hydrate(first.sessions, { onSessions: () => {} });
    hive.add({ id: 'hive-042', connected: false, sessionExpiryInterval: 600 });
    const again = await s.list();
    const gone: string[] = [];
    await s.hydrate(again.sessions, { onSessions: (b) => gone.push(...b.gone) });
    assert.ok(gone.includes('hive-042'), 'read again, and found offline');
  });

  it('maps HiveMQ versions and QoS enums', () => {
    assert.deepEqual(
      ['MQTTv5', 'MQTTv3_1_1', 'MQTTv3_1', 'MQTT 5.0', '3.1.1', 'v9'].map(protocolFromHive),
      ['5.0', '3.1.1', '3.1', '5.0', '3.1.1', undefined],
    );
    assert.deepEqual(
      subscriptionsFromHive({
        items: [
          { topicFilter: 'a/#', qos: 'AT_MOST_ONCE' },
          { topicFilter: 'b/+', qos: 'AT_LEAST_ONCE' },
          { topicFilter: 'c', qos: 'EXACTLY_ONCE' },
          { topicFilter: 'd', qos: 'SOMETHING_NEW' },
          { qos: 'AT_MOST_ONCE' },
        ],
      }),
      [
        { topic: 'a/#', qos: 0 },
        { topic: 'b/+', qos: 1 },
        { topic: 'c', qos: 2 },
        { topic: 'd', qos: undefined },
      ],
    );
  });

  it("reports HiveMQ's own error text", async () => {
    await assert.rejects(source().get('no-such-client'), /Resource not found.*not found/);
  });
});
