/**
 * The visual half of accessibility and theming: axe (WCAG 2 A/AA, colour contrast included)
 * against the element in each state, in both themes; reflow at 360 px and at 200 % zoom;
 * right-to-left layout; visible focus; the theme and density attributes.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { nothing } from 'lit';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import type { AxeResults, RunOptions, default as AxeCore } from 'axe-core';
// axe's browser build registers itself as `window.axe`.
import 'axe-core';
import '../support/benign-errors.js';
import '../support/fresh-storage.js';
import '../../components/cs-active-sessions/cs-active-sessions.js';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import type { FleetClientSpec } from '../../demo/fleet.js';
import type { Subscription } from '../../src/model/session.js';
import { SourceError, type SessionSource } from '../../src/sources/source.js';
import {
  connectClients,
  sourceFor,
  startBroker,
  stopBroker,
  type BrokerInfo,
} from '../support/broker-commands.js';
import { getByRole, queryAllByRole, queryByRole } from '../support/by-role.js';
import {
  dialogOf,
  openDetails,
  rowFor,
  sessionRows,
  tick,
  uniqueKey,
  waitForRows,
} from '../support/element.js';
import { generatedSessions } from '../support/generated.js';

const axe = (window as unknown as { axe: typeof AxeCore }).axe;

const AXE_OPTIONS: RunOptions = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
  resultTypes: ['violations'],
};

/** Runs axe over the element (its open shadow root included); fails with every violation. */
/** sRGB channels of a computed colour (`rgb(…)` / `rgba(…)`), with alpha. */
function rgba(color: string): [number, number, number, number] {
  const [r = 0, g = 0, b = 0, alpha = 1] = (color.match(/[\d.]+/g) ?? []).map(Number);
  return [r, g, b, alpha];
}

const luminance = ([r, g, b]: number[]) => {
  const lin = (c: number) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
};

/** WCAG contrast of an element's text against the first opaque background behind it. */
function contrastOf(node: Element): number {
  let background: [number, number, number, number] | undefined;
  for (let e: Element | null = node; e && !background;) {
    const c = rgba(getComputedStyle(e).backgroundColor);
    if (c[3] >= 1) background = c;
    e = e.parentElement ?? ((e.getRootNode() as ShadowRoot).host || null);
  }
  background ??= [255, 255, 255, 1];
  const text = rgba(getComputedStyle(node).color);
  const [l1, l2] = [luminance(text), luminance(background)].sort((x, y) => y - x);
  return (l1! + 0.05) / (l2! + 0.05);
}

