/** The source contract against HiveMQ's REST API, as OpenAPI-shaped fixtures over real HTTP. */
import { after, before } from 'node:test';
import { HiveMQSource } from '../../src/sources/hivemq.js';
import { startHiveFixture, type HiveFixture } from '../support/hivemq-fixture.js';
import { sourceContract } from './contract.js';

let hive: HiveFixture;
before(async () => {
  hive = await startHiveFixture();
});
after(() => hive.close());

const QOS = ['AT_MOST_ONCE', 'AT_LEAST_ONCE', 'EXACTLY_ONCE'] as const;

sourceContract('HiveMQ (fixtures)', () => ({
  source: () =>
    new HiveMQSource({
      baseUrl: hive.apiUrl,
      username: hive.user,
      password: hive.password,
      pageSize: 50,
    }),
  refusedSource: () =>
    new HiveMQSource({ baseUrl: hive.apiUrl, username: hive.user, password: 'wrong-secret' }),
  async connect(spec) {
    hive.add({
      id: spec.clientId,
      username: spec.username,
      password: 'client-password-never-shown',
      mqttVersion: 'MQTTv3_1_1',
      listener: spec.transport === 'ws' ? 'websocket-listener-8000' : 'tcp-listener-1883',
      subscriptions: spec.subscriptions?.map((s) => ({ topicFilter: s.topic, qos: QOS[s.qos] })),
    });
    return { clientId: spec.clientId, closed: () => hive.closed(spec.clientId) };
  },
}));
