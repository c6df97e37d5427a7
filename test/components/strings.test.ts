import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../support/benign-errors.js';
import '../support/fresh-storage.js';
import '../../components/cs-active-sessions/cs-active-sessions.js';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import type { CsStringsOverrides } from '../../components/cs-active-sessions/strings.js';
import { sessionKey, unknownSession, type Session } from '../../src/model/session.js';
import { EmqxSource } from '../../src/sources/emqx.js';
import type { SessionSource } from '../../src/sources/source.js';
import { getByRole, nameOf, queryByRole } from '../support/by-role.js';
import { countText, rowsOf } from '../support/element.js';

const AT = new Date(2024, 3, 5, 15, 4, 5).getTime();

function session(i: number): Session {
  const clientId = `device-${String(i).padStart(5, '0')}`;
  return {
    ...unknownSession(sessionKey('node1', clientId), clientId),
    username: `user-${i}`,
    displayUsername: `user-${i}`,
    node: 'node1',
    connected: true,
    connectedAt: AT,
    ip: '10.0.0.1',
    port: 50_000,
    protocol: '3.1.1',
    transport: 'TCP',
    tls: false,
    subscriptions: 1,
  };
}

/** A source in memory: `n` connected sessions, nothing else. */
function memorySource(n: number): SessionSource {
  const sessions = Array.from({ length: n }, (_, i) => session(i));
  return {
    label: 'memory',
    list: async () => ({ sessions, skipped: 0 }),
    get: async (clientId) => sessions.find((s) => s.clientId === clientId)!,
    subscriptions: async () => [],
    disconnect: async () => 'disconnected',
  };
}

const loaded = (el: CsActiveSessions) =>
  waitUntil(() => countText(el) !== '' && rowsOf(el).size > 0, 'the list loaded', {
    timeout: 8000,
  });

/** The `Connected at` cell of the first session. */
const connectedAtOf = (el: CsActiveSessions) => rowsOf(el).get('device-00000')![2];