async function expectNoViolations(el: Element, state: string) {
  const results: AxeResults = await axe.run(el, AXE_OPTIONS);
  const found = results.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n` +
      v.nodes
        .map((n) => `    ${JSON.stringify(n.target)}\n      ${n.failureSummary ?? ''}`)
        .join('\n'),
  );
  expect(found, `axe violations (${state}):\n${found.join('\n')}`).to.deep.equal([]);
  // Guard against a vacuous pass: the colour-contrast rule really looked at text, and left
  // none of it undecided (axe reports what it cannot measure as incomplete, not as a violation).
  const contrast = results.passes.find((r) => r.id === 'color-contrast');
  expect(contrast?.nodes.length ?? 0, `colour contrast checked (${state})`).to.be.greaterThan(0);
  // What axe leaves undecided (one-character cells, text under the sticky selection bar) is
  // measured here instead: the text colour against the first opaque background behind it.
  const undecided = results.incomplete
    .filter((r) => r.id === 'color-contrast')
    .flatMap((r) => r.nodes)
    .map((n) => {
      const selector = (n.target as unknown as string[]).at(-1)!;
      const node = (el.shadowRoot ?? document).querySelector(selector);
      const ratio = node ? contrastOf(node) : 0;
      return { where: JSON.stringify(n.target), ratio };
    })
    .filter((u) => !(u.ratio >= 4.5))
    .map((u) => `${u.where}: ${u.ratio.toFixed(2)}:1`);
  expect(
    undecided,
    `colour contrast below 4.5:1 (${state}):\n${undecided.join('\n')}`,
  ).to.deep.equal([]);
}

const CLIENTS: FleetClientSpec[] = [
  {
    clientId: 'agent-summarizer-prod-001',
    username: 'mydevice@org_k7xm4pqr2n5t',
    keepalive: 60,
    subscriptions: [
      { topic: 'agents/+/state', qos: 1 },
      { topic: 'config/updates', qos: 2 },
    ],
    reconnect: false,
  },
  {
    clientId: 'mobile-app-user-12345',
    username: 'ops@example.com',
    transport: 'ws',
    reconnect: false,
  },
  { clientId: 'client1', protocolVersion: 3, keepalive: 0, reconnect: false },
];

/** A source that needs no broker: a fixed list of generated sessions. */
function fixedSource(count = 6): SessionSource {
  const sessions = generatedSessions(count, 'fixed');
  return {
    label: 'Fixed list',
    list: () => Promise.resolve({ sessions, skipped: 0 }),
    get: (clientId) => Promise.resolve(sessions.find((s) => s.clientId === clientId)!),
    subscriptions: () => Promise.resolve([] as Subscription[]),
    disconnect: () => Promise.resolve('disconnected'),
  };
}

/** A source whose list always fails, as a broker answering 503 does. */
function failingSource(): SessionSource {
  const fail = () =>
    Promise.reject(new SourceError('server', 'The broker answered 503 Service Unavailable.'));
  return {
    label: 'Failing broker',
    list: fail,
    get: fail,
    subscriptions: fail,
    disconnect: fail,
  };
}

const searchOf = (el: CsActiveSessions) =>
  getByRole(el.shadowRoot!, 'searchbox', 'Search sessions') as HTMLInputElement;

async function search(el: CsActiveSessions, text: string) {
  const box = searchOf(el);
  box.focus();
  box.select();
  if (text) await sendKeys({ type: text });
  else await sendKeys({ press: 'Backspace' });
  await el.updateComplete;
}

const messageText = (el: CsActiveSessions) =>
  el.shadowRoot!.querySelector('.message')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

const backgroundOf = (el: Element) => getComputedStyle(el).backgroundColor;

/** The light and dark `--cs-color-background` defaults, as computed colours. */
const LIGHT_BG = 'rgb(255, 255, 255)';
const DARK_BG = 'rgb(20, 24, 31)';

for (const theme of ['light', 'dark'] as const) {
  describe(`accessibility, theme="${theme}"`, function () {
    this.timeout(60_000);
    let broker: BrokerInfo;

    beforeEach(async () => {
      broker = await startBroker();
      await connectClients(broker, CLIENTS);
    });

    afterEach(async () => {
      await stopBroker(broker);
    });

    async function render() {
      const el = await fixture<CsActiveSessions>(
        html`<cs-active-sessions
          theme=${theme}
          plan-limit="10"
          storage-key=${uniqueKey()}
          .source=${sourceFor(broker)}
        ></cs-active-sessions>`,
      );
      await waitForRows(el, 3);
      expect(backgroundOf(el)).to.equal(theme === 'dark' ? DARK_BG : LIGHT_BG);
      return el;
    }

    it('has no violations with the list loaded and while searching', async () => {
      const el = await render();
      await expectNoViolations(el, 'list loaded');

      await search(el, 'agent');
      await waitForRows(el, 1);
      await expectNoViolations(el, 'search with results');

      await search(el, 'zzz-nothing');
      await waitForRows(el, 0);
      expect(messageText(el)).to.equal('No sessions match “zzz-nothing”.');
      await expectNoViolations(el, 'search with no results');
    });

    it('has no violations with details open and with the disconnect alertdialog open', async () => {
      const el = await render();
      const details = await openDetails(el, 'agent-summarizer-prod-001');
      await waitUntil(
        () => details.textContent!.includes('agents/+/state'),
        'subscriptions loaded',
        { timeout: 8000 },
      );
      await expectNoViolations(el, 'details open');

      getByRole(details, 'button', 'Disconnect').click();
      await el.updateComplete;
      const dialog = dialogOf(el);
      expect((dialog as HTMLDialogElement).open).to.equal(true);
      expect(getByRole(dialog, 'button', 'Cancel')).to.exist;
      await expectNoViolations(el, 'disconnect alertdialog open');
      getByRole(dialog, 'button', 'Cancel').click();
    });

    it('has no violations with rows selected', async () => {
      const el = await render();
      tick(el, 'agent-summarizer-prod-001');
      tick(el, 'client1');
      await el.updateComplete;
      await waitUntil(() =>
        el.shadowRoot!.querySelector('.selection-bar')!.textContent!.includes('2 selected'),
      );
      const bar = el.shadowRoot!.querySelector<HTMLElement>('.selection-bar')!;
      expect((getByRole(bar, 'button', 'Disconnect selected') as HTMLButtonElement).disabled).to.be
        .false;
      expect(rowFor(el, 'client1').getAttribute('aria-selected')).to.equal('true');
      await expectNoViolations(el, 'rows selected');
    });
  });

  describe(`accessibility without a broker, theme="${theme}"`, () => {
    it('has no violations with an error banner', async () => {
      const el = await fixture<CsActiveSessions>(
        html`<cs-active-sessions
          theme=${theme}
          storage-key=${uniqueKey()}
          .source=${failingSource()}
        ></cs-active-sessions>`,
      );
      await waitUntil(() => el.shadowRoot!.querySelector('[part="error"]'), 'error banner', {
        timeout: 8000,
      });
      expect(el.shadowRoot!.querySelector('[part="error"]')!.textContent).to.contain(
        'The broker answered 503',
      );
      await expectNoViolations(el, 'error banner');
    });

    it('has no violations in the compact layout with compact density', async () => {
      const el = await fixture<CsActiveSessions>(
        html`<cs-active-sessions
          theme=${theme}
          layout="compact"
          density="compact"
          storage-key=${uniqueKey()}
          .source=${fixedSource()}
        ></cs-active-sessions>`,
      );
      await waitForRows(el, 6);
      await expectNoViolations(el, 'compact layout and density');
    });
  });
}

describe('the axe check itself', () => {
  it('reports a colour override with too little contrast', async () => {
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        theme="light"
        storage-key=${uniqueKey()}
        .source=${fixedSource()}
      ></cs-active-sessions>`,
    );
    await waitForRows(el, 6);
    el.style.setProperty('--cs-color-text', '#c8c8c8');
    const results = await axe.run(el, AXE_OPTIONS);
    expect(results.violations.map((v) => v.id)).to.include('color-contrast');
  });
});

