import type { Session } from './session.js';

/**
 * The single place that knows the current sessions. A poll replaces the contents (a snapshot);
 * an action or a live event patches it. Each change makes a new `sessions` array, so a renderer
 * can compare by identity.
 */
/** Whether two versions of a session hold the same values (every field is a primitive). */
export function sameSession(a: Session, b: Session): boolean {
  if (a === b) return true;
  // Called for every session on every poll: no key arrays allocated.
  let count = 0;
  for (const k in a) {
    count++;
    if (!Object.is(a[k as keyof Session], b[k as keyof Session])) return false;
  }
  for (const _ in b) count--;
  return count === 0;
}

export class SessionStore {
  #sessions: readonly Session[] = [];
  #byKey = new Map<string, Session>();
  #updatedAt: number | undefined;

  /** Current sessions, in the order the broker listed them. */
  get sessions(): readonly Session[] {
    return this.#sessions;
  }

  /** When the last snapshot arrived (epoch ms), or undefined before the first. */
  get updatedAt(): number | undefined {
    return this.#updatedAt;
  }

  /** Whether a snapshot has ever arrived (an empty one counts). */
  get loaded(): boolean {
    return this.#updatedAt !== undefined;
  }

  get(key: string): Session | undefined {
    return this.#byKey.get(key);
  }

  /**
   * Replaces everything with a fresh snapshot, merged by key: a session that did not change
   * keeps its object, so what was computed from it (search keys, rendered rows) still holds.
   * A key listed twice keeps its first entry.
   */
  replace(sessions: readonly Session[], at: number = Date.now()): void {
    const byKey = new Map<string, Session>();
    const list: Session[] = [];
    const before = this.#byKey;
    for (const fresh of sessions) {
      if (byKey.has(fresh.key)) continue;
      const old = before.get(fresh.key);
      const s = old !== undefined && sameSession(old, fresh) ? old : fresh;
      byKey.set(s.key, s);
      list.push(s);
    }
    this.#byKey = byKey;
    this.#sessions = list;
    this.#updatedAt = at;
  }

  /** Puts one session in (new or updated), keeping list order for an existing key. */
  upsert(session: Session): void {
    const had = this.#byKey.has(session.key);
    this.#byKey.set(session.key, session);
    this.#sessions = had
      ? this.#sessions.map((s) => (s.key === session.key ? session : s))
      : [...this.#sessions, session];
  }

  /** Puts many sessions in and takes others out, in one pass over the list. */
  patch(upserts: readonly Session[], removes: ReadonlySet<string>): void {
    const added: Session[] = [];
    for (const s of upserts) {
      if (!this.#byKey.has(s.key)) added.push(s);
      this.#byKey.set(s.key, s);
    }
    for (const key of removes) this.#byKey.delete(key);
    const list: Session[] = [];
    for (const s of this.#sessions) {
      const now = this.#byKey.get(s.key);
      if (now) list.push(now);
    }
    this.#sessions = [...list, ...added];
  }

  /** Removes a session; returns whether it was there. */
  remove(key: string): boolean {
    if (!this.#byKey.delete(key)) return false;
    this.#sessions = this.#sessions.filter((s) => s.key !== key);
    return true;
  }
}
