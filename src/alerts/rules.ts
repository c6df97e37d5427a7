/**
 * Alert rules (plain data) and their evaluation: a pure function from rules, the previous state
 * and one observation (a poll's snapshot or a live event) to the new state and the alerts to
 * raise. Pure, so the element and the extension's background worker run the same code, and the
 * state is plain data that can be stored.
 *
 * Hysteresis: a condition raises one alert when it starts to hold; it must then stop holding
 * with a margin (and stay stopped for the cooldown) before it can raise another, so one
 * flapping client or a count hovering at a threshold does not raise a hundred alerts.
 */
import type { MessageValues } from '../sources/messages.js';
import { englishAlert, type AlertMessageId, type AlertText } from './messages.js';
import { ipMatches, parseIpPattern } from '../model/ip-match.js';
import { badNetwork } from './rule-text.js';

// How rules read (for the rules panel), apart so the panel needs none of the evaluation.
export { describeRule, ruleText } from './rule-text.js';

interface RuleBase {
  id: string;
  /** Limit the rule to one workspace; all sessions when unset. */
  workspace?: string;
}

/** The kinds of rule, from the seed's "Monitor key metrics" and "Set up alerts". */
export type AlertRule =
  | (RuleBase & { kind: 'count-below'; threshold: number })
  | (RuleBase & { kind: 'sudden-drop'; percent: number; minutes: number })
  | (RuleBase & { kind: 'spike'; connections: number; minutes: number })
  | (RuleBase & { kind: 'reconnect-storm'; clients: number; reconnects: number; minutes: number })
  | (RuleBase & {
      kind: 'unexpected-network';
      /** CIDRs or addresses where clients may connect from (IPv4 and IPv6); empty: learn. */
      allowed: string[];
      /** With no allowed list: addresses seen in this first period are the known ones. */
      learningMinutes: number;
    })
  | (RuleBase & {
      kind: 'critical-disconnect';
      /** Client IDs, or patterns with `*` (`pump-*`). */
      clients: string[];
    });

export type AlertKind = AlertRule['kind'];

/** A raised alert. */
export interface Alert {
  id: string;
  ruleId: string;
  kind: AlertKind;
  at: number;
  workspace: string | undefined;
  /** Client IDs involved, when the alert is about particular sessions. */
  clientIds: string[];
  /** One line a person can act on (English). */
  message: string;
  /** The same line by message id and values, for translation (`ALERT_MESSAGES_EN`). */
  text?: AlertText;
}

/** What a rule needs to know of a session. */
export interface ObservedSession {
  clientId: string;
  workspace?: string;
  ip?: string;
  connectedAt?: number;
}

export type Observation =
  | { kind: 'snapshot'; at: number; sessions: readonly ObservedSession[] }
  | {
      kind: 'connected' | 'disconnected';
      at: number;
      session: ObservedSession;
    };

/** Plain-data state carried from one evaluation to the next (storable as JSON). */
export interface AlertState {
  /** Per condition key: when it started holding (an alert was raised) or last stopped. */
  conditions: Record<string, { firing: boolean; since: number }>;
  /** Recent counts per sudden-drop rule. */
  counts: Record<string, { at: number; count: number }[]>;
  /** Recent connections (client ID, time, workspace) seen as new, for spikes and storms. */
  connections: { clientId: string; at: number; workspace?: string }[];
  /** Sessions present, by workspace and client ID, with their connected-at. */
  present: Record<string, number | null>;
  /** Whether a snapshot has been seen (the first one only sets the baseline). */
  baseline: boolean;
  /** When each learning rule started learning. */
  learningSince: Record<string, number>;
  /** Addresses seen, for unexpected networks without an allowed list. */
  knownIps: Record<string, number>;
  /** When the first observation arrived (start of learning). */
  startedAt: number | undefined;
  counter: number;
}

export const COOLDOWN_MS = 5 * 60_000;
const MINUTE = 60_000;

export function initialAlertState(): AlertState {
  return {
    conditions: {},
    counts: {},
    connections: [],
    present: {},
    baseline: false,
    learningSince: {},
    knownIps: {},
    startedAt: undefined,
    counter: 0,
  };
}

const inWorkspace = (rule: AlertRule, s: ObservedSession) =>
  rule.workspace === undefined || s.workspace === rule.workspace;

/** A session's identity across observations: its workspace and client ID. */
const presentKey = (s: ObservedSession) => `${s.workspace ?? ''}\u0000${s.clientId}`;

function matchesPattern(clientId: string, pattern: string): boolean {
  if (!pattern.includes('*')) return clientId === pattern;
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    // `s`: a client ID may hold line breaks, which `.` alone would not match.
    's',
  );
  return re.test(clientId);
}

