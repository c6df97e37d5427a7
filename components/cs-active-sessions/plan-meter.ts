import { html, type TemplateResult } from 'lit';
import { planLevel } from '../../src/model/plan.js';

/**
 * `Plan usage`: active sessions against the plan's limit, as the seed shows it
 * (`47 / 100 (47%)`). Above the limit it keeps the real figures, in the error style.
 */
export function renderPlanMeter(active: number, limit: number): TemplateResult {
  const ratio = active / limit;
  const percent = Math.round(ratio * 100);
  const level = planLevel(active, limit);
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
