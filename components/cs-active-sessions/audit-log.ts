import { html, nothing, type TemplateResult } from 'lit';
import type { AuditEntry } from '../../src/storage/db.js';
import { summarize } from './disconnect-dialog.js';
import { EN_TEXTS, type CsStrings, type Texts } from './strings.js';

const ACTION: Record<AuditEntry['action'], keyof CsStrings> = {
  disconnect: 'auditDisconnect',
  'disconnect-and-block': 'auditDisconnectAndBlock',
  'bulk-disconnect': 'auditBulkDisconnect',
};

/** Entries shown at once; 90 days of bulk actions can be long, and the export has them all. */
const SHOWN = 100;

/** The audit log region: who disconnected what, when, and with what result. */
export function renderAuditLog(
  entries: readonly AuditEntry[],
  on: { onExport(): void; onClose(): void },
  t: Texts = EN_TEXTS,
): TemplateResult {
  return html`<section class="panel" part="audit" role="region" aria-labelledby="audit-title">
    <header class="details-header">
      <h2 id="audit-title">${t.s.auditLog}</h2>
      <span>
        <button type="button" @click=${on.onExport}>${t.s.exportAuditLog}</button>
        <button type="button" class="secondary" @click=${on.onClose}>${t.s.closeAuditLog}</button>
      </span>
    </header>
    ${
      entries.length === 0
        ? html`<p class="muted">${t.s.auditEmpty}</p>`
        : html`${
              entries.length > SHOWN
                ? html`<p class="muted">${t.s.auditLatest(t.num(SHOWN), t.num(entries.length))}</p>`
                : nothing
            }
            <ol class="audit">
              ${entries.slice(0, SHOWN).map(
                (e) =>
                  html`<li>
                    <strong>${t.dateTime(e.t)}</strong> ·
                    ${t.s[ACTION[e.action]] as string}${
                      e.blockSeconds
                        ? t.s.auditBlockMinutes(t.num(Math.round(e.blockSeconds / 60)))
                        : nothing
                    }
                    · ${e.workspace} · ${t.s.auditBy}
                    <bdi>${e.operator || t.s.unnamedOperator}</bdi>: ${summarize(e.results, t)}
                    <ul>
                      ${e.results.map(
                        (r) =>
                          html`<li>
                            <bdi>${r.clientId}</bdi>:
                            ${t.s.auditOutcome(r.outcome)}${r.error ? ` — ${r.error}` : ''}
                          </li>`,
                      )}
                    </ul>
                  </li>`,
              )}
            </ol>`
    }
  </section>`;
}
