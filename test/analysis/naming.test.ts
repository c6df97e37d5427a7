import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyClientId, tokenize } from '../../src/analysis/naming.js';

describe('classifyClientId', () => {
  it('should class the seed examples exactly as the seed does', () => {
    for (const id of [
      'agent-summarizer-prod-001',
      'mobile-app-user-12345',
      'backend-processor-prod',
    ]) {
      assert.equal(classifyClientId(id).quality, 'clear', id);
    }
    for (const id of [
      'client1',
      'abc123',
      'a8f3c91e7b2d',
      '4f1c2d9e-8b7a-4c3d-9e2f-1a2b3c4d5e6f',
    ]) {
      assert.equal(classifyClientId(id).quality, 'unclear', id);
    }
  });

  it('should hold on a wider table of IDs', () => {
    const table: [string, 'clear' | 'unclear'][] = [
      ['sensor-hall-a-017', 'clear'],
      ['gateway_eu_west_03', 'clear'],
      ['PlantFloorCamera7', 'clear'],
      ['billing.worker.blue', 'clear'],
      ['dock-scanner-bay-4', 'clear'],
      ['pump-controller-hall-b-3', 'clear'],
      ['kitchen/thermostat', 'clear'],
      ['ops@warehouse-berlin', 'clear'],
      ['device', 'unclear'],
      ['test', 'unclear'],
      ['x1', 'unclear'],
      ['esp32', 'unclear'],
      ['client-7', 'unclear'],
      ['test-client-2', 'unclear'],
      ['mqttjs_4f2a9c1b', 'unclear'],
      ['paho4711', 'unclear'],
      ['aedes_1b4e28ba-2fa1-11d2-883f-0016d3cca427', 'unclear'],
      ['x7Kq9Zp2aB3', 'unclear'],
      ['thermostat', 'unclear'],
      ['', 'unclear'],
      ['   ', 'unclear'],
      // Whitespace separates as \s does; a zero-width space (not \s) does not.
      ['sensor\ufeffhall', 'clear'],
      ['sensor\u200ahall', 'clear'],
      ['sensor\u3000hall', 'clear'],
      ['sensor\u200bhall', 'unclear'],
    ];
    for (const [id, expected] of table) {
      assert.equal(classifyClientId(id).quality, expected, JSON.stringify(id));
    }
  });

  it('should give a reason a user can act on', () => {
    assert.match(classifyClientId('client1').reason, /one word|no descriptive/);
    assert.match(classifyClientId('8139b733bedb').reason, /random/);
    assert.equal(classifyClientId('agent-summarizer-prod-001').reason, 'descriptive words');
    // Generated tokens are 8 characters or more: `abc1234` is a placeholder and a number.
    assert.equal(classifyClientId('abcd1234').reasonId, 'random');
    assert.equal(classifyClientId('abc1234').reasonId, 'noWords');
  });

  it('should split IDs at separators, camelCase humps and digits', () => {
    assert.deepEqual(tokenize('PlantFloorCamera7'), ['Plant', 'Floor', 'Camera', '7']);
    assert.deepEqual(tokenize('agent-summarizer_prod.001'), ['agent', 'summarizer', 'prod', '001']);
  });

  it('should class every ID as the first, regex-based heuristic did', () => {
    // That heuristic as first written (split, flatMap, Set): the one-pass classifier must agree.
    const generic = new Set(
      'client clients device devices test tests testing user abc xyz foo bar baz mqtt mqttjs paho node demo example default temp tmp new my'.split(
        ' ',
      ),
    );
    const reference = (clientId: string): string => {
      const id = clientId.trim();
      if (id === '') return 'empty';
      if (
        /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(id) ||
        /^(mqttjs_|paho|mqttx_|mqtt_|auto-|emqx_|aedes_)[0-9a-f-]{4,}$/i.test(id)
      ) {
        return 'random';
      }
      const looksRandom = (part: string) => {
        if (part.length < 8) return false;
        const letters = part.replace(/[^A-Za-z]/g, '').length;
        const digits = part.replace(/\D/g, '').length;
        if (/^[0-9a-f]+$/i.test(part) && digits > 0 && letters > 0) return true;
        const switches = (part.match(/(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])/g) ?? []).length;
        return letters > 0 && digits > 0 && switches >= 3;
      };
      const parts = id.split(/[\s\-_.:/@|]+/).filter(Boolean);
      if (parts.some(looksRandom) && parts.filter((p) => !looksRandom(p)).length <= 1) {
        return 'random';
      }
      const words = new Set(
        id
          .split(/[\s\-_.:/@|]+/)
          .flatMap((part) =>
            part.split(/(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])/),
          )
          .filter(Boolean)
          .filter(
            (t) => /^[A-Za-z]{3,}$/.test(t) && /[aeiouy]/i.test(t) && !generic.has(t.toLowerCase()),
          )
          .map((t) => t.toLowerCase()),
      );
      return words.size >= 2 ? 'words' : words.size === 1 ? 'oneWord' : 'noWords';
    };
    // Seeded: letters (vowels, `y`, consonants, both cases), digits, hex, every separator,
    // Unicode spaces, non-ASCII letters, placeholder words, long numbers and generated tokens.
    let seed = 42;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return (seed >>> 8) % n;
    };
    const chars = [
      ...'aeybkBYKE07f',
      ...'-_.:/@|',
      ...' \t\u00a0\u1680\u2000\u2009\u200a\u200b\u2028\u202f\u3000\ufeff',
      'ü',
      'É',
    ];
    const pieces = [
      'client',
      'Client',
      'test',
      'sensor',
      'Hall',
      'prod',
      'byk',
      'BYK',
      'mqttjs_',
      'paho',
      '4f2a9c1b',
      '20261127',
      'x7Kq9Zp2',
      'deadbeef',
      'camelCase',
      'ID',
    ];
    const ids: string[] = [];
    for (let i = 0; i < 30_000; i++) {
      const length = 1 + next(i % 2 ? 6 : 14);
      let id = '';
      for (let j = 0; j < length; j++) {
        id += i % 2 ? pieces[next(pieces.length)] : chars[next(chars.length)];
        if (i % 2 && next(2)) id += chars[next(chars.length)];
      }
      ids.push(id);
    }
    const outcomes = new Set<string>();
    for (let i = 0; i < 20_000; i += 7) ids.push(`${['agent', 'pump', 'meter'][i % 3]}-${i}`);
    for (const id of ids) {
      const expected = reference(id);
      outcomes.add(expected);
      assert.equal(classifyClientId(id).reasonId, expected, JSON.stringify(id));
    }
    assert.deepEqual([...outcomes].sort(), ['empty', 'noWords', 'oneWord', 'random', 'words']);
  });
});
