/**
 * Read-only: the `read-only` attribute, and a source whose credentials may only read (an EMQX
 * `viewer` API key against the dev broker), offer nothing that changes the broker.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../support/benign-errors.js';
import '../support/fresh-storage.js';
import '../../components/cs-active-sessions/cs-active-sessions.js';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import type { SessionSource } from '../../src/sources/source.js';
import {
  clientState,
  connectClients,
  plain,
  sourceFor,
  startBroker,
  stopBroker,
  viewerSourceFor,
  type BrokerInfo,
} from '../support/broker-commands.js';
import { getByRole, nameOf, queryAllByRole, roleOf } from '../support/by-role.js';
import { factsOf, openDetails, rowFor, rowsOf, waitForRows } from '../support/element.js';

/** Every control in the whole shadow tree that would change the broker (or select for it). */
function actionControls(el: CsActiveSessions): string[] {
  const root = el.shadowRoot!;
  return [
    ...queryAllByRole(root, 'button', /disconnect|block|retry|^select all/i),
    ...queryAllByRole(root, 'checkbox', /^select /i),
    ...queryAllByRole(root, 'menuitem', /disconnect|block/i),
  ].map((c) => `${roleOf(c)} ${nameOf(c)}`);
}

const CLIENTS = [plain('reader-kb-alpha-001'), plain('reader-kb-beta-002')];

/** What still works when read-only: rows, search, details, export. */
async function stillWorks(el: CsActiveSessions, broker: BrokerInfo) {
  const grid = getByRole(el.shadowRoot!, 'grid', 'Active sessions');
  expect(grid.hasAttribute('aria-multiselectable')).to.equal(false);
  expect(queryAllByRole(grid, 'row').every((r) => !r.hasAttribute('aria-selected'))).to.equal(true);
  expect(actionControls(el)).to.deep.equal([]);

  // Keyboard selection does nothing either.
  rowFor(el, 'reader-kb-alpha-001').focus();
  await sendKeys({ press: 'Space' });
  await sendKeys({ press: 'Control+a' });
  await el.updateComplete;
  expect(actionControls(el)).to.deep.equal([]);

  const search = getByRole(el.shadowRoot!, 'searchbox', 'Search sessions');
  search.focus();
  await sendKeys({ type: 'beta' });
  await waitForRows(el, 1);
  expect([...rowsOf(el).keys()]).to.deep.equal(['reader-kb-beta-002']);

  const details = await openDetails(el, 'reader-kb-beta-002');
  expect(factsOf(details)['Client ID']).to.equal('reader-kb-beta-002');
  await waitUntil(() => details.textContent!.includes('No subscriptions.'), 'details load');
  expect(actionControls(el)).to.deep.equal([]);
  expect(getByRole(details, 'button', 'Close details')).to.exist;

  getByRole(el.shadowRoot!, 'button', 'Export').click();
  await el.updateComplete;
  const exported = oneEvent(el, 'cs-export');
  getByRole(el.shadowRoot!, 'menuitem', 'JSON').click();
  const { detail } = await exported;
  expect(detail.count).to.equal(1);
  expect(await (detail.blob as Blob).text()).to.include('reader-kb-beta-002');
  expect(actionControls(el)).to.deep.equal([]);
  expect((await clientState(broker, 'reader-kb-beta-002')).connected).to.equal(true);
}

