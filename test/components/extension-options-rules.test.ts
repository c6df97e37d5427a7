/**
 * The extension's options page refuses an unexpected-network rule whose allowed networks are not
 * all addresses or ranges, as the element's own form does: the background would leave such a
 * rule unchecked.
 */
import '../support/benign-errors.js';
import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import '../../components/cs-extension-options/cs-extension-options.js';
import type { CsExtensionOptions } from '../../components/cs-extension-options/cs-extension-options.js';
import { getByRole } from '../support/by-role.js';
import { checkNetworkRuleForm } from '../support/rule-form.js';
import type { WatchConfig } from '../../src/watch/config.js';

describe('<cs-extension-options> alert rules', () => {
  afterEach(() => fixtureCleanup());

  it('refuses a mistyped allowed network, and takes a valid list', async () => {
    const el = await fixture<CsExtensionOptions>(
      html`<cs-extension-options></cs-extension-options>`,
    );
    getByRole(el.shadowRoot!, 'button', 'Add workspace').click();
    await el.updateComplete;
    await checkNetworkRuleForm(el, getByRole(el.shadowRoot!, 'region', 'Alert rules'));
  });

  it('says which stored rule is not checked, in the list and in the editor', async () => {
    // Saved before the form refused such entries: the background skips the rule.
    const config: WatchConfig = {
      workspaces: [
        {
          id: 'prod',
          label: 'Production',
          source: { kind: 'emqx', baseUrl: 'http://127.0.0.1:18083/api/v5' },
          refreshSeconds: 60,
          alertRules: [
            { id: 'low', kind: 'count-below', threshold: 5 },
            { id: 'net', kind: 'unexpected-network', allowed: ['10.0.0.0/33'], learningMinutes: 0 },
          ],
        },
      ],
    };
    const el = await fixture<CsExtensionOptions>(
      html`<cs-extension-options .config=${config}></cs-extension-options>`,
    );
    const row = [...el.shadowRoot!.querySelectorAll('tbody tr')].find((r) =>
      r.textContent!.includes('Production'),
    )!;
    expect(row.textContent!.replace(/\s+/g, ' ')).to.include('2 (1 not checked: edit to see why)');
    getByRole(el.shadowRoot!, 'button', 'Edit Production').click();
    await el.updateComplete;
    const rules = getByRole(el.shadowRoot!, 'region', 'Alert rules');
    expect(rules.textContent).to.include(
      'The alert rule “Connections from outside 10.0.0.0/33” is not checked: "10.0.0.0/33" is not an IP address or CIDR range.',
    );
  });
});
