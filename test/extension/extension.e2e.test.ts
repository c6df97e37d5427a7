/**
 * The extension as a user meets it: built with WXT, loaded into headless Debian Chromium, set up
 * in its options page against a dev broker with real MQTT.js clients; the popup finds a client
 * and disconnects it and the badge follows; an alert rule fires in the background worker and
 * raises a notification.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildExtension, loadExtension, OptionsPage, PopupPage } from '../support/extension.js';
import type { LoadedExtension } from '../support/extension.js';
import { startTestBroker, waitFor, type TestBroker } from '../support/node-broker.js';

describe('browser extension', { timeout: 180_000 }, () => {
  let broker: TestBroker;
  let built: { dir: string; remove(): void };
  let ext: LoadedExtension;

  before(async () => {
    broker = await startTestBroker();
    built = await buildExtension();
    ext = await loadExtension(built.dir);
  });

  after(async () => {
    await ext?.close();
    built?.remove();
    await broker?.close();
  });

  const badgeIs = (text: string) =>
    waitFor(async () => (await ext.badgeText()) === text, `badge ${JSON.stringify(text)}`, 20_000);

  it('starts with the dev broker as its workspace, then watches the broker set in its options', async () => {
    const [, sensor] = await broker.connect(
      { clientId: 'ext-sensor-1', reconnect: false },
      { clientId: 'ext-sensor-2', reconnect: false },
      { clientId: 'ext-gateway-1', reconnect: false },
    );
    assert.ok(sensor);

    const options = new OptionsPage(await ext.page('options.html'));
    const row = options.page.getByRole('row', { name: /Demo \(dev broker\)/ });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /http:\/\/127\.0\.0\.1:18083\/api\/v5/);

    await options.editWorkspace('Demo (dev broker)');
    await options.fill('Admin API base URL', broker.broker.apiUrl);
    // A minute: the badge below can only change that fast because the popup asked for a poll.
    await options.fill('Poll every (seconds)', '60');
    await options.fill('API secret', 'wrong-secret');
    assert.match(await options.testConnection(), /^Connection failed: .*(credential|API key|401)/i);
    await options.fill('API secret', broker.broker.apiSecret);
    assert.match(await options.testConnection(), /^Connected to .*: 3 active sessions\.$/);
    assert.match(await options.save(), /^Saved Demo \(dev broker\)\./);
    await badgeIs('3');

    // The popup: the search has focus, a real client is found by search, and disconnected.
    const popup = new PopupPage(await ext.page('popup.html'));
    await popup.grid.waitFor();
    assert.equal(await popup.focusedLabel(), 'Search sessions');
    await popup.page.getByText('3 active sessions').waitFor();
    await popup.page.getByRole('meter', { name: 'Plan usage' }).waitFor();
    await popup.search('sensor-2');
    await waitFor(async () => (await popup.grid.getByRole('row').count()) === 2, 'one row');
    await popup.row('ext-sensor-2').click();
    const details = popup.page.getByRole('region', { name: 'Session details' });
    await details.getByRole('heading', { name: 'Connection' }).waitFor();
    await details.getByRole('button', { name: 'Disconnect', exact: true }).click();
    await popup.page
      .getByRole('alertdialog')
      .getByRole('button', { name: 'Disconnect', exact: true })
      .click();
    await waitFor(() => sensor.closes > 0, 'the real client to be disconnected', 10_000);
    await badgeIs('2');
    await popup.page.close();
    await options.page.close();
  });

  it('keeps a sort made just before the popup closes', async () => {
    const popup = new PopupPage(await ext.page('popup.html'));
    await popup.page.getByText(/^\d+ active sessions$/).waitFor();
    const header = () => popup.grid.getByRole('columnheader', { name: /Client ID/ });
    const sortBy = popup.grid.getByRole('button', { name: 'Client ID' });
    await sortBy.click();
    await sortBy.click();
    assert.equal(await header().getAttribute('aria-sort'), 'descending');
    // Closed at once, as a popup is when the user clicks away: unloaded, the element still in it.
    await popup.page.close({ runBeforeUnload: true });
    const again = new PopupPage(await ext.page('popup.html'));
    await again.page.getByText(/^\d+ active sessions$/).waitFor();
    const column = again.grid.getByRole('columnheader', { name: /Client ID/ });
    await waitFor(
      async () => (await column.getAttribute('aria-sort')) === 'descending',
      'the sort kept',
      10_000,
    );
    await again.page.close();
  });

  it('raises a notification when an alert rule fires in the background', async () => {
    const [pump] = await broker.connect({ clientId: 'ext-pump-7', reconnect: false });
    assert.ok(pump);
    const options = new OptionsPage(await ext.page('options.html'));
    await options.editWorkspace('Demo (dev broker)');
    await options.fill('Poll every (seconds)', '10');
    await options.addRule('Critical client disconnects', { 'Client IDs': 'ext-pump-*' });
    assert.match(await options.save(), /^Saved /);
    // Saving polls at once: the pump is seen connected (3 sessions now).
    await badgeIs('3');
    assert.deepEqual(await ext.notifications(), {});

    await pump.end();
    // The next alarm (every 10 s) sees it gone and notifies.
    await waitFor(
      async () => Object.keys(await ext.notifications()).some((id) => id.includes('ext-pump-7')),
      'a notification about ext-pump-7',
      30_000,
    );
    await badgeIs('2');
    await options.page
      .getByRole('region', { name: 'Recent alerts' })
      .getByText(/ext-pump-7/)
      .waitFor({ timeout: 10_000 });

    // A notification's click opens the popup (or a window of it) on its client: gone here, so
    // the search says so; a connected client opens in the details.
    const [id] = Object.keys(await ext.notifications());
    assert.ok(id);
    const gone = new PopupPage(await ext.page('popup.html', '?workspace=demo&client=ext-pump-7'));
    await gone.page.getByText('No sessions match “ext-pump-7”.').waitFor();
    assert.equal(
      await gone.page.getByRole('searchbox', { name: 'Search sessions' }).inputValue(),
      'ext-pump-7',
    );
    const here = new PopupPage(await ext.page('popup.html', '?workspace=demo&client=ext-sensor-1'));
    const details = here.page.getByRole('region', { name: 'Session details' });
    await details.getByRole('heading', { name: 'Connection' }).waitFor();
    assert.match((await details.textContent()) ?? '', /ext-sensor-1/);
  });
});
