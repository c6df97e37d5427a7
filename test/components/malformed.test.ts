/**
 * Malformed broker answers in the element (issue 11): an `EmqxSource` whose `fetch` wraps the
 * real dev broker and breaks its answers. Every session that can be shown is shown, the rest are
 * counted in one notice that is announced once per new count (not on every poll); an HTML page
 * or a cut-off body marks the list stale with a clear message, and the next good poll recovers.
 * Nothing escapes to `window.onerror` or `unhandledrejection`.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../support/benign-errors.js';
import '../support/fresh-storage.js';
import '../../components/cs-active-sessions/cs-active-sessions.js';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import { EmqxSource } from '../../src/sources/emqx.js';
import {
  connectClients,
  plain,
  startBroker,
  stopBroker,
  type BrokerInfo,
} from '../support/broker-commands.js';
import { hardening } from '../support/hardening.js';
import { rowsOf, waitForRows } from '../support/element.js';

type Mode = 'clean' | 'broken' | 'more-junk' | 'html200' | 'html502' | 'truncated' | 'text';

let faults = 0;
let sessionsChecked = 0;

const SSO_PAGE = `<!DOCTYPE html><html><head><title>Sign in &ndash; Corporate SSO</title><script>window.csrf="abc"</script></head><body>${'<p>lorem ipsum</p>'.repeat(2000)}</body></html>`;
const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

const CLIENTS = ['mal-ok-1', 'mal-ok-2', 'mal-typed-1', 'mal-typed-2', 'mal-no-id', 'mal-bad-id'];
/** What `broken` shows, and how many entries it makes unreadable. */
const SHOWN = ['mal-ok-1', 'mal-ok-2', 'mal-typed-1', 'mal-typed-2'];
const UNREADABLE = 7;

/** A real page with some clients' fields broken, two clients unreadable and junk rows added. */
function breakPage(body: { data: Record<string, unknown>[] }, mode: Mode) {
  const data: unknown[] = body.data.map((c) => {
    switch (c['clientid']) {
      case 'mal-typed-1':
        return {
          ...c,
          port: 'x',
          proto_ver: '4',
          connected_at: { at: 1 },
          username: 5,
          keepalive: null,
          listener: ['tcp'],
          subscriptions_cnt: '2',
          recv_oct: 1e308,
          mqueue_max: { infinity: true },
          future_field: { nested: [1, 2] },
        };
      case 'mal-typed-2': {
        const { node: _n, ip_address: _i, connected_at: _c, proto_ver: _p, ...rest } = c;
        return { ...rest, connected_at: 1e308 };
      }
      case 'mal-no-id': {
        const { clientid: _id, ...rest } = c;
        return rest;
      }
      case 'mal-bad-id':
        return { ...c, clientid: 12345 };
      default:
        return c;
    }
  });
  const ok = body.data.find((c) => c['clientid'] === 'mal-ok-1');
  // Junk, and a client listed twice (one session, not unreadable).
  data.push(null, 42, 'junk', {}, { clientid: '', username: 'empty' }, ok);
  if (mode === 'more-junk') data.push({ clientid: ['x'] });
  return { ...body, data };
}

/** A `fetch` to the dev broker whose client lists come back as `mode` says. */
function brokenFetch(state: { mode: Mode }): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    const url = new URL(String(input));
    const isList = /\/clients(_v2)?$/.test(url.pathname) && (init?.method ?? 'GET') === 'GET';
    if (!isList || !res.ok || state.mode === 'clean') return res;
    faults++;
    const text = await res.text();
    const answer = (body: string, status = 200, type = 'application/json') =>
      new Response(body, { status, headers: { 'content-type': type } });
    switch (state.mode) {
      case 'broken':
      case 'more-junk':
        return answer(JSON.stringify(breakPage(JSON.parse(text), state.mode)));
      case 'html200':
        return answer(SSO_PAGE, 200, 'text/html');
      case 'html502':
        return answer(NGINX_502, 502, 'text/html');
      case 'truncated':
        return answer(text.slice(0, Math.floor(text.length / 2)));
      case 'text':
        return answer(
          'upstream connect error or disconnect/reset before headers',
          200,
          'text/plain',
        );
    }
  };
}

const part = (el: CsActiveSessions, name: string) =>
  [...el.shadowRoot!.querySelectorAll(`[part="${name}"]`)].map((n) =>
    n.textContent!.replace(/\s+/g, ' ').trim(),
  );
const statusText = (el: CsActiveSessions) => part(el, 'status').join(' ');

