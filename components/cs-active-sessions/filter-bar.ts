import { html, nothing, type TemplateResult } from 'lit';
import type { IpPattern } from '../../src/model/ip-match.js';
import type { SessionFilters } from '../../src/model/query.js';
import type { ProtocolVersion, Transport } from '../../src/model/session.js';

export interface FilterBarState {
  filters: SessionFilters;
  /** Nodes seen in the data, for the node filter's options. */
  nodes: readonly string[];
  /** The IP/CIDR box's text and its parse error. */
  ipDraft: string;
  ipError: string | undefined;
}

export interface FilterBarHandlers {
  onChange(filters: SessionFilters): void;
  onIpDraft(text: string): void;
  onAddIp(): void;
}

const PROTOCOLS: ProtocolVersion[] = ['3.1', '3.1.1', '5.0'];
const TRANSPORTS: Transport[] = ['TCP', 'WebSocket'];

/** The active filters as chips: text, and the filters without that one. */
export function filterChips(f: SessionFilters): { text: string; without: SessionFilters }[] {
  const chips: { text: string; without: SessionFilters }[] = [];
  if (f.node !== undefined)
    chips.push({ text: `Node: ${f.node}`, without: { ...f, node: undefined } });
  if (f.protocol !== undefined) {
    chips.push({ text: `Protocol: ${f.protocol}`, without: { ...f, protocol: undefined } });
  }
  if (f.transport !== undefined) {
    chips.push({ text: `Transport: ${f.transport}`, without: { ...f, transport: undefined } });
  }
  if (f.tls !== undefined) {
    chips.push({ text: `TLS: ${f.tls ? 'yes' : 'no'}`, without: { ...f, tls: undefined } });
  }
  for (const p of f.ip ?? []) {
    chips.push({
      text: `IP: ${p.text}`,
      without: { ...f, ip: (f.ip ?? []).filter((q: IpPattern) => q !== p) },
    });
  }
  return chips;
}

/** Node, protocol, transport, TLS and IP/CIDR filters, and the active ones as removable chips. */
export function renderFilterBar(state: FilterBarState, on: FilterBarHandlers): TemplateResult {
  const f = state.filters;
  const pick = (event: Event) => (event.target as HTMLSelectElement).value;
  const chips = filterChips(f);
  return html`<div class="filters" part="filters" role="group" aria-label="Filters">
      <select
        aria-label="Node"
        @change=${(e: Event) => on.onChange({ ...f, node: pick(e) || undefined })}
      >
        <option value="" ?selected=${f.node === undefined}>Any node</option>
        ${state.nodes.map((n) => html`<option value=${n} ?selected=${f.node === n}>${n}</option>`)}
      </select>
      <select
        aria-label="Protocol"
        @change=${(e: Event) =>
          on.onChange({ ...f, protocol: (pick(e) || undefined) as ProtocolVersion | undefined })}
      >
        <option value="" ?selected=${f.protocol === undefined}>Any protocol</option>
        ${PROTOCOLS.map(
          (p) => html`<option value=${p} ?selected=${f.protocol === p}>MQTT ${p}</option>`,
        )}
      </select>
      <select
        aria-label="Transport"
        @change=${(e: Event) =>
          on.onChange({ ...f, transport: (pick(e) || undefined) as Transport | undefined })}
      >
        <option value="" ?selected=${f.transport === undefined}>Any transport</option>
        ${TRANSPORTS.map(
          (t) => html`<option value=${t} ?selected=${f.transport === t}>${t}</option>`,
        )}
      </select>
      <select
        aria-label="TLS"
        @change=${(e: Event) => {
          const v = pick(e);
          on.onChange({ ...f, tls: v === '' ? undefined : v === 'yes' });
        }}
      >
        <option value="" ?selected=${f.tls === undefined}>TLS or not</option>
        <option value="yes" ?selected=${f.tls === true}>TLS only</option>
        <option value="no" ?selected=${f.tls === false}>Without TLS</option>
      </select>
      <input
        type="text"
        class="ip-input"
        aria-label="IP or CIDR"
        placeholder="IP or CIDR, e.g. 10.0.0.0/8"
        spellcheck="false"
        .value=${state.ipDraft}
        aria-invalid=${state.ipError ? 'true' : 'false'}
        aria-describedby="ip-error"
        @input=${(e: Event) => on.onIpDraft((e.target as HTMLInputElement).value)}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            on.onAddIp();
          }
        }}
      />
      <button type="button" @click=${on.onAddIp}>Add IP filter</button>
      <span id="ip-error" class="error-text">${state.ipError ?? nothing}</span>
    </div>
    ${
      chips.length
        ? html`<ul class="chips" aria-label="Active filters">
            ${chips.map(
              (c) =>
                html`<li class="chip">
                  <bdi>${c.text}</bdi>
                  <button
                    type="button"
                    class="chip-remove"
                    aria-label=${`Remove filter ${c.text}`}
                    @click=${() => on.onChange(c.without)}
                  >
                    <span aria-hidden="true">×</span>
                  </button>
                </li>`,
            )}
            <li>
              <button type="button" class="link" @click=${() => on.onChange({})}>
                Clear filters
              </button>
            </li>
          </ul>`
        : nothing
    }`;
}
