/** Browser tests' side of the hardening report (see hardening-report.ts). */
import { executeServerCommand } from '@web/test-runner-commands';
import type { HardeningFigures } from './hardening-report.js';

export function hardening(suite: string, figures: HardeningFigures): Promise<unknown> {
  return executeServerCommand('hardening-record', { suite, ...figures });
}
