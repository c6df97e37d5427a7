/**
 * How an alert rule reads, by message id and values (for translation) or in English, and whether
 * its allowed networks read as networks: for the rules panel, which needs none of the evaluation
 * in rules.ts (loaded only once there are rules).
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

/**
 * The first allowed network of an `unexpected-network` rule that is no IP address or CIDR range,
 * or undefined. `parse` is ip-match.ts's, passed in so this module does not load IP matching
 * (the panel has it from ip-filter.ts; rules.ts's `badAllowedNetwork` passes its own). Such a
 * rule is not checked: left out, the entry would make the rule flag the network meant.
 */
export function badNetwork(
  rule: AlertRule,
  parse: (text: string) => { ok: boolean },
): string | undefined {
  return rule.kind === 'unexpected-network'
    ? rule.allowed.find((text) => !parse(text).ok)
    : undefined;
}
