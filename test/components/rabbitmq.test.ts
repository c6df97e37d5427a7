/**
 * The element against a real RabbitMQ (management API with CORS for loopback pages) and real
 * MQTT.js clients over TCP and WebSocket: fields, subscriptions with QoS, and `Disconnect`
 * closing the real client.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../support/benign-errors.js';
import '../support/fresh-storage.js';
import '../../components/cs-active-sessions/cs-active-sessions.js';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import { RabbitMQSource } from '../../src/sources/rabbitmq.js';
import { getByRole, queryByRole } from '../support/by-role.js';
import { factsOf, openDetails, rowsOf } from '../support/element.js';

interface RabbitInfo {
  apiUrl: string;
  user: string;
  password: string;
}

describe('<cs-active-sessions> on RabbitMQ', () => {
  it('should show MQTT clients of a real RabbitMQ and disconnect one', async () => {
    const rabbit = await executeServerCommand<RabbitInfo, object>('rabbit-info', {});
    const tag = `rmq-${Date.now().toString(36)}`;
    await executeServerCommand('rabbit-connect', {
      clients: [
        {
          clientId: `${tag}-sensor`,
          subscriptions: [
            { topic: 'sensors/+/temperature', qos: 1 },
            { topic: 'commands/#', qos: 0 },
          ],
        },
        { clientId: `${tag}-browser`, transport: 'ws' },
      ],
    });
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        refresh-interval="1"
        .source=${new RabbitMQSource({
          baseUrl: rabbit.apiUrl,
          username: rabbit.user,
          password: rabbit.password,
        })}
      ></cs-active-sessions>`,
    );
    // RabbitMQ lists a new connection once its stats are collected (a few seconds).
    await waitUntil(
      () => rowsOf(el).has(`${tag}-sensor`) && rowsOf(el).has(`${tag}-browser`),
      'both clients listed',
      { timeout: 20_000 },
    );
    const rows = rowsOf(el);
    expect(rows.get(`${tag}-sensor`)!.slice(1)).to.include.members([
      'guest',
      '127.0.0.1',
      '3.1.1',
      '2',
    ]);
    expect(rows.get(`${tag}-browser`)!).to.include('3.1.1 WebSocket');
    // RabbitMQ cannot search client IDs: the element says it searches here.
    const search = getByRole(el.shadowRoot!, 'searchbox', 'Search sessions');
    const note = el.shadowRoot!.getElementById(search.getAttribute('aria-describedby')!)!;
    expect(note.textContent).to.match(
      /Searched in this browser: RabbitMQ at .* cannot search client IDs itself\./,
    );

    const details = await openDetails(el, `${tag}-sensor`);
    await waitUntil(() => details.textContent!.includes('sensors/+/temperature'), 'subscriptions');
    expect(details.textContent).to.match(/sensors\/\+\/temperature\s*\(QoS 1\)/);
    expect(details.textContent).to.match(/commands\/#\s*\(QoS 0\)/);
    expect(factsOf(details)['TLS']).to.equal('no');
    // No ban list on RabbitMQ: no `Disconnect and block`.
    expect(queryByRole(details, 'button', 'Disconnect and block')).to.equal(null);

    getByRole(details, 'button', 'Disconnect').click();
    const dialog = await waitUntil(() => queryByRole(el.shadowRoot!, 'alertdialog'), 'dialog').then(
      () => getByRole(el.shadowRoot!, 'alertdialog'),
    );
    getByRole(dialog, 'button', 'Disconnect').click();
    await waitUntil(
      async () =>
        (
          await executeServerCommand<{ closed: boolean }, object>('rabbit-client', {
            clientId: `${tag}-sensor`,
          })
        ).closed,
      'the real client to be closed',
      { timeout: 10_000 },
    );
  });
});
