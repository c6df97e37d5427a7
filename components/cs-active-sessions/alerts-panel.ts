import { html, nothing, type TemplateResult } from 'lit';
import { describeRule, type AlertKind, type AlertRule } from '../../src/alerts/rules.js';
import { formatDateTime } from '../../src/model/session.js';
import type { ListedAlert } from '../../src/storage/db.js';

export const RULE_KINDS: { kind: AlertKind; label: string }[] = [
  { kind: 'count-below', label: 'Active sessions below a threshold' },
  { kind: 'sudden-drop', label: 'Sudden drop' },
  { kind: 'spike', label: 'Spike of new connections' },
  { kind: 'reconnect-storm', label: 'Reconnect storm' },
  { kind: 'unexpected-network', label: 'Connection from an unexpected network' },
  { kind: 'critical-disconnect', label: 'Critical client disconnects' },
];

export interface AlertsPanelHandlers {
  onAcknowledge(id?: string): void;
  onRemoveRule(id: string): void;
  onAddRule(rule: AlertRule): void;
  onClose(): void;
}

const field = (name: string, label: string, value: string, hint = '') =>
  html`<label class="field"
    >${label}
    <input
      name=${name}
      type="text"
      aria-label=${label}
      .value=${value}
      placeholder=${hint}
      spellcheck="false"
  /></label>`;

function fieldsFor(kind: AlertKind): TemplateResult {
  switch (kind) {
    case 'count-below':
      return field('threshold', 'Threshold', '10');
    case 'sudden-drop':
      return html`${field('percent', 'Percent', '30')} ${field('minutes', 'Minutes', '5')}`;
    case 'spike':
      return html`${field('connections', 'Connections', '20')} ${field('minutes', 'Minutes', '1')}`;
    case 'reconnect-storm':
      return html`${field('clients', 'Clients', '3')} ${field('reconnects', 'Reconnects', '3')}
      ${field('minutes', 'Minutes', '1')}`;
    case 'unexpected-network':
      return html`${field('allowed', 'Allowed networks', '', '10.0.0.0/8, 2001:db8::/32')}
      ${field('learningMinutes', 'Learning minutes', '60')}`;
    case 'critical-disconnect':
      return field('clients', 'Client IDs', '', 'gateway-1, pump-*');
  }
}

/** Reads the add-rule form into a rule, or an error to show. */
export function ruleFromForm(form: HTMLFormElement, id: string): AlertRule | string {
  const data = new FormData(form);
  const text = (name: string) => String(data.get(name) ?? '').trim();
  const number = (name: string) => Number(text(name));
  const list = (name: string) =>
    text(name)
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  const kind = text('kind') as AlertKind;
  const workspace = text('workspace') || undefined;
  const positive = (name: string) => Number.isFinite(number(name)) && number(name) > 0;
  let rule: AlertRule;
  switch (kind) {
    case 'count-below':
      rule = { id, kind, workspace, threshold: number('threshold') };
      if (!positive('threshold')) return 'The threshold must be a positive number.';
      break;
    case 'sudden-drop':
      rule = { id, kind, workspace, percent: number('percent'), minutes: number('minutes') };
      if (!positive('percent') || !positive('minutes'))
        return 'Percent and minutes must be positive.';
      break;
    case 'spike':
      rule = {
        id,
        kind,
        workspace,
        connections: number('connections'),
        minutes: number('minutes'),
      };
      if (!positive('connections') || !positive('minutes'))
        return 'Connections and minutes must be positive.';
      break;
    case 'reconnect-storm':
      rule = {
        id,
        kind,
        workspace,
        clients: number('clients'),
        reconnects: number('reconnects'),
        minutes: number('minutes'),
      };
      if (!positive('clients') || !positive('reconnects') || !positive('minutes')) {
        return 'Clients, reconnects and minutes must be positive.';
      }
      break;
    case 'unexpected-network':
      rule = {
        id,
        kind,
        workspace,
        allowed: list('allowed'),
        learningMinutes: number('learningMinutes') || 0,
      };
      break;
    case 'critical-disconnect':
      rule = { id, kind, workspace, clients: list('clients') };
      if (rule.clients.length === 0) return 'Name at least one client ID.';
      break;
    default:
      return 'Choose a kind of rule.';
  }
  return rule;
}

