/** Real MQTT.js clients of the test run's RabbitMQ. */
import mqtt, { type MqttClient } from 'mqtt';

export interface RabbitInfo {
  apiUrl: string;
  mqttUrl: string;
  wsUrl: string;
  user: string;
  password: string;
}

/** A real MQTT.js client of RabbitMQ (MQTT 3.1.1: RabbitMQ 3.10 has no MQTT 5). */
export async function connectToRabbit(
  info: RabbitInfo,
  spec: {
    clientId: string;
    transport?: 'tcp' | 'ws';
    subscriptions?: { topic: string; qos: 0 | 1 | 2 }[];
  },
): Promise<{ client: MqttClient; closed(): boolean }> {
  const client = mqtt.connect(spec.transport === 'ws' ? info.wsUrl : info.mqttUrl, {
    clientId: spec.clientId,
    username: info.user,
    password: info.password,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  });
  let closed = false;
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
    // RabbitMQ answers a refused CONNECT by closing: settle on close too.
    client.once('close', () =>
      reject(new Error(`RabbitMQ closed ${spec.clientId} while connecting`)),
    );
  });
  client.on('close', () => (closed = true));
  if (spec.subscriptions?.length) {
    await client.subscribeAsync(
      Object.fromEntries(spec.subscriptions.map((s) => [s.topic, { qos: s.qos }])),
    );
  }
  return { client, closed: () => closed };
}
