import { html, nothing, type TemplateResult } from 'lit';
import type { IpPattern } from '../../src/model/ip-match.js';
import type { SessionFilters } from '../../src/model/query.js';
import type { ProtocolVersion, Transport } from '../../src/model/session.js';
import { EN_TEXTS, type Texts } from './strings.js';

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
export function filterChips(
  f: SessionFilters,
  t: Texts = EN_TEXTS,
): { text: string; without: SessionFilters }[] {
  const chips: { text: string; without: SessionFilters }[] = [];
  if (f.node !== undefined)
    chips.push({ text: t.s.chipNode(f.node), without: { ...f, node: undefined } });
  if (f.protocol !== undefined) {
    chips.push({ text: t.s.chipProtocol(f.protocol), without: { ...f, protocol: undefined } });
  }
  if (f.transport !== undefined) {
    chips.push({ text: t.s.chipTransport(f.transport), without: { ...f, transport: undefined } });
  }
  if (f.tls !== undefined) {
    chips.push({ text: t.s.chipTls(f.tls), without: { ...f, tls: undefined } });
  }
  for (const p of f.ip ?? []) {
    chips.push({
      text: t.s.chipIp(p.text),
      without: { ...f, ip: (f.ip ?? []).filter((q: IpPattern) => q !== p) },
    });
  }
  return chips;
}

/** Node, protocol, transport, TLS and IP/CIDR filters, and the active ones as removable chips. */
export function renderFilterBar(
  state: FilterBarState,
  on: FilterBarHandlers,
  t: Texts = EN_TEXTS,
): TemplateResult {
  const f = state.filters;
  const pick = (event: Event) => (event.target as HTMLSelectElement).value;
  const chips = filterChips(f, t);
  return html`<div class="filters" part="filters" role="group" aria-label=${t.s.filters}>
      <select
        aria-label=${t.s.node}
        @change=${(e: Event) => on.onChange({ ...f, node: pick(e) || undefined })}
      >
        <option value="" ?selected=${f.node === undefined}>${t.s.anyNode}</option>
        ${state.nodes.map((n) => html`<option value=${n} ?selected=${f.node === n}>${n}</option>`)}
      </select>
      <select
        aria-label=${t.s.protocol}
        @change=${(e: Event) =>
          on.onChange({ ...f, protocol: (pick(e) || undefined) as ProtocolVersion | undefined })}
      >
        <option value="" ?selected=${f.protocol === undefined}>${t.s.anyProtocol}</option>
        ${PROTOCOLS.map(
          (p) =>
            html`<option value=${p} ?selected=${f.protocol === p}>
              ${t.s.protocolOption(p)}
            </option>`,
        )}
      </select>
      <select
        aria-label=${t.s.transport}
        @change=${(e: Event) =>
          on.onChange({ ...f, transport: (pick(e) || undefined) as Transport | undefined })}
      >
        <option value="" ?selected=${f.transport === undefined}>${t.s.anyTransport}</option>
        ${TRANSPORTS.map(
          (tr) =>
            html`<option value=${tr} ?selected=${f.transport === tr}>
              ${t.s.transportOption(tr)}
            </option>`,
        )}
      </select>
      <select
        aria-label=${t.s.tls}
        @change=${(e: Event) => {
          const v = pick(e);
          on.onChange({ ...f, tls: v === '' ? undefined : v === 'yes' });
        }}
      >
        <option value="" ?selected=${f.tls === undefined}>${t.s.tlsAny}</option>
        <option value="yes" ?selected=${f.tls === true}>${t.s.tlsOnly}</option>
        <option value="no" ?selected=${f.tls === false}>${t.s.tlsWithout}</option>
      </select>
      <input
        type="text"
        class="ip-input"
        aria-label=${t.s.ipLabel}
        placeholder=${t.s.ipPlaceholder}
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
      <button type="button" @click=${on.onAddIp}>${t.s.addIpFilter}</button>
      <span id="ip-error" class="error-text">${state.ipError ?? nothing}</span>
    </div>
    ${
      chips.length
        ? html`<ul class="chips" aria-label=${t.s.activeFilters}>
            ${chips.map(
              (c) =>
                html`<li class="chip">
                  <bdi>${c.text}</bdi>
                  <button
                    type="button"
                    class="chip-remove"
                    aria-label=${t.s.removeFilter(c.text)}
                    @click=${() => on.onChange(c.without)}
                  >
                    <span aria-hidden="true">×</span>
                  </button>
                </li>`,
            )}
            <li>
              <button type="button" class="link" @click=${() => on.onChange({})}>
                ${t.s.clearFilters}
              </button>
            </li>
          </ul>`
        : nothing
    }`;
}
