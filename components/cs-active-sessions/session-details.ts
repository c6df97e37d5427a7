import { html, nothing, type TemplateResult } from 'lit';
import { DUPLICATE_CAUSES } from '../../src/analysis/duplicates.js';
import type { SessionHealth } from '../../src/analysis/health.js';
import {
  formatAddress,
  formatProtocol,
  UNKNOWN,
  type Session,
  type Subscription,
} from '../../src/model/session.js';
import { EN_TEXTS, type Texts } from './strings.js';

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
  /**
   * Whether actions that change the broker are offered (default true); false in read-only
   * mode or for credentials that may only read: no `Disconnect`, no `Disconnect and block`.
   */
  canAct?: boolean;
  /** Label of the session's workspace, when there are several. */
  workspace: string | undefined;
  /** What the element noticed about this session. */
  health: SessionHealth | undefined;
  now: number;
  /** Strings and number and date formatting (default: English in the browser's locale). */
  texts?: Texts;
}

export interface DetailsHandlers {
  onDisconnect(): void;
  onBlock(): void;
  onClose(): void;
}

function renderHealth(
  h: SessionHealth | undefined,
  keepAlive: number | undefined,
  t: Texts,
): TemplateResult {
  if (!h) return html``;
  // The seed's steps for a stuck session.
  const stuckSteps = [t.s.stuckStep1, t.s.stuckStep2, t.s.stuckStep3];
  return html`<h3>${t.s.healthHeading}</h3>
    <ul class="health-notes">
      ${
        h.stuck
          ? html`<li class="warn">
              <strong>${t.s.stuckTitle}</strong>
              ${t.s.stuckNote(
                h.stuck.sinceFirstSeen,
                t.dateTime(h.stuck.lastTraffic),
                keepAlive === undefined ? UNKNOWN : t.num(keepAlive),
              )}
              <ol>
                ${stuckSteps.map((step) => html`<li>${step}</li>`)}
              </ol>
            </li>`
          : nothing
      }
      ${
        h.takeover
          ? html`<li class="warn">
              <strong>${t.s.takeoverTitle}</strong>
              ${t.s.takeoverNote(
                t.num(h.takeover.flips),
                h.takeover.flips,
                h.takeover.addresses.length
                  ? h.takeover.addresses.map(
                      (a, i) => html`${i ? t.s.listSeparator : ''}<bdi>${a}</bdi>`,
                    )
                  : t.s.addressesNotSeen,
              )}
            </li>`
          : nothing
      }
      ${
        h.duplicate
          ? html`<li class="warn">
              <strong>${t.s.duplicateTitle}</strong>
              ${t.s.duplicateNote(t.num(h.duplicate.count), h.duplicate.count)}
              <ul>
                ${DUPLICATE_CAUSES.map((c) => html`<li>${c}</li>`)}
              </ul>
            </li>`
          : nothing
      }
      ${
        h.noKeepAlive
          ? html`<li class="warn">
              <strong>${t.s.noKeepAliveTitle}</strong> ${t.s.noKeepAliveNote}
            </li>`
          : nothing
      }
      <li>
        <strong>${t.s.clientIdTitle}</strong>
        ${t.s.naming(
          h.naming.quality === 'clear',
          h.naming.reasonId ? t.s.namingReasons[h.naming.reasonId] : h.naming.reason,
        )}
      </li>
    </ul>`;
}

/** `n of max`, `n` alone, or an em dash. */
function ofMax(n: number | undefined, max: number | undefined, t: Texts): string {
  if (n === undefined) return UNKNOWN;
  if (max === undefined) return t.count(n);
  return t.s.ofMax(t.count(n), max === Infinity ? t.s.unlimited : t.count(max));
}

/** A yes/no value, or an em dash when unknown. */
const yesNo = (value: boolean | undefined, t: Texts) =>
  value === undefined ? UNKNOWN : value ? t.s.yes : t.s.no;

const row = (term: string, value: unknown) =>
  html`<dt>${term}</dt>
    <dd>${value}</dd>`;

