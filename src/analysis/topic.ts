/** MQTT topic-filter matching (`+`, `#`, `$share/<group>/`), as brokers route messages. */

/** The filter without a shared-subscription prefix (`$share/g/a/b` → `a/b`), and the group. */
export function parseShared(filter: string): { filter: string; group?: string } {
  const m = /^\$share\/([^/]+)\/(.+)$/.exec(filter);
  return m ? { filter: m[2]!, group: m[1]! } : { filter };
}

/**
 * Whether a subscription filter matches a topic name. `#` matches the parent level too
 * (`a/#` matches `a`); wildcards at the first level do not match `$`-topics (MQTT-4.7.2-1).
 */
export function topicMatches(subscription: string, topic: string): boolean {
  const filter = parseShared(subscription).filter;
  const f = filter.split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    const level = f[i]!;
    if (level === '#') return i === f.length - 1;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/** Whether a string has MQTT wildcards (then it is a filter, not a topic name). */
export function isFilter(text: string): boolean {
  return /(^|\/)[+#](\/|$)/.test(parseShared(text).filter);
}