describe('<cs-active-sessions> read-only', () => {
  let broker: BrokerInfo;

  beforeEach(async () => {
    broker = await startBroker();
    await connectClients(broker, CLIENTS);
  });

  afterEach(async () => {
    await stopBroker(broker);
  });

  const render = (source: SessionSource, readOnly: boolean) =>
    fixture<CsActiveSessions>(
      html`<cs-active-sessions
        .source=${source}
        ?read-only=${readOnly}
        refresh-interval="0"
      ></cs-active-sessions>`,
    );

  it('should offer no action with the read-only attribute, and all of them without it', async () => {
    const el = await render(sourceFor(broker), true);
    expect(el.readOnly).to.equal(true);
    await waitForRows(el, 2);
    await stillWorks(el, broker);

    // The same element, made writable: the actions are there (so the query above finds them).
    el.readOnly = false;
    await el.updateComplete;
    expect(el.hasAttribute('read-only')).to.equal(false);
    expect(actionControls(el)).to.include.members([
      'button Disconnect',
      'button Disconnect and block',
      'button Disconnect selected',
      'checkbox Select all',
      'checkbox Select reader-kb-beta-002',
    ]);
    // And back: the property reflects, and the selection does not outlive it.
    el.readOnly = true;
    await el.updateComplete;
    expect(el.getAttribute('read-only')).to.equal('');
    expect(actionControls(el)).to.deep.equal([]);
  });

  it('should offer no action for a viewer-role EMQX source, without the attribute', async () => {
    const el = await render(viewerSourceFor(broker, 'viewer'), false);
    expect(el.readOnly).to.equal(false);
    await waitForRows(el, 2);
    await stillWorks(el, broker);
  });

  it('should say clearly that the credentials may not act when the broker answers 403', async () => {
    // A viewer key the page did not declare: the broker refuses the kick.
    const el = await render(viewerSourceFor(broker), false);
    await waitForRows(el, 2);
    const details = await openDetails(el, 'reader-kb-alpha-001');
    getByRole(details, 'button', 'Disconnect').click();
    await el.updateComplete;
    const dialog = getByRole(el.shadowRoot!, 'alertdialog');
    const failed = oneEvent(el, 'cs-error');
    getByRole(dialog, 'button', 'Disconnect').click();
    const { detail } = await failed;
    expect(detail.kind).to.equal('forbidden');
    expect(detail.operation).to.equal('disconnect');
    await el.updateComplete;
    const alert = getByRole(el.shadowRoot!, 'alert');
    expect(alert.textContent).to.match(/these credentials may not disconnect clients/);
    expect(alert.textContent).to.include('HTTP 403 UNAUTHORIZED_ROLE');
    await waitUntil(
      () =>
        el.shadowRoot!.querySelector('[aria-live="polite"]')!.textContent ===
        'Could not disconnect reader-kb-alpha-001: these credentials may not disconnect clients.',
      'announced',
    );
    expect((await clientState(broker, 'reader-kb-alpha-001')).connected).to.equal(true);
    expect(rowsOf(el).size).to.equal(2);
    // Refused once: its sessions are offered no more actions (nor selection for them).
    getByRole(el.shadowRoot!, 'button', 'Close details').click();
    await el.updateComplete;
    await openDetails(el, 'reader-kb-alpha-001');
    expect(actionControls(el)).to.deep.equal([]);
  });

  it('should offer selection only on the rows of a workspace whose source may act', async () => {
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions refresh-interval="0"></cs-active-sessions>`,
    );
    const base = { kind: 'emqx' as const, baseUrl: broker.apiUrl };
    el.workspaces = [
      {
        id: 'ops',
        label: 'Ops',
        source: { ...base, apiKey: broker.apiKey, apiSecret: broker.apiSecret },
        match: { clientIdPrefix: 'reader-kb-alpha' },
      },
      {
        id: 'audit',
        label: 'Audit',
        source: {
          ...base,
          apiKey: broker.viewerKey,
          apiSecret: broker.viewerSecret,
          role: 'viewer' as const,
        },
        match: { clientIdPrefix: 'reader-kb-beta' },
      },
    ];
    await waitForRows(el, 2);
    const checkboxes = () =>
      queryAllByRole(el.shadowRoot!, 'checkbox', /^select reader/i).map((c) => nameOf(c));
    expect(checkboxes()).to.deep.equal(['Select reader-kb-alpha-001']);
    expect(rowFor(el, 'reader-kb-beta-002').hasAttribute('aria-selected')).to.equal(false);
    // Ctrl+A reaches every matching row, but only the one that may be acted on stays selected.
    rowFor(el, 'reader-kb-alpha-001').focus();
    await sendKeys({ press: 'Control+a' });
    await el.updateComplete;
    expect(rowFor(el, 'reader-kb-alpha-001').getAttribute('aria-selected')).to.equal('true');
    expect(rowFor(el, 'reader-kb-beta-002').hasAttribute('aria-selected')).to.equal(false);
    getByRole(el.shadowRoot!, 'button', 'Disconnect selected').click();
    await el.updateComplete;
    expect(getByRole(el.shadowRoot!, 'alertdialog').textContent).to.include('reader-kb-alpha-001');
    expect(getByRole(el.shadowRoot!, 'alertdialog').textContent).not.to.include('reader-kb-beta');
  });
});
