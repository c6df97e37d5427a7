/**
 * The two baselines `npm run bench` measures the element against, as someone would first write
 * them: a plain Lit table (`repeat` over `Array.filter`), and the same with @lit-labs/virtualizer.
 * Both filter and sort the whole list on every change.
 */
import { html, LitElement, css } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import '@lit-labs/virtualizer';
import type { Session } from '../../src/model/session.js';

abstract class BaselineTable extends LitElement {
  static override properties = { sessions: { attribute: false }, query: {}, sortAsc: {} };
  static override styles = css`
    :host {
      display: block;
      font: 14px system-ui;
    }
    .row {
      display: grid;
      grid-template-columns: 2fr 1fr 1fr 1fr 1fr;
      height: 36px;
      align-items: center;
    }
    .scroller {
      height: 420px;
      overflow: auto;
    }
    lit-virtualizer {
      height: 420px;
    }
  `;
  sessions: Session[] = [];
  query = '';
  sortAsc: boolean | undefined;

  protected rows(): Session[] {
    const q = this.query.trim().toLowerCase();
    const found = q
      ? this.sessions.filter(
          (s) =>
            s.clientId.toLowerCase().includes(q) || (s.username ?? '').toLowerCase().includes(q),
        )
      : this.sessions;
    if (this.sortAsc === undefined) return found;
    const dir = this.sortAsc ? 1 : -1;
    return [...found].sort((a, b) => dir * a.clientId.localeCompare(b.clientId));
  }

  protected row(s: Session) {
    return html`<div class="row" role="row">
      <span>${s.clientId}</span><span>${s.displayUsername}</span><span>${s.ip}</span
      ><span>${s.protocol}</span><span>${s.subscriptions}</span>
    </div>`;
  }
}

/** Every row in the DOM. */
export class PlainTable extends BaselineTable {
  protected override render() {
    return html`<div class="scroller" role="grid">
      ${repeat(
        this.rows(),
        (s) => s.key,
        (s) => this.row(s),
      )}
    </div>`;
  }
}

/** Rows near the viewport only, through @lit-labs/virtualizer. */
export class VirtualizerTable extends BaselineTable {
  protected override render() {
    return html`<lit-virtualizer
      role="grid"
      scroller
      .items=${this.rows()}
      .keyFunction=${(s: Session) => s.key}
      .renderItem=${(s: Session) => this.row(s)}
    ></lit-virtualizer>`;
  }
}

customElements.define('plain-table', PlainTable);
customElements.define('virtualizer-table', VirtualizerTable);
