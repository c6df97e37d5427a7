/** Plan usage: how close the active sessions are to the plan's limit. */

/** Share of the plan from which usage warns, and from which it is an error. */
export const PLAN_WARNING = 0.8;
export const PLAN_ERROR = 1;

export type PlanLevel = 'ok' | 'warning' | 'error';

/** The level of `active` sessions against a plan of `limit`. */
export function planLevel(active: number, limit: number): PlanLevel {
  const ratio = active / limit;
  return ratio >= PLAN_ERROR ? 'error' : ratio >= PLAN_WARNING ? 'warning' : 'ok';
}
