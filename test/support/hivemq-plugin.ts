/** A web-test-runner plugin serving HiveMQ REST API fixtures (`hivemq-fixture.ts`) to browser tests. */
import type { TestRunnerPlugin } from '@web/test-runner';
import { startHiveFixture, type HiveClientFixture, type HiveFixture } from './hivemq-fixture.js';

export function hiveMQPlugin(): TestRunnerPlugin {
  const running = new Map<string, HiveFixture>();
  let nextId = 1;
  const get = (id: unknown) => {
    const f = running.get(String(id));
    if (!f) throw new Error(`No HiveMQ fixture ${String(id)}`);
    return f;
  };
  return {
    name: 'hivemq-fixture',
    async executeCommand({ command, payload }) {
      const p = (payload ?? {}) as Record<string, unknown>;
      switch (command) {
        case 'hive-start': {
          const f = await startHiveFixture();
          const id = String(nextId++);
          running.set(id, f);
          f.add(...((p['clients'] as HiveClientFixture[] | undefined) ?? []));
          f.detailsDelayMs = Number(p['detailsDelayMs'] ?? 0);
          return { id, apiUrl: f.apiUrl, user: f.user, password: f.password };
        }
        case 'hive-closed':
          return get(p['fixture']).closed(String(p['clientId']));
        case 'hive-delay':
          get(p['fixture']).detailsDelayMs = Number(p['ms']);
          return true;
        case 'hive-stop': {
          await get(p['fixture']).close();
          running.delete(String(p['fixture']));
          return true;
        }
        default:
          return undefined;
      }
    },
    async serverStop() {
      await Promise.all([...running.values()].map((f) => f.close()));
    },
  };
}
