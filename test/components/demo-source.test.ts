import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../support/benign-errors.js';
import '../support/fresh-storage.js';
import '../../components/cs-active-sessions/cs-active-sessions.js';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import { getByRole, nameOf, queryAllByRole, queryByRole } from '../support/by-role.js';
import { countText, factsOf, openDetails, rowsOf, uniqueKey } from '../support/element.js';

/** The active count in the status line (`118 active sessions`). */
const activeCount = (el: CsActiveSessions) =>
  Number(/^(\d+) active sessions/.exec(countText(el))?.[1]);

describe('<cs-active-sessions demo>', () => {
  it('should show the simulated fleet with no backend, and disconnect through the UI', async () => {
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        demo
        refresh-interval="3600"
        storage-key=${uniqueKey()}
      ></cs-active-sessions>`,
    );
    await waitUntil(() => rowsOf(el).size >= 10, 'the simulated rows', { timeout: 8000 });
    const grid = getByRole(el.shadowRoot!, 'grid', 'Active sessions');
    // About 120 sessions, counted and announced to assistive technology.
    const count = activeCount(el);
    expect(count).to.be.within(100, 140);
    expect(Number(grid.getAttribute('aria-rowcount'))).to.equal(count + 1);
    const ids = [...rowsOf(el).keys()];
    expect(ids.every((id) => id !== '')).to.equal(true);

    // An ordinary client, not one of the simulation's cases (the takeover loop's devices come
    // back within seconds).
    const clientId = ids.find((id) =>
      /^(Agent-[A-Za-z]+-\d{3}|mobile-app-user-\d+|sensor-.+-\d{3})$/.test(id),
    )!;
    expect(clientId, `an ordinary client among ${ids.join(', ')}`).to.be.a('string');
    const row = rowsOf(el).get(clientId)!;
    expect(row[4]).to.match(/^(3\.1|3\.1\.1|5\.0)( WebSocket)?$/);

    const details = await openDetails(el, clientId);
    expect(queryAllByRole(details, 'heading').map((h) => nameOf(h))).to.include.members([
      'Connection',
      'Subscriptions',
      'Session state',
    ]);
    expect(factsOf(details)['Client ID']).to.equal(clientId);
    await waitUntil(() => details.textContent!.includes('(QoS '), 'the subscriptions with QoS');

    getByRole(details, 'button', 'Disconnect').click();
    await el.updateComplete;
    const dialog = getByRole(el.shadowRoot!, 'alertdialog');
    const done = oneEvent(el, 'cs-disconnect');
    getByRole(dialog, 'button', 'Disconnect').click();
    expect((await done).detail.results).to.deep.equal([{ clientId, outcome: 'disconnected' }]);
    await waitUntil(() => !rowsOf(el).has(clientId), 'the row leaves', { timeout: 8000 });
    expect(queryByRole(el.shadowRoot!, 'alertdialog')).to.equal(null);
    expect(details.textContent).to.include('This session has ended');
    // A refresh asks the simulation again: the client is still gone.
    await el.refresh();
    // Time for a returning row to show.
    await new Promise((r) => setTimeout(r, 500));
    expect(activeCount(el)).to.be.within(100, 140);
    expect(rowsOf(el).has(clientId)).to.equal(false);
  });

  it('should use the demo only when asked for', async () => {
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        refresh-interval="3600"
        storage-key=${uniqueKey()}
      ></cs-active-sessions>`,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(rowsOf(el).size).to.equal(0);
    el.demo = true;
    await waitUntil(() => rowsOf(el).size >= 10, 'the simulated rows once demo is set', {
      timeout: 8000,
    });
  });
});
