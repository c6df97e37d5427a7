import { html, nothing, type TemplateResult } from 'lit';
import type { Session } from '../../src/model/session.js';
import type { DisconnectResult } from '../../src/sources/source.js';
import { EN_TEXTS, type CsStrings, type Texts } from './strings.js';

/** How long "Disconnect and block" keeps a client out, in seconds. */
export const BLOCK_DURATIONS: { seconds: number; label: string }[] = [
  { seconds: 300, label: '5 minutes' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '1 day' },
  { seconds: 604_800, label: '7 days' },
];

/** The strings of the block durations, by seconds. */
const BLOCK_KEYS: Record<number, keyof CsStrings> = {
  300: 'block5Minutes',
  3600: 'block1Hour',
  86_400: 'block1Day',
  604_800: 'block7Days',
};

/** The confirmation dialog, from the question to the results. */
export type DialogState =
  | { kind: 'one'; session: Session; block: boolean; duration: number; busy: boolean }
  | {
      kind: 'many';
      targets: Session[];
      /** Over half of all active sessions: the user types the number to confirm. */
      needsTyping: boolean;
      typed: string;
      staggered: boolean;
      rate: number;
    }
  | { kind: 'running'; total: number; results: DisconnectResult[]; cancelling: boolean }
  | { kind: 'done'; results: DisconnectResult[]; targets: Session[] };

export interface DialogHandlers {
  onConfirm(): void;
  onCancel(): void;
  onTyped(text: string): void;
  onDuration(seconds: number): void;
  /** Absent: no `Retry failed` (read-only, the credentials may not act). */
  onRetry?(): void;
}

const OUTCOME_KEYS: Record<DisconnectResult['outcome'], keyof CsStrings> = {
  disconnected: 'outcomeDisconnected',
  'already-gone': 'outcomeAlreadyGone',
  failed: 'outcomeFailed',
  cancelled: 'outcomeCancelled',
};

/** The words for an outcome (`already gone`). */
export const outcomeText = (outcome: DisconnectResult['outcome'], t: Texts = EN_TEXTS) =>
  t.s[OUTCOME_KEYS[outcome]] as string;

/** `3 disconnected, 1 already gone, 1 failed` */
export function summarize(results: readonly DisconnectResult[], t: Texts = EN_TEXTS): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
  return (['disconnected', 'already-gone', 'failed', 'cancelled'] as const)
    .filter((o) => counts.get(o))
    .map((o) => t.s.outcomeCount(t.num(counts.get(o)!), outcomeText(o, t)))
    .join(t.s.listSeparator);
}

function renderOne(
  s: Extract<DialogState, { kind: 'one' }>,
  on: DialogHandlers,
  t: Texts,
): TemplateResult {
  const action = s.block ? t.s.disconnectAndBlock : t.s.disconnect;
  return html`<h2 id="confirm-title">${t.s.confirmOneTitle(s.block)}</h2>
    <p id="confirm-description">
      ${t.s.confirmOneText(html`<bdi>${s.session.clientId}</bdi>`, s.block)}
    </p>
    ${
      s.block
        ? html`<label class="field"
            >${t.s.blockFor}
            <select
              @change=${(e: Event) => on.onDuration(Number((e.target as HTMLSelectElement).value))}
            >
              ${BLOCK_DURATIONS.map(
                (d) =>
                  html`<option value=${d.seconds} ?selected=${d.seconds === s.duration}>
                    ${BLOCK_KEYS[d.seconds] ? t.s[BLOCK_KEYS[d.seconds]!] : d.label}
                  </option>`,
              )}
            </select></label
          >`
        : nothing
    }
    <div class="actions">
      <button type="button" autofocus ?disabled=${s.busy} @click=${on.onCancel}>
        ${t.s.cancel}
      </button>
      <button type="button" class="danger" ?disabled=${s.busy} @click=${on.onConfirm}>
        ${action}
      </button>
    </div>`;
}