/** Rows are on screen for exactly these client IDs, and no cell shows a broken value. */
function expectRows(el: CsActiveSessions, ids: string[]) {
  const rows = rowsOf(el);
  expect([...rows.keys()].sort()).to.deep.equal([...ids].sort());
  for (const [id, cells] of rows) {
    sessionsChecked++;
    for (const cell of cells) {
      expect(cell, `${id}: ${cell}`).not.to.match(/\[object|NaN|undefined|Invalid Date|Infinity/);
    }
  }
}

/** Texts the polite announcer was given, in order. */
function watchAnnouncements(el: CsActiveSessions): string[] {
  const region = el.shadowRoot!.querySelector('[aria-live="polite"]')!;
  const said: string[] = [];
  new MutationObserver(() => {
    const text = region.textContent!.trim();
    if (text) said.push(text);
  }).observe(region, { childList: true, characterData: true, subtree: true });
  return said;
}

async function polls(el: CsActiveSessions, n: number) {
  for (let i = 0; i < n; i++) await oneEvent(el, 'cs-refresh');
}

describe('malformed broker answers in the element', () => {
  let broker: BrokerInfo;
  const escaped: string[] = [];
  const onError = (e: ErrorEvent) => escaped.push(`error: ${e.message}`);
  const onRejection = (e: PromiseRejectionEvent) => escaped.push(`rejection: ${String(e.reason)}`);

  before(async () => {
    broker = await startBroker();
    await connectClients(
      broker,
      CLIENTS.map((id) => plain(id, { username: `${id}@org_mal` })),
    );
  });
  after(async () => {
    await stopBroker(broker);
    await hardening('malformed broker answers (element)', { faults, sessions: sessionsChecked });
  });
  beforeEach(() => {
    escaped.length = 0;
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onRejection);
  });
  afterEach(() => {
    window.removeEventListener('error', onError);
    window.removeEventListener('unhandledrejection', onRejection);
    expect(escaped, 'nothing escapes the element').to.deep.equal([]);
  });

  const render = (state: { mode: Mode }, attrs: { threshold?: number } = {}) => {
    const source = new EmqxSource({
      baseUrl: broker.apiUrl,
      apiKey: broker.apiKey,
      apiSecret: broker.apiSecret,
      fetch: brokenFetch(state),
    });
    return fixture<CsActiveSessions>(
      html`<cs-active-sessions
        .source=${source}
        refresh-interval="0.3"
        server-threshold=${attrs.threshold ?? 100_000}
      ></cs-active-sessions>`,
    );
  };

  it('shows every readable session and one notice of the unreadable ones, announced once', async () => {
    const state = { mode: 'broken' as Mode };
    const el = await render(state);
    const said = watchAnnouncements(el);
    await waitForRows(el, SHOWN.length);
    await polls(el, 4);
    await el.updateComplete;
    expectRows(el, SHOWN);
    expect(statusText(el)).to.include(`${SHOWN.length} active sessions`);
    expect(part(el, 'skipped')).to.deep.equal([
      `${UNREADABLE} sessions from the broker could not be read (no usable client ID) and are not shown.`,
    ]);
    expect(part(el, 'error')).to.deep.equal([]);
    await expect(el).to.be.accessible();
    // Announced once over five polls with the same count.
    const skippedSaid = () => said.filter((t) => t.includes('could not be read'));
    await waitUntil(() => skippedSaid().length > 0, 'announced', { timeout: 3000 });
    await polls(el, 2);
    expect(skippedSaid()).to.have.length(1);

    // A new count is reported again, once.
    state.mode = 'more-junk';
    await waitUntil(
      () => part(el, 'skipped')[0]?.startsWith(`${UNREADABLE + 1} sessions`),
      'new count shown',
      { timeout: 5000 },
    );
    await polls(el, 3);
    expect(skippedSaid()).to.have.length(2);
    expect(part(el, 'skipped')).to.have.length(1);
    expectRows(el, SHOWN);

    // Clean answers: no notice, and every client shows.
    state.mode = 'clean';
    await waitUntil(() => part(el, 'skipped').length === 0, 'notice gone', { timeout: 5000 });
    expectRows(el, CLIENTS);
  });

  it('marks the list stale with a clear message on an HTML page or a cut-off body, and recovers', async () => {
    const state = { mode: 'broken' as Mode };
    const el = await render(state);
    await waitForRows(el, SHOWN.length);
    const cases: [Mode, RegExp, string][] = [
      [
        'html200',
        /HTML page instead of JSON \(HTTP 200, titled "Sign in – Corporate SSO"\)/,
        'invalid-response',
      ],
      ['truncated', /JSON that was cut off after [\d,]+ characters/, 'invalid-response'],
      [
        'html502',
        /failed to answer \(HTTP 502 — an HTML page titled "502 Bad Gateway"\)/,
        'server',
      ],
      ['text', /not JSON \(HTTP 200\): "upstream connect error/, 'invalid-response'],
    ];
    for (const [mode, message, kind] of cases) {
      state.mode = mode;
      const error = await oneEvent(el, 'cs-error');
      expect(error.detail.kind, mode).to.equal(kind);
      await el.updateComplete;
      const banner = part(el, 'error');
      expect(banner, mode).to.have.length(1);
      expect(banner[0], mode).to.match(message);
      expect(banner[0], mode).to.include('Could not refresh');
      expect(banner[0], mode).not.to.match(/lorem|csrf|<html|<title|<center/);
      expect(banner[0].length, mode).to.be.below(400);
      expect(statusText(el), mode).to.include('(stale)');
      // The last good list stays, with its notice.
      expectRows(el, SHOWN);
      expect(part(el, 'skipped'), mode).to.have.length(1);

      // The next good poll recovers without a reload.
      state.mode = 'broken';
      await waitUntil(() => part(el, 'error').length === 0, `${mode}: recovered`, {
        timeout: 5000,
      });
      await el.updateComplete;
      expect(statusText(el), mode).not.to.include('(stale)');
      expectRows(el, SHOWN);
    }
  });

  it('shows the readable sessions of a broken page in server mode, with the notice', async () => {
    const state = { mode: 'broken' as Mode };
    const el = await render(state, { threshold: 1 });
    await waitUntil(() => /Server mode/.test(part(el, 'mode').join(' ')), 'server mode', {
      timeout: 5000,
    });
    await waitForRows(el, SHOWN.length);
    expectRows(el, SHOWN);
    expect(part(el, 'skipped')[0]).to.include(`${UNREADABLE} sessions`);
    state.mode = 'truncated';
    await oneEvent(el, 'cs-error');
    await el.updateComplete;
    expect(part(el, 'error')[0]).to.match(/cut off/);
    expectRows(el, SHOWN);
    state.mode = 'clean';
    await waitUntil(() => part(el, 'skipped').length === 0, 'notice gone', { timeout: 5000 });
    expectRows(el, CLIENTS);
  });
});
