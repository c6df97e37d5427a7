/**
 * Row selection keyed by session key (not by position, which changes with every refresh, sort
 * and filter), with a Shift-click anchor.
 */
export class Selection {
  #keys = new Set<string>();
  #anchor: string | undefined;

  get size(): number {
    return this.#keys.size;
  }

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  keys(): string[] {
    return [...this.#keys];
  }

  /** Toggles one row and makes it the anchor of the next Shift-click. */
  toggle(key: string, selected = !this.#keys.has(key)): void {
    if (selected) this.#keys.add(key);
    else this.#keys.delete(key);
    this.#anchor = key;
  }

  /**
   * Shift-click: sets every row between the anchor and this one (in the order on screen) to
   * the clicked row's new state. Without an anchor on screen it is a plain toggle.
   */
  toggleRange(orderedKeys: readonly string[], key: string): void {
    const to = orderedKeys.indexOf(key);
    const from = this.#anchor === undefined ? -1 : orderedKeys.indexOf(this.#anchor);
    if (from < 0 || to < 0) {
      this.toggle(key);
      return;
    }
    const selected = !this.#keys.has(key);
    const [a, b] = from < to ? [from, to] : [to, from];
    for (let i = a; i <= b; i++) {
      if (selected) this.#keys.add(orderedKeys[i]!);
      else this.#keys.delete(orderedKeys[i]!);
    }
    this.#anchor = key;
  }

  add(keys: Iterable<string>): void {
    for (const k of keys) this.#keys.add(k);
  }

  clear(): void {
    this.#keys.clear();
    this.#anchor = undefined;
  }

  /** Forgets rows that are gone; returns whether anything changed. */
  retain(exists: (key: string) => boolean): boolean {
    let changed = false;
    for (const k of this.#keys) {
      if (!exists(k)) {
        this.#keys.delete(k);
        changed = true;
      }
    }
    return changed;
  }

  /** How many of these rows are selected. */
  countIn(keys: readonly string[]): number {
    if (this.#keys.size === 0) return 0;
    let n = 0;
    for (const k of keys) if (this.#keys.has(k)) n++;
    return n;
  }
}
