/**
 * A fleet of plain clients in a process of its own, for large fleets (`FLEET_SIZE=10000 npm
 * start`, the 10,000-connection tests and the benchmark): every connection costs a file
 * descriptor at each end, so a broker and ten thousand clients in one process would need twice
 * the limit. Reads FLEET_TARGET (the broker, as JSON), FLEET_COUNT and FLEET_PREFIX; prints
 * `connected <n>` once they are all up (or `failed <message>`), and ends them on SIGTERM.
 */
import { connectClient, ORGS, type BrokerTarget, type FleetClient } from './fleet.js';

const target = JSON.parse(process.env['FLEET_TARGET'] ?? '{}') as BrokerTarget;
const count = Number(process.env['FLEET_COUNT'] ?? 0);
const prefix = process.env['FLEET_PREFIX'] ?? 'bulk-';
const clients: FleetClient[] = [];

async function main(): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const clientId = `${prefix}${String(i).padStart(5, '0')}`;
      for (let attempt = 0; ; attempt++) {
        try {
          clients.push(
            await connectClient(
              {
                clientId,
                username: `device${i % 500}@${ORGS[i % ORGS.length]}`,
                node: i % target.nodes.length,
                reconnect: false,
              },
              target,
            ),
          );
          break;
        } catch (error) {
          if (attempt >= 3) {
            throw new Error(`${clientId} could not connect: ${String(error)}`, { cause: error });
          }
          await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
        }
      }
      if (clients.length % 1000 === 0) console.log(`progress ${clients.length}`);
    }
  };
  // A few dozen knocking at once: a burst of thousands overflows the listen backlog.
  await Promise.all(Array.from({ length: 50 }, worker));
  console.log(`connected ${clients.length}`);
}

async function stop(): Promise<void> {
  await Promise.allSettled(clients.map((c) => c.end()));
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
main().catch((error: unknown) => {
  console.log(`failed ${error instanceof Error ? error.message : String(error)}`);
  void stop();
});
