/** The source contract against the dev broker's EMQX v5 API, with real MQTT.js clients. */
import { after, before } from 'node:test';
import { EmqxSource } from '../../src/sources/emqx.js';
import { startTestBroker, type TestBroker } from '../support/node-broker.js';
import { sourceContract } from './contract.js';

let t: TestBroker;
before(async () => {
  t = await startTestBroker();
});
after(() => t.close());

sourceContract('EMQX (dev broker)', () => ({
  source: () =>
    new EmqxSource({
      baseUrl: t.broker.apiUrl,
      apiKey: t.broker.apiKey,
      apiSecret: t.broker.apiSecret,
      pageSize: 3,
    }),
  refusedSource: () =>
    new EmqxSource({
      baseUrl: t.broker.apiUrl,
      apiKey: t.broker.apiKey,
      apiSecret: 'wrong-secret',
    }),
  async connect(spec) {
    const [client] = await t.connect({
      clientId: spec.clientId,
      username: spec.username,
      subscriptions: spec.subscriptions,
      transport: spec.transport,
      reconnect: false,
    });
    return { clientId: spec.clientId, closed: () => client!.closes > 0 };
  },
}));
