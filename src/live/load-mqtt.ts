/**
 * Where MQTT.js comes from. A bundler splits this dynamic import into its own chunk, loaded only
 * when live updates are turned on. The single-file script (`npm run build`) swaps this module for
 * one that loads the companion file shipped beside it (scripts/iife/load-mqtt.ts).
 */
export function importMqtt(): Promise<unknown> {
  return import('mqtt');
}
