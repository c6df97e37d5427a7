/**
 * MQTT.js for the single-file script: not inside it, but in the companion file shipped beside it
 * (`cs-active-sessions.mqtt.js`), found from the script's own URL and loaded only when live
 * updates are turned on. Replaces src/live/load-mqtt.ts in the IIFE build.
 */
import { companionUrl } from './companion.js';

const companion = companionUrl('cs-active-sessions.mqtt.js');

export function importMqtt(): Promise<unknown> {
  return import(/* @vite-ignore */ companion);
}
