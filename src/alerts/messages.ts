/**
 * Every text the alert rules write, with English defaults, in one place: the alerts they raise
 * and the description of each rule. An alert keeps the id of its message and its values, so the
 * element can say it in the language of its `strings` (`alertMessages`). Values (counts, a
 * workspace, a client ID, an address) stay as they are in every language.
 */
import type { MessageValues } from '../sources/messages.js';

const inWorkspace = (v: MessageValues) =>
  v['workspace'] === undefined ? '' : ` in ${v['workspace']}`;

export const ALERT_MESSAGES_EN = {
  countBelow: (v: MessageValues) =>
    `Active sessions${inWorkspace(v)} fell to ${v['count']}, below ${v['threshold']}.`,
  suddenDrop: (v: MessageValues) =>
    `Active sessions${inWorkspace(v)} dropped ${v['percent']}% within ${v['minutes']} min (from ${v['peak']} to ${v['count']}).`,
  spike: (v: MessageValues) =>
    `${v['count']} new connections${inWorkspace(v)} within ${v['minutes']} min (more than ${v['limit']}): a reconnection storm?`,
  reconnectStorm: (v: MessageValues) =>
    `${v['count']} clients reconnected ${v['reconnects']} or more times within ${v['minutes']} min.`,
  outsideNetworks: (v: MessageValues) =>
    `${v['client']} connected from ${v['ip']}, outside the allowed networks (${v['allowed']}).`,
  newAddress: (v: MessageValues) =>
    `${v['client']} connected from ${v['ip']}, from an address never seen before.`,
  criticalDisconnect: (v: MessageValues) => `Critical client ${v['client']} disconnected.`,
  ruleCountBelow: (v: MessageValues) => `Active sessions${inWorkspace(v)} below ${v['threshold']}`,
  ruleSuddenDrop: (v: MessageValues) =>
    `Active sessions${inWorkspace(v)} drop by more than ${v['percent']}% within ${v['minutes']} min`,
  ruleSpike: (v: MessageValues) =>
    `More than ${v['connections']} new connections${inWorkspace(v)} within ${v['minutes']} min`,
  ruleReconnectStorm: (v: MessageValues) =>
    `${v['clients']} or more clients${inWorkspace(v)} reconnect ${v['reconnects']} times within ${v['minutes']} min`,
  ruleOutsideNetworks: (v: MessageValues) =>
    `Connections${inWorkspace(v)} from outside ${v['allowed']}`,
  ruleNewAddresses: (v: MessageValues) =>
    `Connections${inWorkspace(v)} from new addresses after ${v['learningMinutes']} min of learning`,
  ruleCriticalDisconnect: (v: MessageValues) => `Critical clients disconnect: ${v['clients']}`,
} satisfies Record<string, (v: MessageValues) => string>;

export type AlertMessageId = keyof typeof ALERT_MESSAGES_EN;
export type AlertMessages = Record<AlertMessageId, (v: MessageValues) => string>;

/** An alert text by id, and the values it was made from. */
export interface AlertText {
  id: AlertMessageId;
  values: MessageValues;
}

export const englishAlert = (text: AlertText): string => ALERT_MESSAGES_EN[text.id](text.values);
