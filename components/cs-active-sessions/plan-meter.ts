import { html, type TemplateResult } from 'lit';
import { planLevel } from '../../src/model/plan.js';
import { EN_TEXTS, type Texts } from './strings.js';

/**
 * `Plan usage`: active sessions against the plan's limit, as the seed shows it
 * (`47 / 100 (47%)`). Above the limit it keeps the real figures, in the error style.
 */
export function renderPlanMeter(
  active: number,
  limit: number,
  t: Texts = EN_TEXTS,
): TemplateResult {
  const ratio = active / limit;
  const percent = Math.round(ratio * 100);
  const level = planLevel(active, limit);
  const text = t.s.planText(t.num(active), t.num(limit), t.percent(percent / 100));
  return html`<div
    class="plan ${level}"
    part="plan-usage"
    role="meter"
    aria-label=${t.s.planUsage}
    aria-valuemin="0"
    aria-valuemax=${limit}
    aria-valuenow=${active}
    aria-valuetext=${level === 'error' ? t.s.planOver(text) : level === 'warning' ? t.s.planNear(text) : text}
  >
    <span class="plan-bar" aria-hidden="true"
      ><span class="plan-fill" style="width: ${Math.min(100, percent)}%"></span
    ></span>
    <span class="plan-text">${text}</span>
  </div>`;
}
