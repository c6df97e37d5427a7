import { html, nothing, type TemplateResult } from 'lit';
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
  now: number;
}

export interface DetailsHandlers {
  onDisconnect(): void;
  onBlock(): void;
  onClose(): void;
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
