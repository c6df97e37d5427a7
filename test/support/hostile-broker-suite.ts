/**
 * The hostile strings MQTT allows, through real MQTT.js clients (client IDs, usernames and
 * subscription topics) to the dev broker, and back through `<cs-active-sessions>`: live events
 * first, then the API listing, then every path a string takes (table, search, details, JSON and
 * CSV export, bulk disconnect, audit log, alerts). Each test file runs one slice of the corpus.
 */
import { expect, fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import type { AlertDetail } from '../../components/cs-active-sessions/events.js';
import { setViewport } from '@web/test-runner-commands';
import type { FleetClientSpec } from '../../demo/fleet.js';
import {
  connectClients,
  sourceFor,
  startBroker,
  stopBroker,
  type BrokerInfo,
} from './broker-commands.js';
import { getByRole, queryAllByRole, nameOf } from './by-role.js';
import { countText, sessionRows, uniqueKey } from './element.js';
import { hardening } from './hardening.js';
import {
  armCanary,
  detailsValues,
  disconnectAll,
  expectContained,
  expectCsvExport,
  expectInert,
  expectJsonExport,
  expectLayout,
  rowOf,
  searchFor,
} from './hostile-checks.js';
import { HOSTILE_STRINGS, type HostileString } from './hostile-strings.js';

/** Longest URL-encoded client ID sent through the dev broker (Node refuses request heads over 16 KB). */
export const URL_SAFE = 12_000;

/** The strings that can go through a real MQTT client and the dev broker's URLs. */
export const MQTT_STRINGS = HOSTILE_STRINGS.filter(
  (s) => s.clientId && encodeURIComponent(s.value).length <= URL_SAFE,
);

const WIDTH = 1100;

const topicOf = (s: HostileString) =>
  // Only the dashboard user may subscribe to `$SYS`: those fall back to a plain filter.
  s.topic && !s.value.startsWith('$SYS') ? s.value : undefined;

const specOf = (s: HostileString): FleetClientSpec => {
  const topic = topicOf(s);
  return {
    clientId: s.value,
    username: s.username ? s.value : undefined,
    reconnect: false,
    keepalive: 60,
    subscriptions: topic ? [{ topic, qos: 1 }] : [],
  };
};

const short = (s: string) => JSON.stringify(s.slice(0, 40));

export function hostileBrokerSuite(part: string, strings: readonly HostileString[]): void {
  describe(`<cs-active-sessions> hostile strings over real MQTT (${part})`, () => {
    let broker: BrokerInfo | undefined;

    afterEach(async () => {
      fixtureCleanup();
      if (broker) await stopBroker(broker);
      broker = undefined;
    });

    it(`should render, search, detail, export, disconnect, audit and alert on ${strings.length} hostile strings without running or breaking anything`, async function () {
      this.timeout(110_000);
      armCanary();
      broker = await startBroker();
      const n = strings.length;
      // Tall enough that the table renders every row at once.
      await setViewport({ width: WIDTH + 100, height: (n + 12) * 40 });
      const host = await fixture<HTMLDivElement>(
        html`<div style="width: ${WIDTH}px">
          <cs-active-sessions
            style="--cs-table-height: ${(n + 2) * 40}px"
            .source=${sourceFor(broker)}
            .alertRules=${[{ id: 'every', kind: 'critical-disconnect', clients: ['*'] }]}
            .liveCredentials=${{ username: 'dashboard', password: broker.apiSecret }}
            live
            live-url=${broker.wsUrl}
            refresh-interval="3600"
            disconnect-rate="1000"
            storage-key=${uniqueKey()}
          ></cs-active-sessions>
        </div>`,
      );
      const el = host.querySelector('cs-active-sessions') as CsActiveSessions;
      const triggers: string[] = [];
      el.addEventListener('cs-refresh', (e) => triggers.push(e.detail.trigger));
      const alerts: AlertDetail[] = [];
      el.addEventListener('cs-alert', (e) => alerts.push(e.detail));
      await waitUntil(
        () => el.shadowRoot!.querySelector('[part="live-status"]')?.textContent?.trim() === 'Live',
        'the live feed is up',
        { timeout: 10_000 },
      );
      await waitUntil(() => triggers.includes('live'), 'the resync after subscribing');
      const polls = triggers.length;
      let tried = 0;

      // 1. Live events: the clients connect after the element is up; no poll brings them.
      for (let i = 0; i < n; i += 40) {
        await connectClients(broker, strings.slice(i, i + 40).map(specOf));
      }
      await waitUntil(() => countText(el) === `${n} active sessions`, undefined, {
        timeout: 20_000,
      }).catch(() => {
        const missing = strings.filter((s) => !rowOf(el, s.value)).map((s) => s.label);
        throw new Error(`${countText(el)}; no live row for: ${missing.join(' | ')}`);
      });
      expect(triggers.length, 'no poll brought the rows').to.equal(polls);
      await waitUntil(() => sessionRows(el).length === n, 'every row rendered');
      for (const s of strings) {
        const row = rowOf(el, s.value);
        expect(row, `live row of ${s.label}`).to.not.equal(undefined);
      }
      expectInert(el, 'live rows');
      expectLayout(el, 'live rows', WIDTH);
      tried += n;

      // 2. The API listing.
      getByRole(el.shadowRoot!, 'button', 'Refresh').click();
      await waitUntil(() => triggers.length > polls, 'the poll');
      await waitUntil(() => countText(el) === `${n} active sessions`, 'listed');
      await el.updateComplete;
      for (const s of strings) {
        const row = rowOf(el, s.value);
        expect(row, `listed row of ${s.label}`).to.not.equal(undefined);
        const [idCell, userCell] = queryAllByRole(row!, 'gridcell').filter(
          (c) => !c.classList.contains('check'),
        );
        expect(idCell!.getAttribute('title') === s.value, `title of ${s.label}`).to.equal(true);
        expect(
          userCell!.getAttribute('title') === s.value,
          `username title of ${s.label}`,
        ).to.equal(true);
      }
      expectInert(el, 'listed rows');
      expectLayout(el, 'listed rows', WIDTH);
      tried += n;

      // 3. Search and details, string by string.
      for (const s of strings) {
        // A search box holds one line (the browser strips line breaks): the longest line.
        const query = s.value
          .split(/[\r\n]/)
          .reduce((a, b) => (b.trim().length > a.trim().length ? b : a));
        await searchFor(el, query);
        await waitUntil(() => rowOf(el, s.value), `search finds ${s.label}`);
        expectLayout(el, `search ${s.label}`, WIDTH);
        rowOf(el, s.value)!.click();
        await el.updateComplete;
        const details = getByRole(el.shadowRoot!, 'region', 'Session details');
        const [id, user] = detailsValues(details);
        expect(id === s.value, `details client ID of ${s.label}: ${short(id ?? '')}`).to.equal(
          true,
        );
        expect(user === s.value, `details username of ${s.label}`).to.equal(true);
        const topic = topicOf(s);
        await waitUntil(
          () => details.querySelector('.subscriptions, .muted:not(.notice), .error-text'),
          `subscriptions of ${s.label}`,
        );
        await waitUntil(() => !details.textContent!.includes('Loading subscriptions'), 'loaded');
        const topics = [...details.querySelectorAll('.subscriptions code bdi')].map(
          (b) => b.textContent,
        );
        if (s.value === '.' || s.value === '..') {
          // A URL parser reads these as path steps: the element says so, and asks no other URL.
          expect(details.querySelector('.error-text')?.textContent).to.include(
            'cannot be named in a URL',
          );
        } else {
          expect(topics, `topics of ${s.label}`).to.deep.equal(topic ? [topic] : []);
        }
        expectContained(el, details, `details ${s.label}`, WIDTH);
        expectInert(el, `details ${s.label}`);
      }
      await searchFor(el, '');
      await waitUntil(() => countText(el) === `${n} active sessions`, 'search cleared');
      tried += 2 * n;

      // 4. Exports.
      const expected = strings.map((s) => ({ clientId: s.value, username: s.value }));
      await expectJsonExport(el, expected);
      const formulas = await expectCsvExport(el, expected);
      expect(formulas, 'the slice holds formula-prefixed strings').to.be.greaterThan(0);
      tried += 2 * n;

      // 5. Disconnect them all, then the audit log and the alerts.
      await disconnectAll(el, n);
      await waitUntil(() => countText(el) === '0 active sessions', 'all gone', { timeout: 20_000 });
      getByRole(el.shadowRoot!, 'button', 'Audit log').click();
      await waitUntil(() => el.shadowRoot!.querySelector('[part="audit"] ol.audit li li'), 'audit');
      const audit = el.shadowRoot!.querySelector<HTMLElement>('[part="audit"]')!;
      const audited = new Set(
        [...audit.querySelectorAll('ol.audit li li bdi')].map((b) => b.textContent),
      );
      for (const s of strings)
        expect(audited.has(s.value), `audit log lists ${s.label}`).to.equal(true);
      expectContained(el, audit, 'audit log', WIDTH);
      expectInert(el, 'audit log');
      tried += n;

      await waitUntil(() => new Set(alerts.map((a) => a.clientIds[0])).size === n, undefined, {
        timeout: 15_000,
      }).catch(() => {
        const alerted = new Set(alerts.map((a) => a.clientIds[0]));
        const missing = strings.filter((s) => !alerted.has(s.value)).map((s) => s.label);
        throw new Error(`${alerted.size} alerts; none for: ${missing.join(' | ')}`);
      });
      for (const a of alerts) {
        expect(a.message === `Critical client ${a.clientIds[0]} disconnected.`).to.equal(true);
      }
      const alertsButton = queryAllByRole(el.shadowRoot!, 'button').find((b) =>
        /^Alerts( \d+)?$/.test(nameOf(b)),
      )!;
      alertsButton.click();
      await el.updateComplete;
      const panel = el.shadowRoot!.querySelector<HTMLElement>('[part="alerts"]')!;
      const shown = new Set(
        [...panel.querySelectorAll('ol.alerts li bdi')].map((b) => b.textContent),
      );
      for (const s of strings) {
        expect(
          shown.has(`Critical client ${s.value} disconnected.`),
          `alert for ${s.label}`,
        ).to.equal(true);
      }
      expectContained(el, panel, 'alerts panel', WIDTH);
      expectInert(el, 'alerts');
      tried += n;

      await hardening(`hostile strings over MQTT (${part})`, { strings: tried, sessions: n });
    });
  });
}