/** Elements of the toolbar that stick out of the box, with how far. */
function outside(host: Element): string[] {
  const box = host.getBoundingClientRect();
  const controls = [...host.shadowRoot!.querySelectorAll('[part="toolbar"] *')].filter(
    (c) => c.getClientRects().length > 0,
  );
  expect(controls.length).to.be.greaterThan(3);
  return controls
    .filter((c) => {
      const r = c.getBoundingClientRect();
      return r.left < box.left - 0.5 || r.right > box.right + 0.5;
    })
    .map((c) => `${c.localName}.${c.className} ${c.textContent?.trim().slice(0, 20)}`);
}

describe('reflow', () => {
  async function renderIn(container: string, hostStyle = '') {
    const wrapper = await fixture<HTMLDivElement>(
      html`<div style=${container}>
        <cs-active-sessions
          style=${hostStyle}
          plan-limit="100"
          storage-key=${uniqueKey()}
          .source=${fixedSource(12)}
        ></cs-active-sessions>
      </div>`,
    );
    const el = wrapper.querySelector<CsActiveSessions>('cs-active-sessions')!;
    // The toolbar wraps onto many lines: bring the table into view.
    await waitUntil(() => el.shadowRoot!.querySelector('[part="table"]'), 'table', {
      timeout: 8000,
    });
    el.shadowRoot!.querySelector('[part="table"]')!.scrollIntoView();
    await waitUntil(() => sessionRows(el).length > 0, 'rows', { timeout: 8000 });
    await el.updateComplete;
    return { wrapper, el };
  }

  function expectNoHorizontalOverflow(wrapper: HTMLElement, el: CsActiveSessions, what: string) {
    expect(el.scrollWidth, `${what}: element scrollWidth`).to.be.at.most(el.clientWidth);
    expect(wrapper.scrollWidth, `${what}: container scrollWidth`).to.be.at.most(
      wrapper.clientWidth,
    );
    expect(outside(el), `${what}: toolbar controls outside the element`).to.deep.equal([]);
  }

  it('does not overflow a 360 px container, with the list and with details open', async () => {
    const { wrapper, el } = await renderIn('width: 360px');
    expect(el.getBoundingClientRect().width).to.be.closeTo(360, 1);
    expectNoHorizontalOverflow(wrapper, el, '360 px');

    // The table scrolls inside its own frame: every column stays reachable.
    const grid = getByRole(el.shadowRoot!, 'grid', 'Active sessions');
    expect(grid.scrollWidth).to.be.greaterThan(grid.clientWidth);
    const subscriptions = queryAllByRole(grid, 'columnheader').at(-1)!;
    grid.scrollLeft = grid.scrollWidth;
    await new Promise((r) => requestAnimationFrame(r));
    expect(subscriptions.getBoundingClientRect().right).to.be.at.most(
      grid.getBoundingClientRect().right + 0.5,
    );

    const first = sessionRows(el)[0]!;
    first.click();
    await el.updateComplete;
    expect(queryByRole(el.shadowRoot!, 'region', 'Session details')).to.exist;
    expectNoHorizontalOverflow(wrapper, el, '360 px, details open');
  });

  it('does not overflow at 200 % zoom in a 720 px container', async () => {
    const { wrapper, el } = await renderIn('width: 720px', 'zoom: 2');
    expect(getComputedStyle(el).zoom).to.equal('2');
    expectNoHorizontalOverflow(wrapper, el, '200 % zoom');
  });
});