function renderMany(
  s: Extract<DialogState, { kind: 'many' }>,
  on: DialogHandlers,
  t: Texts,
): TemplateResult {
  const n = s.targets.length;
  const shown = s.targets.slice(0, 5);
  // The number to type is plain digits, whatever the locale.
  const typedOk = !s.needsTyping || s.typed.trim() === String(n);
  // The contract names the button `Disconnect` for one session, `Disconnect <N> sessions` for more.
  const action = n === 1 ? t.s.disconnect : t.s.disconnectSessions(t.num(n), n);
  return html`<h2 id="confirm-title">${t.s.confirmManyTitle(t.num(n), n)}</h2>
    <div id="confirm-description">
      <p>
        ${t.s.confirmManyText(n)}
        ${s.staggered ? t.s.staggered(t.num(s.rate), t.num(Math.ceil(n / s.rate))) : ''}
      </p>
      <ul class="targets">
        ${shown.map((target) => html`<li><bdi>${target.clientId}</bdi></li>`)}
        ${n > shown.length ? html`<li>${t.s.andMore(t.num(n - shown.length))}</li>` : nothing}
      </ul>
    </div>
    ${
      s.needsTyping
        ? html`<p class="notice">${t.s.typeToConfirm(html`<strong>${n}</strong>`)}</p>
            <input
              type="text"
              inputmode="numeric"
              aria-label=${t.s.typedLabel}
              .value=${s.typed}
              @input=${(e: Event) => on.onTyped((e.target as HTMLInputElement).value)}
            />`
        : nothing
    }
    <div class="actions">
      <button type="button" autofocus @click=${on.onCancel}>${t.s.cancel}</button>
      <button type="button" class="danger" ?disabled=${!typedOk} @click=${on.onConfirm}>
        ${action}
      </button>
    </div>`;
}

function renderResults(results: readonly DisconnectResult[], t: Texts): TemplateResult {
  return html`<ul class="results" aria-label=${t.s.results}>
    ${results.map(
      (r) =>
        html`<li class=${r.outcome}>
          <bdi>${r.clientId}</bdi>:
          ${outcomeText(r.outcome, t)}${
            r.outcome === 'failed' && r.error ? html` — ${r.error}` : nothing
          }
        </li>`,
    )}
  </ul>`;
}

/** The content of the alertdialog for a dialog state. */
export function renderDialogContent(
  state: DialogState,
  on: DialogHandlers,
  t: Texts = EN_TEXTS,
): TemplateResult {
  switch (state.kind) {
    case 'one':
      return renderOne(state, on, t);
    case 'many':
      return renderMany(state, on, t);
    case 'running': {
      const done = state.results.length;
      return html`<h2 id="confirm-title">${t.s.disconnecting(t.num(state.total), state.total)}</h2>
        <div id="confirm-description">
          <div
            class="progress"
            role="progressbar"
            aria-label=${t.s.disconnectProgress}
            aria-valuemin="0"
            aria-valuemax=${state.total}
            aria-valuenow=${done}
          >
            <span class="progress-fill" style="width: ${(done / state.total) * 100}%"></span>
          </div>
          <p>
            ${t.s.progressDone(
              t.num(done),
              t.num(state.total),
              done ? summarize(state.results, t) : undefined,
            )}
          </p>
        </div>
        <div class="actions">
          <button type="button" ?disabled=${state.cancelling} @click=${on.onCancel}>
            ${t.s.cancel}
          </button>
        </div>`;
    }
    case 'done': {
      const failed = state.results.filter((r) => r.outcome === 'failed').length;
      return html`<h2 id="confirm-title">${t.s.disconnectFinished}</h2>
        <div id="confirm-description">
          <p>${summarize(state.results, t)}.</p>
          ${renderResults(state.results, t)}
        </div>
        <div class="actions">
          ${
            failed && on.onRetry
              ? html`<button type="button" class="danger" @click=${on.onRetry}>
                  ${t.s.retryFailed}
                </button>`
              : nothing
          }
          <button type="button" autofocus @click=${on.onCancel}>${t.s.close}</button>
        </div>`;
    }
  }
}
