import { html, nothing, type TemplateResult } from 'lit';
import type { HealthFilter } from '../../src/analysis/health.js';

/** The health filters, in the order shown. Names are part of the accessible contract. */
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
export function renderHealthBar(state: HealthBarState, on: HealthBarHandlers): TemplateResult {
  return html`<div class="filters health" part="health" role="group" aria-label="Health">
    ${HEALTH_FILTERS.map(
      (f) =>
        html`<button
          type="button"
          class="toggle"
          aria-pressed=${state.active.includes(f.id) ? 'true' : 'false'}
          @click=${() => on.onToggle(f.id)}
        >
          ${f.label} (${state.counts.get(f.id) ?? 0})
        </button>`,
    )}
    <input
      type="text"
      class="ip-input"
      aria-label="Subscribed to topic"
      placeholder="Subscribed to topic, e.g. agents/7/state"
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
    <button type="button" @click=${on.onTopic}>Filter by topic</button>
    <span id="topic-error" class="error-text">${state.topicError ?? nothing}</span>
    ${
      state.topic
        ? html`<span class="chip">
            <bdi>Subscribed to ${state.topic.text}</bdi> (${state.topic.count})
            <button
              type="button"
              class="chip-remove"
              aria-label=${`Remove filter Subscribed to ${state.topic.text}`}
              @click=${on.onClearTopic}
            >
              <span aria-hidden="true">×</span>
            </button>
          </span>`
        : nothing
    }
  </div>`;
}
