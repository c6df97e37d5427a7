/** The dev broker's ban list, shaped like EMQX v5's `/api/v5/banned`. */

export type BanKind = 'clientid' | 'username' | 'peerhost';

export interface Ban {
  as: BanKind;
  who: string;
  by: string;
  reason: string;
  /** Epoch ms. */
  at: number;
  /** Epoch ms. */
  until: number;
}

export class BanList {
  readonly #bans = new Map<string, Ban>();

  static key(as: BanKind, who: string): string {
    return `${as}\u0000${who}`;
  }

  /** Bans still in force, oldest first; expired ones are forgotten. */
  active(now = Date.now()): Ban[] {
    for (const [key, ban] of this.#bans) if (ban.until <= now) this.#bans.delete(key);
    return [...this.#bans.values()];
  }

  /** Adds a ban; false when one for the same `as`/`who` is already in force. */
  add(ban: Ban, now = Date.now()): boolean {
    const key = BanList.key(ban.as, ban.who);
    const existing = this.#bans.get(key);
    if (existing && existing.until > now) return false;
    this.#bans.set(key, ban);
    return true;
  }

  remove(as: BanKind, who: string): boolean {
    return this.#bans.delete(BanList.key(as, who));
  }

  clear(): void {
    this.#bans.clear();
  }

  /** Whether a connecting client is banned by client ID, username or address. */
  isBanned(c: { clientId: string; username?: string; ip?: string }, now = Date.now()): boolean {
    const hit = (as: BanKind, who: string | undefined) => {
      if (who === undefined) return false;
      const ban = this.#bans.get(BanList.key(as, who));
      return ban !== undefined && ban.until > now;
    };
    return hit('clientid', c.clientId) || hit('username', c.username) || hit('peerhost', c.ip);
  }
}
