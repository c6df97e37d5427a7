/**
 * The element on HiveMQ (REST API fixtures over real HTTP): client IDs first, rows marked
 * loading and counts provisional until the details arrive in the background; then details,
 * subscriptions with QoS, and disconnect.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand, setViewport } from '@web/test-runner-commands';
import '../support/benign-errors.js';
import '../support/fresh-storage.js';
import '../../components/cs-active-sessions/cs-active-sessions.js';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import { HiveMQSource } from '../../src/sources/hivemq.js';
import { getByRole, queryByRole } from '../support/by-role.js';
import { countText, factsOf, openDetails, rowsOf } from '../support/element.js';

interface HiveInfo {
  id: string;
  apiUrl: string;
  user: string;
  password: string;
}

describe('<cs-active-sessions> on HiveMQ', () => {
  let hive: HiveInfo;
  afterEach(() => executeServerCommand('hive-stop', { fixture: hive.id }));

  it('should show client IDs at once, then fill in the details, and disconnect one', async () => {
    hive = await executeServerCommand<HiveInfo, object>('hive-start', {
      detailsDelayMs: 150,
      clients: [
        ...Array.from({ length: 30 }, (_, i) => ({
          id: `hive-device-${String(i).padStart(2, '0')}`,
          username: `device${i}@org_hive1`,
          password: 'never-shown',
          mqttVersion: 'MQTTv5',
        })),
        {
          id: 'hive-gateway',
          username: 'gw',
          mqttVersion: 'MQTTv3_1_1',
          tls: true,
          listener: 'websocket-listener-8000',
          subscriptions: [
            { topicFilter: 'factory/+/alarms', qos: 'EXACTLY_ONCE' },
            { topicFilter: 'config/#', qos: 'AT_MOST_ONCE' },
          ],
        },
        { id: 'hive-sleeping', connected: false, sessionExpiryInterval: 3600 },
      ],
    });
    // Tall enough for all 32 rows to be rendered (only those on screen and a little beyond are).
    await setViewport({ width: 1200, height: 1600 });
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        refresh-interval="0"
        style="--cs-table-height: 1300px"
        .source=${new HiveMQSource({
          baseUrl: hive.apiUrl,
          username: hive.user,
          password: hive.password,
          concurrency: 4,
        })}
      ></cs-active-sessions>`,
    );
    // The IDs come first: rows say their details are loading, the count is provisional.
    await waitUntil(() => rowsOf(el).size > 0, 'the first rows');
    expect(countText(el)).to.equal('32 active sessions (provisional)');
    const first = [...rowsOf(el).values()][0]!;
    expect(first.slice(1)).to.include('Loading…');
    expect(getByRole(el.shadowRoot!, 'progressbar', 'Session details loading')).to.exist;

    await executeServerCommand('hive-delay', { fixture: hive.id, ms: 0 });
    await waitUntil(() => countText(el) === '31 active sessions', 'every detail', {
      timeout: 15_000,
    });
    expect(queryByRole(el.shadowRoot!, 'progressbar', 'Session details loading')).to.equal(null);
    const rows = rowsOf(el);
    expect(rows.has('hive-sleeping')).to.equal(false);
    expect(rows.get('hive-gateway')!.slice(1)).to.include.members([
      'gw',
      '127.0.0.1',
      '3.1.1 WebSocket',
      '2',
    ]);
    expect(JSON.stringify([...rows.values()])).not.to.include('never-shown');

    const details = await openDetails(el, 'hive-gateway');
    await waitUntil(() => details.textContent!.includes('factory/+/alarms'), 'subscriptions');
    expect(details.textContent).to.match(/factory\/\+\/alarms\s*\(QoS 2\)/);
    expect(factsOf(details)['TLS']).to.equal('yes');
    getByRole(details, 'button', 'Disconnect').click();
    await waitUntil(() => queryByRole(el.shadowRoot!, 'alertdialog'), 'dialog');
    getByRole(getByRole(el.shadowRoot!, 'alertdialog'), 'button', 'Disconnect').click();
    await waitUntil(
      () =>
        executeServerCommand<boolean, object>('hive-closed', {
          fixture: hive.id,
          clientId: 'hive-gateway',
        }),
      'the connection closed through the API',
    );
    await waitUntil(() => !rowsOf(el).has('hive-gateway'), 'the row gone');
  });
});
