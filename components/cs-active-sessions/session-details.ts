import { html, nothing, type TemplateResult } from 'lit';
import { DUPLICATE_CAUSES } from '../../src/analysis/duplicates.js';
import type { SessionHealth } from '../../src/analysis/health.js';
import {
  formatAddress,
  formatBoolean,
  formatBytes,
  formatCount,
  formatDateTime,
  formatDuration,
  formatProtocol,
  UNKNOWN,
  type Session,
  type Subscription,
} from '../../src/model/session.js';

/** The subscriptions as loaded for the open session. */
export type SubscriptionsState =
  | { status: 'loading' }
  | { status: 'done'; subscriptions: Subscription[] }
  | { status: 'error'; message: string };

export interface DetailsState {
  session: Session;
  subscriptions: SubscriptionsState;
  /** The session is no longer in the list (it disconnected or was kicked). */
  gone: boolean;
  /** A failed action on this session, to show next to its button. */
  actionError: string | undefined;
  /** Whether a disconnect is running. */
  busy: boolean;
  /** Whether the source keeps a ban list, so the client can be blocked. */
  canBlock: boolean;
  /** Label of the session's workspace, when there are several. */
  workspace: string | undefined;
  /** What the element noticed about this session. */
  health: SessionHealth | undefined;
  now: number;
}

export interface DetailsHandlers {
  onDisconnect(): void;
  onBlock(): void;
  onClose(): void;
}

/** The seed's steps for a stuck session. */
const STUCK_STEPS = [
  'Note the "Connected at" time.',
  'Check if the keep-alive interval has passed without disconnect.',
  'If stuck, disconnect the session manually.',
];

function renderHealth(h: SessionHealth | undefined, keepAlive: number | undefined): TemplateResult {
  if (!h) return html``;
  return html`<h3>Health</h3>
    <ul class="health-notes">
      ${
        h.stuck
          ? html`<li class="warn">
              <strong>Stuck:</strong> nothing received from this client
              ${h.stuck.sinceFirstSeen ? 'since this view first saw it,' : 'since'}
              ${formatDateTime(h.stuck.lastTraffic)}, longer than 1.5 × its keep-alive (${keepAlive}
              s). The connection may be half-open.
              <ol>
                ${STUCK_STEPS.map((step) => html`<li>${step}</li>`)}
              </ol>
            </li>`
          : nothing
      }
      ${
        h.takeover
          ? html`<li class="warn">
              <strong>Two clients share this ID:</strong> the session keeps being taken over
              (${h.takeover.flips} ${h.takeover.flips === 1 ? 'change' : 'changes'} in the last 10
              minutes) from
              ${
                h.takeover.addresses.length
                  ? h.takeover.addresses.map((a, i) => html`${i ? ', ' : ''}<bdi>${a}</bdi>`)
                  : 'addresses not yet seen'
              }.
              Give each device its own client ID.
            </li>`
          : nothing
      }
      ${
        h.duplicate
          ? html`<li class="warn">
              <strong>Duplicate:</strong> ${h.duplicate.count} sessions share this client ID in this
              workspace. Possible causes:
              <ul>
                ${DUPLICATE_CAUSES.map((c) => html`<li>${c}</li>`)}
              </ul>
            </li>`
          : nothing
      }
      ${
        h.noKeepAlive
          ? html`<li class="warn">
              <strong>No keep-alive:</strong> the broker cannot detect a dead connection.
            </li>`
          : nothing
      }
      <li>
        <strong>Client ID:</strong> ${h.naming.quality === 'clear' ? 'clear' : 'unclear'}
        (${h.naming.reason}).
      </li>
    </ul>`;
}

/** `n of max`, `n` alone, or an em dash. */
function ofMax(n: number | undefined, max: number | undefined): string {
  if (n === undefined) return UNKNOWN;
  if (max === undefined) return formatCount(n);
  return `${formatCount(n)} of ${max === Infinity ? 'unlimited' : formatCount(max)}`;
}

