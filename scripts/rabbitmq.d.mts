export const RABBITMQ_USER: string;
export const RABBITMQ_PASSWORD: string;
/** Makes sure rabbitmq-server is installed: as root on Debian installs it, else exits with advice. */
export function ensureRabbitMQ(): void;
export interface StartedRabbitMQ {
  apiUrl: string;
  mqttUrl: string;
  wsUrl: string;
  mqttPort: number;
  wsPort: number;
  user: string;
  password: string;
  node: string;
  stop(): Promise<void>;
}
/** Starts a private RabbitMQ node on free loopback ports; resolves once it accepts MQTT. */
export function startRabbitMQ(options?: { timeoutMs?: number }): Promise<StartedRabbitMQ>;
/** The environment that tells test processes where the RabbitMQ of this run is. */
export function rabbitEnv(r: StartedRabbitMQ): Record<string, string>;
