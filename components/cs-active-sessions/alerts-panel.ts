import { html, nothing, type TemplateResult } from 'lit';
import { ruleText } from '../../src/alerts/rule-text.js';
import type { Alert, AlertKind, AlertRule } from '../../src/alerts/rules.js';
import type { ListedAlert } from '../../src/storage/db.js';
import { EN_TEXTS, type Texts } from './strings.js';

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

function fieldsFor(kind: AlertKind, t: Texts): TemplateResult {
  const s = t.s;
  switch (kind) {
    case 'count-below':
      return field('threshold', s.fieldThreshold, '10');
    case 'sudden-drop':
      return html`${field('percent', s.fieldPercent, '30')} ${field('minutes', s.fieldMinutes, '5')}`;
    case 'spike':
      return html`${field('connections', s.fieldConnections, '20')}
      ${field('minutes', s.fieldMinutes, '1')}`;
    case 'reconnect-storm':
      return html`${field('clients', s.fieldClients, '3')}
      ${field('reconnects', s.fieldReconnects, '3')} ${field('minutes', s.fieldMinutes, '1')}`;
    case 'unexpected-network':
      return html`${field('allowed', s.fieldAllowedNetworks, '', '10.0.0.0/8, 2001:db8::/32')}
      ${field('learningMinutes', s.fieldLearningMinutes, '60')}`;
    case 'critical-disconnect':
      return field('clients', s.fieldClientIds, '', 'gateway-1, pump-*');
  }
}

/** Reads the add-rule form into a rule, or an error to show. */
export function ruleFromForm(
  form: HTMLFormElement,
  id: string,
  t: Texts = EN_TEXTS,
): AlertRule | string {
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
      if (!positive('threshold')) return t.s.errorThreshold;
      break;
    case 'sudden-drop':
      rule = { id, kind, workspace, percent: number('percent'), minutes: number('minutes') };
      if (!positive('percent') || !positive('minutes')) return t.s.errorPercentMinutes;
      break;
    case 'spike':
      rule = {
        id,
        kind,
        workspace,
        connections: number('connections'),
        minutes: number('minutes'),
      };
      if (!positive('connections') || !positive('minutes')) return t.s.errorConnectionsMinutes;
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
        return t.s.errorStorm;
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
      if (rule.clients.length === 0) return t.s.errorClientIds;
      break;
    default:
      return t.s.errorKind;
  }
  return rule;
}

/** A rule in one line, in the element's language. */
export const ruleLine = (rule: AlertRule, t: Texts) => {
  const text = ruleText(rule);
  return t.s.alertMessages[text.id](text.values);
};

/** An alert's line in the element's language (as raised, where it was raised without an id). */
export const alertLine = (alert: Pick<Alert, 'message' | 'text'>, t: Texts): string =>
  alert.text ? t.s.alertMessages[alert.text.id](alert.text.values) : alert.message;

export function renderRuleList(
  rules: readonly AlertRule[],
  onRemove: (id: string) => void,
  t: Texts = EN_TEXTS,
): TemplateResult {
  return rules.length === 0
    ? html`<p class="muted">${t.s.noRules}</p>`
    : html`<ul class="rules">
        ${rules.map(
          (r) =>
            html`<li>
              <bdi>${ruleLine(r, t)}</bdi>
              <button
                type="button"
                class="small"
                aria-label=${t.s.removeRule(ruleLine(r, t))}
                @click=${() => onRemove(r.id)}
              >
                ${t.s.remove}
              </button>
            </li>`,
        )}
      </ul>`;
}

/** The `Add rule` form. */
export function renderRuleForm(
  state: { kind: AlertKind; formError: string | undefined; workspaceField: boolean },
  on: { onKind(kind: AlertKind): void; onSubmit(form: HTMLFormElement): void },
  t: Texts = EN_TEXTS,
): TemplateResult {
  return html`<form
    class="rule-form"
    aria-label=${t.s.addRule}
    @submit=${(e: SubmitEvent) => {
      e.preventDefault();
      on.onSubmit(e.target as HTMLFormElement);
    }}
  >
    <label class="field"
      >${t.s.rule}
      <select
        name="kind"
        aria-label=${t.s.rule}
        @change=${(e: Event) => on.onKind((e.target as HTMLSelectElement).value as AlertKind)}
      >
        ${RULE_KINDS.map(
          (k) =>
            html`<option value=${k.kind} ?selected=${k.kind === state.kind}>
              ${t.ruleKind(k.kind)}
            </option>`,
        )}
      </select></label
    >
    ${fieldsFor(state.kind, t)}
    ${
      state.workspaceField
        ? field('workspace', t.s.workspaceOptional, '', t.s.workspaceOptionalHint)
        : nothing
    }
    <button type="submit">${t.s.addRule}</button>
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
  t: Texts = EN_TEXTS,
): TemplateResult {
  return html`<section class="panel" part="alerts" role="region" aria-labelledby="alerts-title">
    <header class="details-header">
      <h2 id="alerts-title">${t.s.alerts}</h2>
      <span>
        <button type="button" @click=${() => on.onAcknowledge()}>${t.s.acknowledgeAll}</button>
        <button type="button" class="secondary" @click=${on.onClose}>${t.s.closeAlerts}</button>
      </span>
    </header>
    ${
      state.list.length === 0
        ? html`<p class="muted">${t.s.noAlerts}</p>`
        : html`<ol class="alerts">
            ${state.list.map(
              (a) =>
                html`<li class=${a.acknowledged ? 'acknowledged' : 'open'}>
                  <strong>${t.dateTime(a.at)}</strong> <bdi>${alertLine(a, t)}</bdi>
                  ${
                    a.acknowledged
                      ? html`<span class="muted">${t.s.acknowledged}</span>`
                      : html`<button
                          type="button"
                          class="small"
                          @click=${() => on.onAcknowledge(a.id)}
                        >
                          ${t.s.acknowledge}
                        </button>`
                  }
                </li>`,
            )}
          </ol>`
    }
    <h3>${t.s.alertRules}</h3>
    ${state.rulesFromPage ? html`<p class="muted">${t.s.rulesFromPage}</p>` : nothing}
    ${renderRuleList(state.rules, on.onRemoveRule, t)}
    ${renderRuleForm({ kind: state.kind, formError: state.formError, workspaceField: true }, on, t)}
  </section>`;
}
