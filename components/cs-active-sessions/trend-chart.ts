import { html, svg, type TemplateResult } from 'lit';
import type { HistorySample } from '../../src/storage/db.js';
import { TREND_RANGES, type TrendRange } from './storage-controller.js';
import { EN_TEXTS, type CsStrings, type Texts } from './strings.js';

/** The strings of each range: its label and its button's text. */
const RANGE_KEYS: Record<TrendRange, { label: keyof CsStrings; short: keyof CsStrings }> = {
  hour: { label: 'trendLastHour', short: 'trendShortHour' },
  day: { label: 'trendLastDay', short: 'trendShortDay' },
  week: { label: 'trendLastWeek', short: 'trendShortWeek' },
};

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
  t: Texts = EN_TEXTS,
): TemplateResult {
  const { ms } = TREND_RANGES[range];
  const labelOf = (r: TrendRange) => t.s[RANGE_KEYS[r].label] as string;
  const label = labelOf(range);
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
    ? t.s.trendSummary(label, t.num(values.at(-1)!), t.num(lo), t.num(hi), samples.length)
    : t.s.trendEmpty(label);
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
    <span class="trend-ranges" role="group" aria-label=${t.s.trendRange}>
      ${(Object.keys(TREND_RANGES) as TrendRange[]).map(
        (r) =>
          html`<button
            type="button"
            class="toggle small"
            aria-pressed=${r === range ? 'true' : 'false'}
            title=${labelOf(r)}
            @click=${() => onRange(r)}
          >
            ${t.s[RANGE_KEYS[r].short] as string}
          </button>`,
      )}
    </span>
  </div>`;
}