/** The rules in force, each with a `Remove` button. */
export function renderRuleList(
  rules: readonly AlertRule[],
  onRemove: (id: string) => void,
): TemplateResult {
  return rules.length === 0
    ? html`<p class="muted">No rules yet.</p>`
    : html`<ul class="rules">
        ${rules.map(
          (r) =>
            html`<li>
              <bdi>${describeRule(r)}</bdi>
              <button
                type="button"
                class="small"
                aria-label=${`Remove rule: ${describeRule(r)}`}
                @click=${() => onRemove(r.id)}
              >
                Remove
              </button>
            </li>`,
        )}
      </ul>`;
}

/** The `Add rule` form. */
export function renderRuleForm(
  state: { kind: AlertKind; formError: string | undefined; workspaceField: boolean },
  on: { onKind(kind: AlertKind): void; onSubmit(form: HTMLFormElement): void },
): TemplateResult {
  return html`<form
    class="rule-form"
    aria-label="Add rule"
    @submit=${(e: SubmitEvent) => {
      e.preventDefault();
      on.onSubmit(e.target as HTMLFormElement);
    }}
  >
    <label class="field"
      >Rule
      <select
        name="kind"
        aria-label="Rule"
        @change=${(e: Event) => on.onKind((e.target as HTMLSelectElement).value as AlertKind)}
      >
        ${RULE_KINDS.map(
          (k) =>
            html`<option value=${k.kind} ?selected=${k.kind === state.kind}>${k.label}</option>`,
        )}
      </select></label
    >
    ${fieldsFor(state.kind)}
    ${state.workspaceField ? field('workspace', 'Workspace (optional)', '', 'all') : nothing}
    <button type="submit">Add rule</button>
    ${state.formError ? html`<p class="error-text" role="alert">${state.formError}</p>` : nothing}
  </form>`;
}

/** The alerts region: raised alerts to acknowledge, and the rules that raise them. */
export function renderAlertsPanel(
  state: {
    list: readonly ListedAlert[];
    rules: readonly AlertRule[];
    kind: AlertKind;
    formError: string | undefined;
    rulesFromPage: boolean;
  },
  on: AlertsPanelHandlers & {
    onKind(kind: AlertKind): void;
    onSubmit(form: HTMLFormElement): void;
  },
): TemplateResult {
  return html`<section class="panel" part="alerts" role="region" aria-labelledby="alerts-title">
    <header class="details-header">
      <h2 id="alerts-title">Alerts</h2>
      <span>
        <button type="button" @click=${() => on.onAcknowledge()}>Acknowledge all</button>
        <button type="button" class="secondary" @click=${on.onClose}>Close alerts</button>
      </span>
    </header>
    ${
      state.list.length === 0
        ? html`<p class="muted">No alerts.</p>`
        : html`<ol class="alerts">
            ${state.list.map(
              (a) =>
                html`<li class=${a.acknowledged ? 'acknowledged' : 'open'}>
                  <strong>${formatDateTime(a.at)}</strong> <bdi>${a.message}</bdi>
                  ${
                    a.acknowledged
                      ? html`<span class="muted">(acknowledged)</span>`
                      : html`<button
                          type="button"
                          class="small"
                          @click=${() => on.onAcknowledge(a.id)}
                        >
                          Acknowledge
                        </button>`
                  }
                </li>`,
            )}
          </ol>`
    }
    <h3>Alert rules</h3>
    ${
      state.rulesFromPage
        ? html`<p class="muted">
            These rules are set by the page; changes here last until reload.
          </p>`
        : nothing
    }
    ${renderRuleList(state.rules, on.onRemoveRule)}
    ${renderRuleForm({ kind: state.kind, formError: state.formError, workspaceField: true }, on)}
  </section>`;
}
