/**
 * Work on large lists that must not hold up a frame or a keystroke (diagnosis, counts, search
 * keys, the store's index): it starts after the next paint and runs a few milliseconds at a
 * time, yielding to rendering and input between slices.
 *
 * Every job shares one budget: each turn runs the jobs in turn for `SLICE_MS` in all, then
 * yields. Jobs that each took their own slice per turn would hold a frame up by a slice for
 * every job (five jobs after a first load: five slices before the rows could be painted).
 *
 * A job someone waits for (`urgent`: a sort the user asked for, a poll's rows) runs before the
 * others: taking turns with the diagnosis of a list of 100,000 sessions just loaded, a sort
 * clicked then took twice as long as the same sort a few seconds later.
 */

/** Milliseconds of work per turn, all jobs together: well inside a 16.7 ms frame. */
export const SLICE_MS = 4;

interface Job {
  work: (until: number) => boolean;
  done?: () => void;
  cancelled: boolean;
  urgent: boolean;
}

/** Jobs started and not finished, in the order they are given turns. */
const jobs: Job[] = [];
let channel: MessageChannel | undefined;
let posted = false;

/** `scheduler.postTask` where the browser has it (Chromium): see `post`. */
const scheduler = (
  globalThis as {
    scheduler?: { postTask?: (task: () => void, options: { priority: string }) => unknown };
  }
).scheduler;

function post(): void {
  if (posted || jobs.length === 0) return;
  posted = true;
  if (scheduler?.postTask) {
    // Background priority: a turn waits for rendering and for the page's own tasks (a list's
    // rows, painted a frame after their host, come before its diagnosis).
    void scheduler.postTask(turn, { priority: 'background' });
    return;
  }
  if (!channel) {
    // A message is not clamped as nested timeouts are (4 ms after five of them).
    channel = new MessageChannel();
    channel.port1.onmessage = turn;
  }
  channel.port2.postMessage(null);
}

/** One turn: the jobs in order, each until it finishes or the shared time is up. */
function turn(): void {
  posted = false;
  const until = performance.now() + SLICE_MS;
  while (jobs.length > 0 && performance.now() < until) {
    // The first urgent job, else the first one.
    const urgent = jobs.findIndex((j) => j.urgent);
    const at = urgent >= 0 ? urgent : 0;
    const job = jobs[at]!;
    if (job.cancelled) {
      jobs.splice(at, 1);
      continue;
    }
    let finished: boolean;
    try {
      finished = job.work(until);
    } catch (error) {
      // A failing job is dropped, not the others: the error is reported as uncaught.
      jobs.splice(at, 1);
      job.cancelled = true;
      queueMicrotask(() => {
        throw error;
      });
      continue;
    }
    if (!finished) {
      // Its time is up: it goes to the back, so the next turn starts with another job (an
      // urgent one, if there is one, is taken first all the same).
      jobs.splice(at, 1);
      jobs.push(job);
      break;
    }
    jobs.splice(at, 1);
    job.cancelled = true;
    try {
      job.done?.();
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
  post();
}

/**
 * Runs `work` in slices after the next paint until it returns true, then `done`. `work` gets the
 * `performance.now()` by which to yield and returns whether it finished. `urgent`: someone waits
 * for it, and it runs before jobs that are not. Returns a cancel.
 */
export function inBackground(
  work: (until: number) => boolean,
  done?: () => void,
  { urgent = false }: { urgent?: boolean } = {},
): () => void {
  const job: Job = { work, done, cancelled: false, urgent };
  let started = false;
  const start = () => {
    if (started || job.cancelled) return;
    started = true;
    jobs.push(job);
    post();
  };
  // After the next paint; a hidden page paints no frames, so a timer starts it there.
  const frame = requestAnimationFrame(() => setTimeout(start, 0));
  const fallback = setTimeout(start, 250);
  return () => {
    job.cancelled = true;
    cancelAnimationFrame(frame);
    clearTimeout(fallback);
  };
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
