import { html, nothing, type TemplateResult } from 'lit';
import type { Session } from '../../src/model/session.js';
import type { DisconnectResult } from '../../src/sources/source.js';

/** How long "Disconnect and block" keeps a client out, in seconds. */
export const BLOCK_DURATIONS: { seconds: number; label: string }[] = [
  { seconds: 300, label: '5 minutes' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '1 day' },
  { seconds: 604_800, label: '7 days' },
];

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
  onRetry(): void;
}

const OUTCOME_TEXT: Record<DisconnectResult['outcome'], string> = {
  disconnected: 'disconnected',
  'already-gone': 'already gone',
  failed: 'failed',
  cancelled: 'not started (cancelled)',
};

/** `3 disconnected, 1 already gone, 1 failed` */
export function summarize(results: readonly DisconnectResult[]): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
  return (['disconnected', 'already-gone', 'failed', 'cancelled'] as const)
    .filter((o) => counts.get(o))
    .map((o) => `${counts.get(o)} ${OUTCOME_TEXT[o]}`)
    .join(', ');
}

function renderOne(s: Extract<DialogState, { kind: 'one' }>, on: DialogHandlers): TemplateResult {
  const action = s.block ? 'Disconnect and block' : 'Disconnect';
  return html`<h2 id="confirm-title">${action} this client?</h2>
    <p id="confirm-description">
      <bdi>${s.session.clientId}</bdi> will be disconnected at once.
      ${
        s.block
          ? 'The broker will refuse it when it tries to reconnect until the block ends.'
          : 'A client set to reconnect will start a new session.'
      }
    </p>
    ${
      s.block
        ? html`<label class="field"
            >Block for
            <select
              @change=${(e: Event) => on.onDuration(Number((e.target as HTMLSelectElement).value))}
            >
              ${BLOCK_DURATIONS.map(
                (d) =>
                  html`<option value=${d.seconds} ?selected=${d.seconds === s.duration}>
                    ${d.label}
                  </option>`,
              )}
            </select></label
          >`
        : nothing
    }
    <div class="actions">
      <button type="button" autofocus ?disabled=${s.busy} @click=${on.onCancel}>Cancel</button>
      <button type="button" class="danger" ?disabled=${s.busy} @click=${on.onConfirm}>
        ${action}
      </button>
    </div>`;
}

function renderMany(s: Extract<DialogState, { kind: 'many' }>, on: DialogHandlers): TemplateResult {
  const n = s.targets.length;
  const shown = s.targets.slice(0, 5);
  const typedOk = !s.needsTyping || s.typed.trim() === String(n);
  // The contract names the button `Disconnect` for one session, `Disconnect <N> sessions` for more.
  const action = n === 1 ? 'Disconnect' : `Disconnect ${n} sessions`;
  return html`<h2 id="confirm-title">${n === 1 ? 'Disconnect this client?' : `${action}?`}</h2>
    <div id="confirm-description">
      <p>
        ${n === 1 ? 'This client' : 'These clients'} will be disconnected.
        ${
          s.staggered
            ? `To spare the broker a reconnection storm, they go ${s.rate} per second (about ${Math.ceil(n / s.rate)} s).`
            : ''
        }
      </p>
      <ul class="targets">
        ${shown.map((t) => html`<li><bdi>${t.clientId}</bdi></li>`)}
        ${n > shown.length ? html`<li>and ${n - shown.length} more</li>` : nothing}
      </ul>
    </div>
    ${
      s.needsTyping
        ? html`<p class="notice">
              That is more than half of all active sessions. Type <strong>${n}</strong> to confirm.
            </p>
            <input
              type="text"
              inputmode="numeric"
              aria-label="Number of sessions to disconnect"
              .value=${s.typed}
              @input=${(e: Event) => on.onTyped((e.target as HTMLInputElement).value)}
            />`
        : nothing
    }
    <div class="actions">
      <button type="button" autofocus @click=${on.onCancel}>Cancel</button>
      <button type="button" class="danger" ?disabled=${!typedOk} @click=${on.onConfirm}>
        ${action}
      </button>
    </div>`;
}

function renderResults(results: readonly DisconnectResult[]): TemplateResult {
  return html`<ul class="results" aria-label="Results">
    ${results.map(
      (r) =>
        html`<li class=${r.outcome}>
          <bdi>${r.clientId}</bdi>:
          ${OUTCOME_TEXT[r.outcome]}${
            r.outcome === 'failed' && r.error ? html` — ${r.error}` : nothing
          }
        </li>`,
    )}
  </ul>`;
}

/** The content of the alertdialog for a dialog state. */
export function renderDialogContent(state: DialogState, on: DialogHandlers): TemplateResult {
  switch (state.kind) {
    case 'one':
      return renderOne(state, on);
    case 'many':
      return renderMany(state, on);
    case 'running': {
      const done = state.results.length;
      return html`<h2 id="confirm-title">Disconnecting ${state.total} sessions…</h2>
        <div id="confirm-description">
          <div
            class="progress"
            role="progressbar"
            aria-label="Disconnect progress"
            aria-valuemin="0"
            aria-valuemax=${state.total}
            aria-valuenow=${done}
          >
            <span class="progress-fill" style="width: ${(done / state.total) * 100}%"></span>
          </div>
          <p>${done} of ${state.total} done${done ? `: ${summarize(state.results)}` : ''}.</p>
        </div>
        <div class="actions">
          <button type="button" ?disabled=${state.cancelling} @click=${on.onCancel}>Cancel</button>
        </div>`;
    }
    case 'done': {
      const failed = state.results.filter((r) => r.outcome === 'failed').length;
      return html`<h2 id="confirm-title">Disconnect finished</h2>
        <div id="confirm-description">
          <p>${summarize(state.results)}.</p>
          ${renderResults(state.results)}
        </div>
        <div class="actions">
          ${
            failed
              ? html`<button type="button" class="danger" @click=${on.onRetry}>
                  Retry failed
                </button>`
              : nothing
          }
          <button type="button" autofocus @click=${on.onCancel}>Close</button>
        </div>`;
    }
  }
}
