import { html, type TemplateResult } from 'lit';

/** Share of the plan from which the meter warns, and from which it shows an error. */
export const PLAN_WARNING = 0.8;
export const PLAN_ERROR = 1;

/**
 * `Plan usage`: active sessions against the plan's limit, as the seed shows it
 * (`47 / 100 (47%)`). Above the limit it keeps the real figures, in the error style.
 */
export function renderPlanMeter(active: number, limit: number): TemplateResult {
  const ratio = active / limit;
  const percent = Math.round(ratio * 100);
  const level = ratio >= PLAN_ERROR ? 'error' : ratio >= PLAN_WARNING ? 'warning' : 'ok';
  const text = `${active.toLocaleString('en-US')} / ${limit.toLocaleString('en-US')} (${percent}%)`;
  return html`<div
    class="plan ${level}"
    part="plan-usage"
    role="meter"
    aria-label="Plan usage"
    aria-valuemin="0"
    aria-valuemax=${limit}
    aria-valuenow=${active}
    aria-valuetext=${`${text}${level === 'error' ? ', at or over the plan limit' : level === 'warning' ? ', near the plan limit' : ''}`}
  >
    <span class="plan-bar" aria-hidden="true"
      ><span class="plan-fill" style="width: ${Math.min(100, percent)}%"></span
    ></span>
    <span class="plan-text">${text}</span>
  </div>`;
}
