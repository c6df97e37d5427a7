/**
 * The `Add rule` form shared by the element's alerts panel and the extension's options page,
 * worked as a person would for an `unexpected-network` rule.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { getByRole, queryByRole } from './by-role.js';

/**
 * In `region` (the form and the rule list): a list with a mistyped network is refused, naming
 * the entry, and no rule is added; then a valid IPv4 and IPv6 list is added.
 */
export async function checkNetworkRuleForm(
  host: { updateComplete: Promise<unknown> },
  region: HTMLElement,
): Promise<void> {
  const form = getByRole(region, 'form', 'Add rule');
  const kind = getByRole(form, 'combobox', 'Rule') as HTMLSelectElement;
  kind.value = 'unexpected-network';
  kind.dispatchEvent(new Event('change'));
  await host.updateComplete;
  const allowed = getByRole(form, 'textbox', 'Allowed networks') as HTMLInputElement;
  allowed.focus();
  await sendKeys({ type: '10.0.0.0/8, 10.0.0.0/33' });
  getByRole(form, 'button', 'Add rule').click();
  await waitUntil(() => queryByRole(form, 'alert')?.textContent?.includes('"10.0.0.0/33"'));
  expect(getByRole(form, 'alert').textContent).to.include('is not an IP address or CIDR range');
  expect(queryByRole(region, 'button', /^Remove rule/)).to.equal(null);

  allowed.select();
  await sendKeys({ type: '10.0.0.0/8, 2001:db8::/32' });
  getByRole(form, 'button', 'Add rule').click();
  await waitUntil(() => queryByRole(region, 'button', /^Remove rule/), 'the rule added');
  expect(region.textContent).to.include('10.0.0.0/8, 2001:db8::/32');
}