describe('right-to-left', () => {
  async function render(dir: 'host' | 'page') {
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        dir=${dir === 'host' ? 'rtl' : nothing}
        storage-key=${uniqueKey()}
        .source=${fixedSource()}
      ></cs-active-sessions>`,
    );
    await waitForRows(el, 6);
    return el;
  }

  const headerNamed = (el: CsActiveSessions, name: string) =>
    queryAllByRole(getByRole(el.shadowRoot!, 'grid'), 'columnheader').find((h) =>
      h.textContent!.trim().startsWith(name),
    )!;

  function expectMirrored(el: CsActiveSessions) {
    const clientId = headerNamed(el, 'Client ID').getBoundingClientRect();
    const username = headerNamed(el, 'Username').getBoundingClientRect();
    expect(clientId.left, 'Client ID header right of Username').to.be.greaterThan(
      username.right - 1,
    );
    // The checkbox column comes first: at the right edge.
    const select = getByRole(el.shadowRoot!, 'checkbox', 'Select all').getBoundingClientRect();
    expect(select.left).to.be.greaterThan(clientId.left);
    // Numbers stay aligned to the end of their column (the left in right-to-left).
    const numeric = el.shadowRoot!.querySelector<HTMLElement>('[role="gridcell"].numeric')!;
    expect(getComputedStyle(numeric).textAlign).to.equal('end');
    const range = document.createRange();
    range.selectNodeContents(numeric);
    const text = range.getBoundingClientRect();
    const cell = numeric.getBoundingClientRect();
    expect(text.left - cell.left).to.be.lessThan(cell.right - text.right);
  }

  it('mirrors the layout with dir="rtl" on the host', async () => {
    expectMirrored(await render('host'));
  });

  it('mirrors the layout with dir="rtl" on the page', async () => {
    document.documentElement.dir = 'rtl';
    try {
      expectMirrored(await render('page'));
    } finally {
      document.documentElement.dir = '';
    }
  });

  it('keeps the left-to-right layout by default', async () => {
    const el = await render('page');
    const clientId = headerNamed(el, 'Client ID').getBoundingClientRect();
    const username = headerNamed(el, 'Username').getBoundingClientRect();
    expect(clientId.right).to.be.lessThan(username.left + 1);
  });
});

describe('theme, density and focus', () => {
  afterEach(async () => {
    await emulateMedia({ colorScheme: 'light' });
  });

  const render = (attrs: { theme?: string; density?: string } = {}) =>
    fixture<CsActiveSessions>(
      html`<cs-active-sessions
        theme=${attrs.theme ?? ''}
        density=${attrs.density ?? 'comfortable'}
        storage-key=${uniqueKey()}
        .source=${fixedSource()}
      ></cs-active-sessions>`,
    );

  it('follows prefers-color-scheme while the theme is unset, and a set theme wins', async () => {
    const el = await render();
    el.removeAttribute('theme');
    await emulateMedia({ colorScheme: 'light' });
    expect(backgroundOf(el)).to.equal(LIGHT_BG);
    await emulateMedia({ colorScheme: 'dark' });
    expect(backgroundOf(el)).to.equal(DARK_BG);

    el.theme = 'light';
    await el.updateComplete;
    expect(el.getAttribute('theme')).to.equal('light');
    expect(backgroundOf(el)).to.equal(LIGHT_BG);

    await emulateMedia({ colorScheme: 'light' });
    el.setAttribute('theme', 'dark');
    await el.updateComplete;
    expect(el.theme).to.equal('dark');
    expect(backgroundOf(el)).to.equal(DARK_BG);
    expect(getComputedStyle(el).colorScheme).to.equal('dark');
  });

  it('has a compact density with shorter rows, apart from the compact layout', async () => {
    const el = await render();
    await waitForRows(el, 6);
    const comfortable = sessionRows(el)[0]!.getBoundingClientRect().height;
    el.density = 'compact';
    await el.updateComplete;
    await waitUntil(() => sessionRows(el)[0]!.getBoundingClientRect().height < comfortable);
    expect(sessionRows(el)[0]!.getBoundingClientRect().height).to.be.closeTo(28, 1);
    expect(comfortable).to.be.closeTo(36, 1);
    // Laid out again at the new height (the table watches a row's height), and again
    // for a row height the page sets.
    const gaps = () => {
      const tops = sessionRows(el)
        .map((r) => r.getBoundingClientRect().top)
        .sort((a, b) => a - b);
      return tops.slice(1).map((top, i) => Math.round(top - tops[i]!));
    };
    await waitUntil(() => gaps().every((g) => g === 28), `rows 28 px apart: ${gaps().join()}`);
    el.style.setProperty('--cs-row-height', '50px');
    await waitUntil(() => gaps().every((g) => g === 50), `rows 50 px apart: ${gaps().join()}`);
    expect(gaps()).to.have.length(5);
    expect(el.layout).to.equal('full');
    expect(queryByRole(el.shadowRoot!, 'switch', 'Auto-refresh')).to.exist;
  });

  it('shows a focus outline on buttons and rows reached by keyboard', async () => {
    const el = await render({ theme: 'light' });
    await waitForRows(el, 6);
    el.style.setProperty('--cs-focus-color', 'rgb(255, 0, 255)');

    searchOf(el).focus();
    await sendKeys({ press: 'Tab' });
    const refresh = el.shadowRoot!.activeElement as HTMLElement;
    expect(refresh.textContent!.trim()).to.equal('Refresh');
    expect(getComputedStyle(refresh).outlineStyle).to.equal('solid');
    expect(getComputedStyle(refresh).outlineColor).to.equal('rgb(255, 0, 255)');

    const row = sessionRows(el).find((r) => r.tabIndex === 0) ?? sessionRows(el)[0]!;
    row.focus({ focusVisible: true } as FocusOptions);
    expect(el.shadowRoot!.activeElement).to.equal(row);
    expect(row.matches(':focus-visible')).to.be.true;
    const style = getComputedStyle(row);
    expect(style.outlineStyle).to.equal('solid');
    expect(style.outlineColor).to.equal('rgb(255, 0, 255)');
    expect(parseFloat(style.outlineWidth)).to.be.at.least(2);
  });
});
