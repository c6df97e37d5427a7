import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { importAlertEngine, type AlertEngine } from '../../src/alerts/load-rules.js';
import type { Alert, AlertRule, AlertState, Observation } from '../../src/alerts/rules.js';
import type { ListedAlert, StoredAlerts } from '../../src/storage/db.js';

/** Alerts kept in the list; older ones drop off. */
const LIST_MAX = 200;
/**
 * Observations kept while the evaluation loads, in order: all of them while it loads as it should
 * (a few), and while it cannot load, the newest snapshots (each a copy of every session) and live
 * events up to these numbers.
 */
const WAITING_SNAPSHOTS = 5;
const WAITING_EVENTS = 100;

/**
 * Evaluates the alert rules on every snapshot and live event (the pure code in `src/alerts`,
 * which the extension's background worker runs too), keeps the alert list with
 * acknowledgements, and stores rules, state and list through the element's storage.
 *
 * The evaluation loads with the first observation there are rules for (load-rules.ts): a page
 * without rules never loads it. Observations made meanwhile wait and are evaluated in order.
 */
export class AlertsController implements ReactiveController {
  /** Rules in force: the page's (`alertRules`) or the stored ones. */
  rules: AlertRule[] = [];
  /** Newest first. */
  list: ListedAlert[] = [];
  /** Whether the page set the rules (then the rules panel edits a copy it does not store). */
  rulesFromPage = false;
  /** Why rules are not evaluated: their code could not be loaded (tried again with the next observation). */
  notice: string | undefined;

  readonly #host: ReactiveControllerHost;
  readonly #onAlert: (alert: Alert) => void;
  readonly #save: (data: StoredAlerts) => Promise<void>;
  /** Undefined until the first evaluation or a stored state. */
  #state: AlertState | undefined;
  #engine: AlertEngine | undefined;
  #loading = false;
  #waiting: Observation[] = [];
  /** The stored rules, kept while the page's rules are in force. */
  #storedRules: AlertRule[] | undefined;
  /** The rules `unchecked` was worked out for, and what it found. */
  #checked:
    { rules: AlertRule[]; found: { rule: AlertRule; entry: string } | undefined } | undefined;
  #observed = false;
  #saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    host: ReactiveControllerHost,
    onAlert: (alert: Alert) => void,
    save: (data: StoredAlerts) => Promise<void>,
  ) {
    this.#host = host;
    this.#onAlert = onAlert;
    this.#save = save;
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.flush();
  }

  /** Saves now what waits to be saved (the host calls this before its storage closes). */
  flush(): void {
    if (this.#saveTimer) {
      clearTimeout(this.#saveTimer);
      this.#saveTimer = undefined;
      void this.#persist();
    }
  }

  /** Puts back what storage remembered; page-set rules win over stored ones. */
  restore(stored: StoredAlerts): void {
    this.#storedRules = stored.rules;
    if (!this.rulesFromPage && stored.rules) this.rules = stored.rules;
    // Storage may answer after the first observations: their state stays, their alerts join.
    if (stored.state && !this.#observed) this.#state = stored.state;
    if (stored.list) {
      const ids = new Set(this.list.map((a) => a.id));
      this.list = [...this.list, ...stored.list.filter((a) => !ids.has(a.id))].slice(0, LIST_MAX);
    }
    this.#host.requestUpdate();
  }

  /** Rules set by the page (the `alertRules` property). */
  setPageRules(rules: AlertRule[] | undefined): void {
    this.rulesFromPage = rules !== undefined;
    this.rules = rules ?? this.#storedRules ?? [];
    this.#host.requestUpdate();
  }

  /** Rules edited in the panel. */
  setRules(rules: AlertRule[]): void {
    this.rules = rules;
    this.#scheduleSave();
    this.#host.requestUpdate();
  }

  /**
   * A rule that is not checked because an allowed network in it is not one (a page's rules are
   * not checked as the form's are), and that entry; known once the evaluation has loaded.
   * Worked out once per list of rules.
   */
  get unchecked(): { rule: AlertRule; entry: string } | undefined {
    const engine = this.#engine;
    if (!engine) return undefined;
    if (this.#checked?.rules !== this.rules) {
      let found: { rule: AlertRule; entry: string } | undefined;
      for (const rule of this.rules) {
        const entry = engine.badAllowedNetwork(rule);
        if (entry !== undefined) {
          found = { rule, entry };
          break;
        }
      }
      this.#checked = { rules: this.rules, found };
    }
    return this.#checked.found;
  }

  observe(observation: Observation): void {
    if (this.rules.length === 0) return;
    if (this.#engine) {
      this.#evaluate(this.#engine, observation);
      return;
    }
    const waiting = this.#waiting;
    waiting.push(observation);
    const snapshot = observation.kind === 'snapshot';
    let count = 0;
    for (const o of waiting) if ((o.kind === 'snapshot') === snapshot) count++;
    if (count > (snapshot ? WAITING_SNAPSHOTS : WAITING_EVENTS)) {
      waiting.splice(
        waiting.findIndex((o) => (o.kind === 'snapshot') === snapshot),
        1,
      );
    }
    this.#load();
  }

  #load(): void {
    if (this.#loading) return;
    this.#loading = true;
    importAlertEngine().then(
      (engine) => {
        this.#loading = false;
        this.#engine = engine;
        this.notice = undefined;
        const waiting = this.#waiting;
        this.#waiting = [];
        for (const observation of waiting) this.#evaluate(engine, observation);
        this.#host.requestUpdate();
      },
      (error: unknown) => {
        this.#loading = false;
        this.notice = error instanceof Error ? error.message : String(error);
        this.#host.requestUpdate();
      },
    );
  }

  #evaluate(engine: AlertEngine, observation: Observation): void {
    this.#observed = true;
    const { state, alerts } = engine.evaluateAlerts(
      this.rules,
      this.#state ?? engine.initialAlertState(),
      observation,
    );
    this.#state = state;
    if (alerts.length) {
      this.list = [
        ...alerts.map((a) => ({ ...a, acknowledged: false })).reverse(),
        ...this.list,
      ].slice(0, LIST_MAX);
      for (const a of alerts) this.#onAlert(a);
      this.#host.requestUpdate();
    }
    this.#scheduleSave();
  }

  acknowledge(id?: string): void {
    this.list = this.list.map((a) =>
      id === undefined || a.id === id ? { ...a, acknowledged: true } : a,
    );
    this.#scheduleSave();
    this.#host.requestUpdate();
  }

  get unacknowledged(): number {
    return this.list.filter((a) => !a.acknowledged).length;
  }

  #scheduleSave(): void {
    clearTimeout(this.#saveTimer);
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = undefined;
      void this.#persist();
    }, 500);
  }

  #persist(): Promise<void> {
    return this.#save({
      rules: this.rulesFromPage ? this.#storedRules : this.rules,
      ...(this.#state && { state: this.#state }),
      list: this.list,
    });
  }
}
