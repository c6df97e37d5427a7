import { html, svg, type TemplateResult } from 'lit';
import type { HistorySample } from '../../src/storage/db.js';
import { TREND_RANGES, type TrendRange } from './storage-controller.js';

const W = 160;
const H = 32;

/**
 * A small chart of active sessions over a range, stating the range, with a text alternative
 * (the chart itself is an image to assistive technology, named by its summary).
 */
export function renderTrendChart(
  samples: readonly HistorySample[],
  range: TrendRange,
  now: number,
  onRange: (range: TrendRange) => void,
): TemplateResult {
  const { ms, label } = TREND_RANGES[range];
  const from = now - ms;
  const values = samples.map((s) => s.active);
  const lo = values.length ? Math.min(...samples.map((s) => s.min)) : 0;
  const hi = values.length ? Math.max(...samples.map((s) => s.max)) : 0;
  const span = Math.max(1, hi - lo);
  const points = samples
    .map((s) => {
      const x = ((s.t - from) / ms) * W;
      const y = H - 2 - ((s.active - lo) / span) * (H - 4);
      return `${Math.max(0, Math.min(W, x)).toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
  const summary = values.length
    ? `Active sessions, ${label}: ${values.at(-1)} now, between ${lo} and ${hi}, ${samples.length} ${samples.length === 1 ? 'sample' : 'samples'}.`
    : `Active sessions, ${label}: no history yet.`;
  return html`<div class="trend" part="trend">
    <svg
      role="img"
      aria-label=${summary}
      viewBox="0 0 ${W} ${H}"
      width=${W}
      height=${H}
      preserveAspectRatio="none"
    >
      ${svg`<polyline points=${points} fill="none" stroke="currentColor" stroke-width="1.5" />`}
    </svg>
    <span class="trend-label">${label}</span>
    <span class="trend-ranges" role="group" aria-label="Trend range">
      ${(Object.keys(TREND_RANGES) as TrendRange[]).map(
        (r) =>
          html`<button
            type="button"
            class="toggle small"
            aria-pressed=${r === range ? 'true' : 'false'}
            title=${TREND_RANGES[r].label}
            @click=${() => onRange(r)}
          >
            ${TREND_RANGES[r].short}
          </button>`,
      )}
    </span>
  </div>`;
}
