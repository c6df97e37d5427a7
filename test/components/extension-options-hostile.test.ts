/**
 * Issue 11 on the extension's options page: the recent alerts the background stored, about
 * every client ID of the hostile corpus (messages made as the background makes them, with
 * `displayClientId`), are rendered as text: nothing runs or is parsed as markup, each message
 * reads back exactly as stored, isolated and with no raw control or direction character, and the
 * list does not spill sideways.
 */
import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import '../../components/cs-extension-options/cs-extension-options.js';
import type { CsExtensionOptions } from '../../components/cs-extension-options/cs-extension-options.js';
import { evaluateAlerts, initialAlertState } from '../../src/alerts/rules.js';
import type { RecentAlert } from '../../src/watch/background-watch.js';
import { displayClientId } from '../../src/watch/display.js';
import { hardening } from '../support/hardening.js';
import { HOSTILE_STRINGS } from '../support/hostile-strings.js';

declare global {
  interface Window {
    __pwned?: unknown;
  }
}

const IDS = [...new Set(HOSTILE_STRINGS.map((s) => s.value))];
const RAW = /[\p{Cc}\p{Cs}\u061c\u200e\u200f\u202a-\u202e\u2028\u2029]/u;
const FOREIGN =
  'script, img, iframe, object, embed, video, audio, source, meta, base, link, a[href], ' +
  'math, marquee, h1, b, body, details, template, svg, style:not(:first-child), cs-active-sessions';

/** The alerts the background raises when every corpus client, each critical, disconnects. */
function recentAlerts(): RecentAlert[] {
  const rules = [{ id: 'crit', kind: 'critical-disconnect' as const, clients: ['*'] }];
  const options = { clientIdText: displayClientId };
  const sessions = IDS.map((clientId) => ({ clientId, workspace: 'prod' }));
  const first = evaluateAlerts(
    rules,
    initialAlertState(),
    { kind: 'snapshot', at: 1, sessions },
    options,
  );
  const { alerts } = evaluateAlerts(
    rules,
    first.state,
    { kind: 'snapshot', at: 60_000, sessions: [] },
    options,
  );
  return alerts.map((a) => ({ ...a, workspaceLabel: 'Production' }));
}

describe('<cs-extension-options> recent alerts about hostile client IDs', () => {
  afterEach(() => fixtureCleanup());

  it('shows every message as inert text, exactly as stored', async () => {
    window.__pwned = undefined;
    const alerts = recentAlerts();
    expect(alerts).to.have.length(IDS.length);
    const wrapper = await fixture<HTMLDivElement>(
      html`<div style="width: 900px">
        <cs-extension-options .recentAlerts=${alerts}></cs-extension-options>
      </div>`,
    );
    const el = wrapper.querySelector('cs-extension-options') as CsExtensionOptions;
    await el.updateComplete;
    const root = el.shadowRoot!;
    const items = [...root.querySelectorAll('ol.alerts > li')];
    expect(items).to.have.length(alerts.length);
    items.forEach((li, i) => {
      const alert = alerts[i]!;
      const where = JSON.stringify(alert.clientIds[0]!.slice(0, 40));
      const message = li.querySelectorAll('bdi')[1]!.textContent ?? '';
      expect(message === alert.message, `${where}: the message as stored`).to.equal(true);
      expect(message.startsWith('Critical client \u2068'), where).to.equal(true);
      expect(message.endsWith('\u2069 disconnected.'), where).to.equal(true);
      expect(RAW.test(message), `${where}: a raw control or direction character`).to.equal(false);
      // One isolate: nothing inside can reorder the words around it.
      expect(message.split('\u2068').length - 1, `${where}: FSI`).to.equal(1);
      expect(message.split('\u2069').length - 1, `${where}: PDI`).to.equal(1);
    });
    expect(window.__pwned, 'an injected script or handler ran').to.equal(undefined);
    // Inside the list only the template's own elements: no markup from a message.
    const all = [...root.querySelector('ol.alerts')!.querySelectorAll('*')];
    expect([...new Set(all.map((e) => e.localName))].sort(), 'elements in the list').to.deep.equal([
      'bdi',
      'li',
      'span',
      'strong',
    ]);
    expect(
      all.filter((e) => e.matches(FOREIGN)).map((e) => e.outerHTML.slice(0, 80)),
      'elements from markup',
    ).to.deep.equal([]);
    const handlers = all.flatMap((e) =>
      [...e.attributes].filter((a) => a.name.startsWith('on')).map((a) => a.name),
    );
    expect(handlers, 'event handler attributes').to.deep.equal([]);
    expect(root.querySelectorAll('script, img, iframe, svg')).to.have.length(0);
    // A very long ID is cut to 100 characters and nothing is pushed wider than the page.
    const list = root.querySelector('ol.alerts') as HTMLElement;
    expect(list.scrollWidth, 'the list spills sideways').to.be.at.most(list.clientWidth + 1);
    expect(el.getBoundingClientRect().width).to.be.at.most(901);
    await hardening('extension options recent alerts', {
      strings: IDS.length,
      sessions: items.length,
    });
  });
});
