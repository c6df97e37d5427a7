/** The toolbar badge: the active count of one workspace, coloured by plan usage. */
import { planLevel, type PlanLevel } from '../model/plan.js';
import { displayText } from './display.js';

export interface Badge {
  /** At most four characters, as toolbars show them. */
  text: string;
  /** CSS colour of the badge background. */
  color: string;
  /** The toolbar button's tooltip: the whole story in words. */
  title: string;
}

/** Badge colours with white text at 4.5:1 or better. */
export const BADGE_COLORS: Record<PlanLevel | 'none' | 'failed', string> = {
  none: '#3b5bdb',
  ok: '#2b8a3e',
  warning: '#b35c00',
  error: '#c92a2a',
  failed: '#495057',
};

/** A count in at most four characters: `987`, `9999`, `12k`, `1.2M`. */
export function badgeCount(count: number): string {
  if (count < 10_000) return String(count);
  if (count < 1_000_000) return `${Math.floor(count / 1000)}k`;
  const millions = count / 1_000_000;
  return millions < 10 ? `${Math.floor(millions * 10) / 10}M` : `${Math.floor(millions)}M`;
}

/** What the badge shows after a poll of `label` found `count` sessions, or failed with `error`. */
export function badgeFor(
  label: string,
  result: { count: number } | { error: string },
  planLimit?: number,
): Badge {
  if ('error' in result) {
    // The broker's words may be in the error: escaped and shortened (src/watch/display.ts).
    return {
      text: '!',
      color: BADGE_COLORS.failed,
      title: `${displayText(label)}: ${displayText(result.error)}`,
    };
  }
  const { count } = result;
  const noun = `active session${count === 1 ? '' : 's'}`;
  if (planLimit === undefined || planLimit <= 0) {
    return {
      text: badgeCount(count),
      color: BADGE_COLORS.none,
      title: `${label}: ${count} ${noun}`,
    };
  }
  const level = planLevel(count, planLimit);
  const percent = Math.round((count / planLimit) * 100);
  return {
    text: badgeCount(count),
    color: BADGE_COLORS[level],
    title: `${label}: ${count} ${noun}, ${percent}% of the plan's ${planLimit}`,
  };
}
