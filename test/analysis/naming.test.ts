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
    ];
    for (const [id, expected] of table) {
      assert.equal(classifyClientId(id).quality, expected, JSON.stringify(id));
    }
  });

  it('should give a reason a user can act on', () => {
    assert.match(classifyClientId('client1').reason, /one word|no descriptive/);
    assert.match(classifyClientId('8139b733bedb').reason, /random/);
    assert.equal(classifyClientId('agent-summarizer-prod-001').reason, 'descriptive words');
  });

  it('should split IDs at separators, camelCase humps and digits', () => {
    assert.deepEqual(tokenize('PlantFloorCamera7'), ['Plant', 'Floor', 'Camera', '7']);
    assert.deepEqual(tokenize('agent-summarizer_prod.001'), ['agent', 'summarizer', 'prod', '001']);
  });
});