describe('<cs-active-sessions> strings and locale', () => {
  it('should find the controls by the names the page gives', async () => {
    const strings: CsStringsOverrides = {
      activeSessions: 'Aktive Sitzungen',
      searchLabel: 'Sitzungen suchen',
      refresh: 'Aktualisieren',
      countAll: (n, count) => `${n} aktive ${count === 1 ? 'Sitzung' : 'Sitzungen'}`,
      countFiltered: (shown, total) => `${shown} von ${total} aktiven Sitzungen`,
    };
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        .source=${memorySource(3)}
        .strings=${strings}
        refresh-interval="0"
      ></cs-active-sessions>`,
    );
    await waitUntil(() => countText(el) !== '', 'the list loaded', { timeout: 8000 });
    const root = el.shadowRoot!;
    expect(countText(el)).to.equal('3 aktive Sitzungen');
    getByRole(root, 'region', 'Aktive Sitzungen');
    getByRole(root, 'grid', 'Aktive Sitzungen');
    const search = getByRole(root, 'searchbox', 'Sitzungen suchen') as HTMLInputElement;
    getByRole(root, 'button', 'Aktualisieren');
    expect(queryByRole(root, 'searchbox', 'Search sessions')).to.equal(null);
    expect(queryByRole(root, 'button', 'Refresh')).to.equal(null);
    // What the page did not override stays English.
    getByRole(root, 'switch', 'Auto-refresh');
    getByRole(root, 'button', 'Export');

    search.value = 'device-00001';
    search.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await waitUntil(() => countText(el) === '1 von 3 aktiven Sitzungen', 'filtered count');

    // Strings set later apply at once.
    el.strings = { ...strings, refresh: 'Neu laden' };
    await el.updateComplete;
    getByRole(root, 'button', 'Neu laden');
  });

  it('should format numbers and dates in the locale attribute', async () => {
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        .source=${memorySource(1234)}
        locale="de-DE"
        plan-limit="2000"
        refresh-interval="0"
      ></cs-active-sessions>`,
    );
    await loaded(el);
    expect(countText(el)).to.equal('1.234 active sessions');
    const meter = getByRole(el.shadowRoot!, 'meter', 'Plan usage');
    expect(meter.querySelector('.plan-text')!.textContent).to.equal('1.234 / 2.000 (62\u00a0%)');
    expect(connectedAtOf(el)).to.equal('05.04.2024, 15:04:05');
  });

  it('should take the locale from the nearest lang attribute', async () => {
    const host = await fixture<HTMLDivElement>(
      html`<div lang="de-DE">
        <cs-active-sessions .source=${memorySource(1234)} refresh-interval="0"></cs-active-sessions>
      </div>`,
    );
    const el = host.querySelector('cs-active-sessions') as CsActiveSessions;
    await loaded(el);
    expect(countText(el)).to.equal('1.234 active sessions');
  });

  it("should say a broker's refusal in the page's language, with the broker's own words", async () => {
    // A real EmqxSource against a server that refuses the credentials as EMQX does.
    const refusing: typeof fetch = async () =>
      new Response(
        JSON.stringify({ code: 'BAD_API_KEY_OR_SECRET', message: 'Check api_key/api_secret' }),
        {
          status: 401,
          headers: { 'content-type': 'application/json' },
        },
      );
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions refresh-interval="0"></cs-active-sessions>`,
    );
    el.strings = {
      loadFailed: (message) => `Sitzungen konnten nicht geladen werden: ${message}`,
      sourceMessages: {
        credentialsRefused: (v) =>
          `${v['label']} hat die Zugangsdaten abgelehnt (${v['text']}). Bitte API-Schlüssel und Geheimnis prüfen.`,
      },
    };
    el.source = new EmqxSource({
      baseUrl: '/nowhere/api/v5',
      apiKey: 'key-4f9c',
      apiSecret: 'secret-7f3a',
      fetch: refusing,
    });
    const banner = () =>
      el.shadowRoot!.querySelector('[part="error"]')?.textContent?.replace(/\s+/g, ' ').trim() ??
      '';
    await waitUntil(() => banner() !== '', 'the error');
    const text = banner();
    expect(text).to.equal(
      'Sitzungen konnten nicht geladen werden: EMQX at /nowhere/api/v5 hat die Zugangsdaten abgelehnt (HTTP 401 BAD_API_KEY_OR_SECRET Check api_key/api_secret). Bitte API-Schlüssel und Geheimnis prüfen.',
    );
    // A message the page did not translate stays in English.
    el.strings = { sourceMessages: {} };
    await el.updateComplete;
    expect(banner()).to.include('refused the credentials');
  });

  it('should keep the English names of the accessible contract by default', async () => {
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        .source=${memorySource(3)}
        locale="en-US"
        plan-limit="100"
        refresh-interval="0"
      ></cs-active-sessions>`,
    );
    await loaded(el);
    const root = el.shadowRoot!;
    expect(countText(el)).to.equal('3 active sessions');
    getByRole(root, 'region', 'Active sessions');
    const grid = getByRole(root, 'grid', 'Active sessions');
    getByRole(root, 'searchbox', 'Search sessions');
    getByRole(root, 'button', 'Refresh');
    getByRole(root, 'switch', 'Auto-refresh');
    getByRole(root, 'button', 'Export');
    getByRole(root, 'checkbox', 'Select all');
    getByRole(root, 'checkbox', 'Select device-00000');
    getByRole(root, 'button', 'Disconnect selected');
    const meter = getByRole(root, 'meter', 'Plan usage');
    expect(meter.querySelector('.plan-text')!.textContent).to.equal('3 / 100 (3%)');
    const headers = [...grid.querySelectorAll('[role="columnheader"]')]
      .map((h) => nameOf(h))
      .filter(Boolean);
    expect(headers).to.deep.equal([
      'Client ID',
      'Username',
      'Connected at',
      'IP address',
      'Protocol',
      'Subscriptions',
    ]);
    expect(connectedAtOf(el)).to.equal('2024-04-05 15:04:05');
  });
});
