/**
 * How an alert rule reads, by message id and values (for translation) or in English: for the
 * rules panel, which needs none of the evaluation in rules.ts (loaded only once there are rules).
 */
import { englishAlert, type AlertText } from './messages.js';
import type { AlertRule } from './rules.js';

/** A rule's description by message id and values, for translation. */
export function ruleText(rule: AlertRule): AlertText {
  const workspace = rule.workspace;
  switch (rule.kind) {
    case 'count-below':
      return { id: 'ruleCountBelow', values: { workspace, threshold: rule.threshold } };
    case 'sudden-drop':
      return {
        id: 'ruleSuddenDrop',
        values: { workspace, percent: rule.percent, minutes: rule.minutes },
      };
    case 'spike':
      return {
        id: 'ruleSpike',
        values: { workspace, connections: rule.connections, minutes: rule.minutes },
      };
    case 'reconnect-storm':
      return {
        id: 'ruleReconnectStorm',
        values: {
          workspace,
          clients: rule.clients,
          reconnects: rule.reconnects,
          minutes: rule.minutes,
        },
      };
    case 'unexpected-network':
      return rule.allowed.length
        ? { id: 'ruleOutsideNetworks', values: { workspace, allowed: rule.allowed.join(', ') } }
        : {
            id: 'ruleNewAddresses',
            values: { workspace, learningMinutes: rule.learningMinutes },
          };
    case 'critical-disconnect':
      return { id: 'ruleCriticalDisconnect', values: { clients: rule.clients.join(', ') } };
  }
}

/** A rule in one line of English. */
export function describeRule(rule: AlertRule): string {
  return englishAlert(ruleText(rule));
}