const row = (term: string, value: unknown) =>
  html`<dt>${term}</dt>
    <dd>${value}</dd>`;

function renderSubscriptions(state: SubscriptionsState): TemplateResult {
  switch (state.status) {
    case 'loading':
      return html`<p class="muted">Loading subscriptions…</p>`;
    case 'error':
      return html`<p class="error-text">${state.message}</p>`;
    case 'done':
      return state.subscriptions.length === 0
        ? html`<p class="muted">No subscriptions.</p>`
        : html`<ul class="subscriptions">
            ${state.subscriptions.map(
              (s) =>
                html`<li>
                  <code><bdi>${s.topic}</bdi></code>
                  <span class="qos">(QoS ${s.qos ?? UNKNOWN})</span>
                </li>`,
            )}
          </ul>`;
  }
}

/** The details region of one session: connection info, subscriptions, session state. */
export function renderSessionDetails(state: DetailsState, on: DetailsHandlers): TemplateResult {
  const s = state.session;
  const duration =
    s.connectedAt === undefined ? '' : ` (for ${formatDuration(state.now - s.connectedAt)})`;
  const keepAlive = s.keepAlive === undefined ? UNKNOWN : `${s.keepAlive} s`;
  return html`<section class="details" part="details" role="region" aria-labelledby="details-title">
    <header class="details-header">
      <h2 id="details-title">Session details</h2>
      <button type="button" class="secondary" @click=${on.onClose}>Close details</button>
    </header>
    ${
      state.gone
        ? html`<p class="notice">This session has ended: the client is no longer connected.</p>`
        : nothing
    }
    <h3>Connection</h3>
    <dl>
      ${row('Client ID', html`<bdi class="full">${s.clientId}</bdi>`)}
      ${row('Username', html`<bdi class="full">${s.username ?? UNKNOWN}</bdi>`)}
      ${
        s.displayUsername !== undefined && s.displayUsername !== s.username
          ? row('Shown as', html`<bdi class="full">${s.displayUsername}</bdi>`)
          : nothing
      }
      ${row('Connected at', `${formatDateTime(s.connectedAt)}${duration}`)}
      ${row('IP and port', formatAddress(s.ip, s.port))} ${row('TLS', formatBoolean(s.tls))}
      ${row('Protocol', formatProtocol(s))} ${row('Listener', s.listener ?? UNKNOWN)}
      ${row('Node', s.node ?? UNKNOWN)}
    </dl>
    ${renderHealth(state.health, s.keepAlive)}
    <h3>Subscriptions</h3>
    ${renderSubscriptions(state.subscriptions)}
    <h3>Session state</h3>
    <dl>
      ${row('Clean session', formatBoolean(s.cleanSession))} ${row('Keep alive', keepAlive)}
      ${row('Queued messages', ofMax(s.queuedMessages, s.queueMax))}
      ${row('Dropped messages', formatCount(s.queueDropped))}
      ${row('In flight', ofMax(s.inflight, s.inflightMax))}
    </dl>
    <h3>Traffic</h3>
    <dl>
      ${row('Messages in', formatCount(s.recvMessages))}
      ${row('Messages out', formatCount(s.sentMessages))}
      ${row('Bytes in', formatBytes(s.recvBytes))} ${row('Bytes out', formatBytes(s.sentBytes))}
      ${row('Packets in', formatCount(s.recvPackets))}
      ${row('Packets out', formatCount(s.sentPackets))}
    </dl>
    <div class="details-actions">
      <button
        type="button"
        class="danger"
        ?disabled=${state.gone || state.busy}
        @click=${on.onDisconnect}
      >
        Disconnect
      </button>
      ${
        state.canBlock
          ? html`<button
              type="button"
              class="danger secondary-danger"
              ?disabled=${state.gone || state.busy}
              @click=${on.onBlock}
            >
              Disconnect and block
            </button>`
          : nothing
      }
      ${state.actionError ? html`<p class="error-text" role="alert">${state.actionError}</p>` : nothing}
    </div>
  </section>`;
}
