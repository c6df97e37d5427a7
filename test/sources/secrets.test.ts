/**
 * Secrets on the node side of the sources: whatever a broker or the network answers (wrong
 * credentials, a 500 that echoes the request's credentials, a failed login, a URL with user
 * info, a network failure), no error message, label or id holds a secret or its encoded form.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { EmqxSource } from '../../src/sources/emqx.js';
import { HiveMQSource } from '../../src/sources/hivemq.js';
import { base64Utf8 } from '../../src/sources/http.js';
import { RabbitMQSource } from '../../src/sources/rabbitmq.js';
import type { SessionSource } from '../../src/sources/source.js';
import { recordHardening } from '../support/hardening-report.js';

const USER = 'ops-user';
const SECRET = 'Nd-secret-6e2f91ab';
const forms = [SECRET, base64Utf8(SECRET), base64Utf8(`${USER}:${SECRET}`)];

/** A broker that answers every request with `status` and a body echoing what it was sent. */
const echoing =
  (status: number): typeof fetch =>
  async (input, init = {}) => {
    const headers = new Headers(init.headers);
    const said = `got ${String(input)} auth=${headers.get('authorization')} body=${String(init.body)}`;
    return new Response(
      JSON.stringify({ code: 'ECHO', message: said, error: said, reason: said, errors: [said] }),
      { status, headers: { 'content-type': 'application/json' } },
    );
  };
const refusing: typeof fetch = async (input) => {
  throw new TypeError(`fetch failed for ${String(input)} with ${USER}:${SECRET}`);
};

const sources = (f: typeof fetch, baseUrl = 'http://127.0.0.1:1/api'): SessionSource[] => [
  new EmqxSource({ baseUrl, apiKey: USER, apiSecret: SECRET, fetch: f }),
  new EmqxSource({ baseUrl, login: { username: USER, password: SECRET }, fetch: f }),
  new RabbitMQSource({ baseUrl, username: USER, password: SECRET, fetch: f }),
  new HiveMQSource({ baseUrl, username: USER, password: SECRET, fetch: f }),
];

test('no source error, label or id holds a secret, whatever the broker answers', async () => {
  let checked = 0;
  let faults = 0;
  const cases: [string, typeof fetch, string?][] = [
    ['401 echo', echoing(401)],
    ['403 echo', echoing(403)],
    ['500 echo', echoing(500)],
    ['network', refusing],
    ['user info in the URL', echoing(500), `http://${USER}:${SECRET}@127.0.0.1:1/api`],
  ];
  for (const [name, f, baseUrl] of cases) {
    for (const source of sources(f, baseUrl)) {
      faults++;
      const texts = [source.label, source.id];
      for (const call of [
        () => source.list(),
        () => source.disconnect('c-1'),
        () => source.get?.('c-1'),
      ]) {
        try {
          await call();
        } catch (e) {
          texts.push(String(e), (e as Error).message, JSON.stringify(e));
        }
      }
      for (const text of texts) {
        for (const secret of forms) {
          assert.ok(!String(text).includes(secret), `${name}, ${source.label}: ${String(text)}`);
        }
      }
      checked += texts.length;
    }
  }
  assert.ok(checked > 40);
  recordHardening('secrets (sources)', { faults, actionsLost: 0 });
});
