import type { Admin, Kafka } from 'kafkajs';

/**
 * A Kafka client for a TopicTail with `since: 'earliest'` that resumes at given offsets
 * ("topic/partition" → the next offset to read) instead of each partition's first: its admin
 * reports them as the partitions' low offsets. A partition not named, or whose history now begins
 * later (retention), keeps its own. For views restored from a snapshot that recorded their offsets.
 * (A wrapper rather than a third `since` form while TopicTail itself is being tuned.)
 */
export function resumingAt(kafka: Kafka, starts: ReadonlyMap<string, string>): Kafka {
  const withStarts = (admin: Admin): Admin =>
    new Proxy(admin, {
      get(target, prop) {
        if (prop === 'fetchTopicOffsets') {
          return async (topic: string) =>
            (await target.fetchTopicOffsets(topic)).map((p) => {
              const start = starts.get(`${topic}/${p.partition}`);
              return start !== undefined && BigInt(start) > BigInt(p.low) ? { ...p, low: start } : p;
            });
        }
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return new Proxy(kafka, {
    get(target, prop) {
      if (prop === 'admin') return (...args: Parameters<Kafka['admin']>) => withStarts(target.admin(...args));
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