export interface EvaluateOptions {
  /**
   * How a client ID is written into an alert's message (the ID itself by default); the
   * extension's background isolates and escapes it for notifications (`src/watch/display.ts`).
   * `clientIds` always hold the IDs exactly.
   */
  clientIdText?: (clientId: string) => string;
}

/**
 * Applies one observation. Returns the next state (the input is not changed) and the alerts
 * that the observation raised.
 */
export function evaluateAlerts(
  rules: readonly AlertRule[],
  previous: AlertState,
  observation: Observation,
  options: EvaluateOptions = {},
): { state: AlertState; alerts: Alert[] } {
  const idText = options.clientIdText ?? ((id: string) => id);
  const state: AlertState = structuredClone(previous);
  const now = observation.at;
  state.startedAt ??= now;
  const alerts: Alert[] = [];

  /** Raises an alert on a rising edge only; `clear` needs a margin, and a cooldown must pass. */
  const condition = (key: string, holds: boolean, clearsWithMargin: boolean) => {
    const c = state.conditions[key];
    if (holds) {
      if (c?.firing) return false;
      if (c && !c.firing && now - c.since < COOLDOWN_MS) return false;
      state.conditions[key] = { firing: true, since: now };
      return true;
    }
    if (c?.firing && clearsWithMargin) state.conditions[key] = { firing: false, since: now };
    return false;
  };
  const raise = (
    rule: AlertRule,
    clientIds: string[],
    id: AlertMessageId,
    values: MessageValues,
  ) => {
    const text = { id, values: { workspace: rule.workspace, ...values } };
    const message = englishAlert(text);
    state.counter++;
    alerts.push({
      id: `${rule.id}-${now}-${state.counter}`,
      ruleId: rule.id,
      kind: rule.kind,
      at: now,
      workspace: rule.workspace,
      clientIds,
      message,
      text,
    });
  };

  // What changed: new connections and disconnects, from a snapshot or an event.
  const connected: ObservedSession[] = [];
  const disconnected: ObservedSession[] = [];
  if (observation.kind === 'snapshot') {
    const next: Record<string, number | null> = {};
    const firstSnapshot = !previous.baseline;
    const seen = new Set<string>();
    for (const s of observation.sessions) {
      const key = presentKey(s);
      seen.add(key);
      next[key] = s.connectedAt ?? null;
      const before = previous.present[key];
      if (firstSnapshot) continue;
      if (before === undefined) connected.push(s);
      else if (s.connectedAt !== undefined && before !== s.connectedAt) {
        // Reconnected between two polls: it was gone, and it is back.
        disconnected.push(s);
        connected.push(s);
      }
    }
    if (!firstSnapshot) {
      for (const key of Object.keys(previous.present)) {
        if (!seen.has(key)) {
          const [workspace, ...rest] = key.split('\u0000');
          disconnected.push({ clientId: rest.join('\u0000'), workspace: workspace || undefined });
        }
      }
    }
    state.present = next;
    state.baseline = true;
  } else if (observation.kind === 'connected') {
    connected.push(observation.session);
    state.present[presentKey(observation.session)] = observation.session.connectedAt ?? null;
  } else {
    const key = presentKey(observation.session);
    const current = state.present[key];
    const at = observation.session.connectedAt;
    // A late event about an older connection, after the newer one's: not a disconnect.
    if (!(current !== undefined && current !== null && at !== undefined && current > at)) {
      disconnected.push(observation.session);
      delete state.present[key];
    }
  }
  for (const s of connected)
    state.connections.push({ clientId: s.clientId, at: now, workspace: s.workspace });
  const longest = Math.max(10, ...rules.map((r) => ('minutes' in r ? r.minutes : 0))) * MINUTE;
  state.connections = state.connections.filter((c) => c.at > now - longest);

  for (const rule of rules) {
    switch (rule.kind) {
      case 'count-below':
      case 'sudden-drop': {
        if (observation.kind !== 'snapshot') break;
        const count = observation.sessions.filter((s) => inWorkspace(rule, s)).length;
        if (rule.kind === 'count-below') {
          // Clears only once the count is back above the threshold by a margin.
          const margin = Math.max(1, Math.ceil(rule.threshold * 0.05));
          if (condition(rule.id, count < rule.threshold, count >= rule.threshold + margin)) {
            raise(rule, [], 'countBelow', { count, threshold: rule.threshold });
          }
        } else {
          const series = (state.counts[rule.id] ?? []).filter(
            (c) => c.at >= now - rule.minutes * MINUTE,
          );
          const peak = Math.max(count, ...series.map((c) => c.count));
          const dropped = peak > 0 ? ((peak - count) / peak) * 100 : 0;
          if (condition(rule.id, dropped > rule.percent, dropped < rule.percent / 2)) {
            raise(rule, [], 'suddenDrop', {
              percent: Math.round(dropped),
              minutes: rule.minutes,
              peak,
              count,
            });
          }
        }
        break;
      }
      case 'spike': {
        const recent = state.connections.filter(
          (c) =>
            c.at > now - rule.minutes * MINUTE &&
            (rule.workspace === undefined || c.workspace === rule.workspace),
        );
        if (
          condition(
            rule.id,
            recent.length > rule.connections,
            recent.length <= rule.connections / 2,
          )
        ) {
          raise(rule, [...new Set(recent.map((c) => c.clientId))].slice(0, 50), 'spike', {
            count: recent.length,
            minutes: rule.minutes,
            limit: rule.connections,
          });
        }
        break;
      }
      case 'reconnect-storm': {
        const recent = state.connections.filter(
          (c) =>
            c.at > now - rule.minutes * MINUTE &&
            (rule.workspace === undefined || c.workspace === rule.workspace),
        );
        const perClient = new Map<string, number>();
        for (const c of recent) perClient.set(c.clientId, (perClient.get(c.clientId) ?? 0) + 1);
        const repeaters = [...perClient].filter(([, n]) => n >= rule.reconnects).map(([id]) => id);
        if (
          condition(
            rule.id,
            repeaters.length >= rule.clients,
            repeaters.length < Math.max(1, rule.clients / 2),
          )
        ) {
          raise(rule, repeaters.slice(0, 50), 'reconnectStorm', {
            count: repeaters.length,
            reconnects: rule.reconnects,
            minutes: rule.minutes,
          });
        }
        break;
      }
      case 'unexpected-network': {
        // A mistyped network is not left out: the rule would then flag the clients of the
        // network meant to be allowed. Such a rule is not checked (see `badAllowedNetwork`).
        if (badAllowedNetwork(rule) !== undefined) break;
        const allowed = rule.allowed.map(parseIpPattern);
        // Each rule learns from when it first runs (a rule added later learns then).
        const since = (state.learningSince[rule.id] ??= now);
        const learning = allowed.length === 0 && now - since < rule.learningMinutes * MINUTE;
        const candidates =
          observation.kind === 'snapshot' && learning ? observation.sessions : connected;
        for (const s of candidates) {
          if (!s.ip || !inWorkspace(rule, s)) continue;
          const seen = s.ip in state.knownIps;
          let unexpected: AlertMessageId | undefined;
          if (allowed.length) {
            if (!ipMatches(s.ip, allowed)) unexpected = 'outsideNetworks';
          } else if (!learning && !seen) {
            unexpected = 'newAddress';
          }
          if (learning) state.knownIps[s.ip] = now;
          if (!unexpected) continue;
          // One alert per address and cooldown, however often that client reconnects.
          if (condition(`${rule.id}\u0000${s.ip}`, true, false)) {
            raise(rule, [s.clientId], unexpected, {
              client: idText(s.clientId),
              ip: s.ip,
              allowed: rule.allowed.join(', '),
            });
          }
          state.knownIps[s.ip] ??= now;
        }
        // An address quiet for the cooldown may alert again later.
        for (const key of Object.keys(state.conditions)) {
          if (key.startsWith(`${rule.id}\u0000`)) {
            const c = state.conditions[key]!;
            if (c.firing && now - c.since > COOLDOWN_MS)
              state.conditions[key] = { firing: false, since: now };
          }
        }
        break;
      }
      case 'critical-disconnect': {
        for (const s of disconnected) {
          if (!inWorkspace(rule, s) || !rule.clients.some((p) => matchesPattern(s.clientId, p))) {
            continue;
          }
          const key = `${rule.id}\u0000${s.clientId}`;
          if (condition(key, true, false)) {
            raise(rule, [s.clientId], 'criticalDisconnect', { client: idText(s.clientId) });
          }
        }
        for (const s of connected) {
          // Back again: the next disconnect alerts, once the cooldown has passed.
          const key = `${rule.id}\u0000${s.clientId}`;
          const c = state.conditions[key];
          if (c?.firing) state.conditions[key] = { firing: false, since: c.since };
        }
        break;
      }
    }
  }

  if (observation.kind === 'snapshot') {
    for (const rule of rules) {
      if (rule.kind !== 'sudden-drop') continue;
      const count = observation.sessions.filter((s) => inWorkspace(rule, s)).length;
      const series = [...(state.counts[rule.id] ?? []), { at: now, count }];
      state.counts[rule.id] = series.filter((c) => c.at > now - rule.minutes * MINUTE);
    }
  }
  return { state, alerts };
}

/**
 * The first allowed network of an `unexpected-network` rule that is not an IP address or CIDR
 * range, or undefined. Such a rule is not checked; the element says so.
 */
export function badAllowedNetwork(rule: AlertRule): string | undefined {
  return badNetwork(rule, parseIpPattern);
}