function renderSubscriptions(state: SubscriptionsState, t: Texts): TemplateResult {
  switch (state.status) {
    case 'loading':
      return html`<p class="muted">${t.s.loadingSubscriptions}</p>`;
    case 'error':
      return html`<p class="error-text">${state.message}</p>`;
    case 'done':
      return state.subscriptions.length === 0
        ? html`<p class="muted">${t.s.noSubscriptions}</p>`
        : html`<ul class="subscriptions">
            ${state.subscriptions.map(
              (s) =>
                html`<li>
                  <code><bdi>${s.topic}</bdi></code>
                  <span class="qos">${t.s.qos(s.qos === undefined ? UNKNOWN : t.num(s.qos))}</span>
                </li>`,
            )}
          </ul>`;
  }
}

/** The details region of one session: connection info, subscriptions, session state. */
export function renderSessionDetails(state: DetailsState, on: DetailsHandlers): TemplateResult {
  const s = state.session;
  const t = state.texts ?? EN_TEXTS;
  const connectedAt =
    s.connectedAt === undefined
      ? t.dateTime(s.connectedAt)
      : t.s.connectedFor(t.dateTime(s.connectedAt), t.duration(state.now - s.connectedAt));
  const keepAlive = s.keepAlive === undefined ? UNKNOWN : t.s.seconds(t.num(s.keepAlive));
  return html`<section class="details" part="details" role="region" aria-labelledby="details-title">
    <header class="details-header">
      <h2 id="details-title">${t.s.sessionDetails}</h2>
      <button type="button" class="secondary" @click=${on.onClose}>${t.s.closeDetails}</button>
    </header>
    ${state.gone ? html`<p class="notice">${t.s.sessionEnded}</p>` : nothing}
    <h3>${t.s.connection}</h3>
    <dl>
      ${row(t.s.clientId, html`<bdi class="full">${s.clientId}</bdi>`)}
      ${row(t.s.username, html`<bdi class="full">${s.username ?? UNKNOWN}</bdi>`)}
      ${
        s.displayUsername !== undefined && s.displayUsername !== s.username
          ? row(t.s.shownAs, html`<bdi class="full">${s.displayUsername}</bdi>`)
          : nothing
      }
      ${row(t.s.connectedAt, connectedAt)} ${row(t.s.ipAndPort, formatAddress(s.ip, s.port))}
      ${row(t.s.tlsTerm, yesNo(s.tls, t))} ${row(t.s.protocolTerm, formatProtocol(s))}
      ${row(t.s.listener, s.listener ?? UNKNOWN)} ${row(t.s.nodeTerm, s.node ?? UNKNOWN)}
    </dl>
    ${renderHealth(state.health, s.keepAlive, t)}
    <h3>${t.s.subscriptions}</h3>
    ${renderSubscriptions(state.subscriptions, t)}
    <h3>${t.s.sessionState}</h3>
    <dl>
      ${row(t.s.cleanSession, yesNo(s.cleanSession, t))} ${row(t.s.keepAlive, keepAlive)}
      ${row(t.s.queuedMessages, ofMax(s.queuedMessages, s.queueMax, t))}
      ${row(t.s.droppedMessages, t.count(s.queueDropped))}
      ${row(t.s.inFlight, ofMax(s.inflight, s.inflightMax, t))}
    </dl>
    <h3>${t.s.traffic}</h3>
    <dl>
      ${row(t.s.messagesIn, t.count(s.recvMessages))}
      ${row(t.s.messagesOut, t.count(s.sentMessages))} ${row(t.s.bytesIn, t.bytes(s.recvBytes))}
      ${row(t.s.bytesOut, t.bytes(s.sentBytes))} ${row(t.s.packetsIn, t.count(s.recvPackets))}
      ${row(t.s.packetsOut, t.count(s.sentPackets))}
    </dl>
    ${
      state.canAct === false
        ? state.actionError
          ? html`<p class="error-text" role="alert">${state.actionError}</p>`
          : nothing
        : html`<div class="details-actions">
            <button
              type="button"
              class="danger"
              ?disabled=${state.gone || state.busy}
              @click=${on.onDisconnect}
            >
              ${t.s.disconnect}
            </button>
            ${
              state.canBlock
                ? html`<button
                    type="button"
                    class="danger secondary-danger"
                    ?disabled=${state.gone || state.busy}
                    @click=${on.onBlock}
                  >
                    ${t.s.disconnectAndBlock}
                  </button>`
                : nothing
            }
            ${state.actionError ? html`<p class="error-text" role="alert">${state.actionError}</p>` : nothing}
          </div>`
    }
  </section>`;
}
