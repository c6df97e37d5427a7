/**
 * Work on large lists that must not hold up a frame or a keystroke (diagnosis, counts, search
 * keys): it starts after the next paint and runs a few milliseconds at a time, yielding to
 * rendering and input between slices.
 */

/** Milliseconds of work per slice: well inside a 16.7 ms frame. */
export const SLICE_MS = 4;

/**
 * Runs `work` in slices after the next paint until it returns true, then `done`. `work` gets the
 * `performance.now()` by which to yield and returns whether it finished. Returns a cancel.
 */
export function inBackground(
  work: (until: number) => boolean,
  done?: () => void,
  sliceMs = SLICE_MS,
): () => void {
  let cancelled = false;
  let started = false;
  // A message is not clamped as nested timeouts are (4 ms after five of them).
  const channel = new MessageChannel();
  const finish = () => {
    cancelled = true;
    channel.port1.onmessage = null;
    channel.port1.close();
    cancelAnimationFrame(frame);
    clearTimeout(fallback);
  };
  channel.port1.onmessage = () => {
    if (cancelled) return;
    if (!work(performance.now() + sliceMs)) {
      channel.port2.postMessage(null);
      return;
    }
    finish();
    done?.();
  };
  const start = () => {
    if (started || cancelled) return;
    started = true;
    channel.port2.postMessage(null);
  };
  // After the next paint; a hidden page paints no frames, so a timer starts it there.
  const frame = requestAnimationFrame(() => setTimeout(start, 0));
  const fallback = setTimeout(start, 250);
  return finish;
}

/**
 * A loop over `items` for `inBackground`: calls `each` on items until the time is up, checking
 * the clock every `every` items. Returns the step function.
 */
export function sliced<T>(
  items: readonly T[],
  each: (item: T, index: number) => void,
  every = 256,
): (until: number) => boolean {
  let i = 0;
  return (until) => {
    while (i < items.length) {
      const end = Math.min(items.length, i + every);
      for (; i < end; i++) each(items[i]!, i);
      if (performance.now() >= until) break;
    }
    return i >= items.length;
  };
}
