import { html, nothing, type TemplateResult } from 'lit';
import type { HealthFilter } from '../../src/analysis/health.js';
import { EN_TEXTS, type Texts } from './strings.js';

/**
 * The health filters, in the order shown. Names are part of the accessible contract (English
 * defaults; the element shows `Texts.healthFilter`).
 */
export const HEALTH_FILTERS: { id: HealthFilter; label: string }[] = [
  { id: 'stuck', label: 'Stuck' },
  { id: 'duplicate', label: 'Duplicate or takeover' },
  { id: 'unclear', label: 'Unclear client ID' },
  { id: 'no-keepalive', label: 'No keep-alive' },
  { id: 'queued', label: 'Queued messages' },
];

export interface HealthBarState {
  active: readonly HealthFilter[];
  counts: ReadonlyMap<HealthFilter, number>;
  topic: { text: string; count: number } | undefined;
  topicDraft: string;
  topicError: string | undefined;
}

export interface HealthBarHandlers {
  onToggle(filter: HealthFilter): void;
  onTopicDraft(text: string): void;
  onTopic(): void;
  onClearTopic(): void;
}

/** Toggle buttons for the health filters, each with its count, and the topic filter. */
export function renderHealthBar(
  state: HealthBarState,
  on: HealthBarHandlers,
  t: Texts = EN_TEXTS,
): TemplateResult {
  return html`<div class="filters health" part="health" role="group" aria-label=${t.s.health}>
    ${HEALTH_FILTERS.map(
      (f) =>
        html`<button
          type="button"
          class="toggle"
          aria-pressed=${state.active.includes(f.id) ? 'true' : 'false'}
          @click=${() => on.onToggle(f.id)}
        >
          ${t.s.withCount(t.healthFilter(f.id), t.num(state.counts.get(f.id) ?? 0))}
        </button>`,
    )}
    <input
      type="text"
      class="ip-input"
      aria-label=${t.s.topicLabel}
      placeholder=${t.s.topicPlaceholder}
      spellcheck="false"
      .value=${state.topicDraft}
      aria-invalid=${state.topicError ? 'true' : 'false'}
      aria-describedby="topic-error"
      @input=${(e: Event) => on.onTopicDraft((e.target as HTMLInputElement).value)}
      @keydown=${(e: KeyboardEvent) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          on.onTopic();
        }
      }}
    />
    <button type="button" @click=${on.onTopic}>${t.s.filterByTopic}</button>
    <span id="topic-error" class="error-text">${state.topicError ?? nothing}</span>
    ${
      state.topic
        ? html`<span class="chip">
            <bdi>${t.s.topicChip(state.topic.text)}</bdi> (${t.num(state.topic.count)})
            <button
              type="button"
              class="chip-remove"
              aria-label=${t.s.removeFilter(t.s.topicChip(state.topic.text))}
              @click=${on.onClearTopic}
            >
              <span aria-hidden="true">×</span>
            </button>
          </span>`
        : nothing
    }
  </div>`;
}
