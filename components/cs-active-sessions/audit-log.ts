import { html, nothing, type TemplateResult } from 'lit';
import { formatDateTime } from '../../src/model/session.js';
import type { AuditEntry } from '../../src/storage/db.js';
import { summarize } from './disconnect-dialog.js';

const ACTION: Record<AuditEntry['action'], string> = {
  disconnect: 'Disconnect',
  'disconnect-and-block': 'Disconnect and block',
  'bulk-disconnect': 'Bulk disconnect',
};

/** Entries shown at once; 90 days of bulk actions can be long, and the export has them all. */
const SHOWN = 100;

/** The audit log region: who disconnected what, when, and with what result. */
export function renderAuditLog(
  entries: readonly AuditEntry[],
  on: { onExport(): void; onClose(): void },
): TemplateResult {
  return html`<section class="panel" part="audit" role="region" aria-labelledby="audit-title">
    <header class="details-header">
      <h2 id="audit-title">Audit log</h2>
      <span>
        <button type="button" @click=${on.onExport}>Export audit log</button>
        <button type="button" class="secondary" @click=${on.onClose}>Close audit log</button>
      </span>
    </header>
    ${
      entries.length === 0
        ? html`<p class="muted">No disconnects made from this view in the last 90 days.</p>`
        : html`${
              entries.length > SHOWN
                ? html`<p class="muted">
                    The latest ${SHOWN} of ${entries.length} entries; the export has them all.
                  </p>`
                : nothing
            }
            <ol class="audit">
              ${entries.slice(0, SHOWN).map(
                (e) =>
                  html`<li>
                    <strong>${formatDateTime(e.t)}</strong> ·
                    ${ACTION[e.action]}${
                      e.blockSeconds ? ` (${Math.round(e.blockSeconds / 60)} min)` : nothing
                    }
                    · ${e.workspace} · by <bdi>${e.operator || 'unnamed operator'}</bdi>:
                    ${summarize(e.results)}
                    <ul>
                      ${e.results.map(
                        (r) =>
                          html`<li>
                            <bdi>${r.clientId}</bdi>: ${r.outcome}${r.error ? ` — ${r.error}` : ''}
                          </li>`,
                      )}
                    </ul>
                  </li>`,
              )}
            </ol>`
    }
  </section>`;
}
