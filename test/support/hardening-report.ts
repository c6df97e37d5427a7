/**
 * The evidence `npm test` prints just before its closing line: how many hostile strings were
 * tried, faults injected, sessions checked, and operator actions lost (which must be 0).
 *
 * Node tests call `recordHardening` directly; browser tests call `hardening` (hardening.ts),
 * which reaches `hardeningPlugin` here through a test-runner command. Each figure is appended
 * as a JSON line to the file named by `CS_HARDENING_REPORT`; scripts/test.mjs sums them. Outside
 * `npm test` nothing is written.
 */
import { appendFileSync } from 'node:fs';
import type { TestRunnerPlugin } from '@web/test-runner';

export interface HardeningFigures {
  /** Hostile strings put through a path (each string once per path). */
  strings?: number;
  /** Faults injected (an error status, a timeout, a restart, a dropped feed, ...). */
  faults?: number;
  /** Sessions whose display, export or state was checked. */
  sessions?: number;
  /** Operator actions whose outcome was not known in the end: must stay 0. */
  actionsLost?: number;
}

export function recordHardening(suite: string, figures: HardeningFigures): void {
  const file = process.env['CS_HARDENING_REPORT'];
  if (!file) return;
  appendFileSync(file, `${JSON.stringify({ suite, ...figures })}\n`);
}

export function hardeningPlugin(): TestRunnerPlugin {
  return {
    name: 'hardening-report',
    async executeCommand({ command, payload }) {
      if (command !== 'hardening-record') return undefined;
      const { suite, ...figures } = payload as { suite: string } & HardeningFigures;
      recordHardening(suite, figures);
      return true;
    },
  };
}
