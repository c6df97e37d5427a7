import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatAddress,
  formatBoolean,
  formatCount,
  formatDuration,
  formatProtocol,
  protocolFromLevel,
  stripUsernameSuffix,
  transportFromListener,
  UNKNOWN,
} from '../../src/model/session.js';

describe('session model', () => {
  it('should map protocol levels 3/4/5 to 3.1/3.1.1/5.0 and anything else to unknown', () => {
    assert.equal(protocolFromLevel(3), '3.1');
    assert.equal(protocolFromLevel(4), '3.1.1');
    assert.equal(protocolFromLevel(5), '5.0');
    assert.equal(protocolFromLevel(6), undefined);
    assert.equal(protocolFromLevel('4'), undefined);
  });

  it('should take transport and TLS from the EMQX listener type', () => {
    assert.deepEqual(transportFromListener('tcp:default'), { transport: 'TCP', tls: false });
    assert.deepEqual(transportFromListener('ssl:default'), { transport: 'TCP', tls: true });
    assert.deepEqual(transportFromListener('ws:default'), { transport: 'WebSocket', tls: false });
    assert.deepEqual(transportFromListener('wss:external'), { transport: 'WebSocket', tls: true });
    assert.deepEqual(transportFromListener('quic:default'), { transport: 'QUIC', tls: true });
    assert.deepEqual(transportFromListener(undefined), { transport: undefined, tls: undefined });
    assert.deepEqual(transportFromListener('weird'), { transport: undefined, tls: undefined });
  });

  it('should strip only the @org_ suffix from usernames', () => {
    assert.equal(stripUsernameSuffix('mydevice@org_k7xm4pqr2n5t'), 'mydevice');
    assert.equal(stripUsernameSuffix('ops@example.com'), 'ops@example.com');
    assert.equal(stripUsernameSuffix('a@org_x@org_y'), 'a@org_x');
    assert.equal(stripUsernameSuffix('@org_abc'), '@org_abc');
    assert.equal(stripUsernameSuffix(undefined), undefined);
    assert.equal(stripUsernameSuffix('dev@tenant-9', /@tenant-\d+$/), 'dev');
  });

  it('should format protocol cells with WebSocket after the version', () => {
    assert.equal(formatProtocol({ protocol: '3.1.1', transport: 'TCP' }), '3.1.1');
    assert.equal(formatProtocol({ protocol: '5.0', transport: 'WebSocket' }), '5.0 WebSocket');
    assert.equal(formatProtocol({ protocol: undefined, transport: 'WebSocket' }), 'WebSocket');
    assert.equal(formatProtocol({ protocol: undefined, transport: undefined }), UNKNOWN);
  });

  it('should render unknown values as an em dash, never as 0 or false', () => {
    assert.equal(formatBoolean(undefined), '\u2014');
    assert.equal(formatBoolean(false), 'no');
    assert.equal(formatCount(undefined), '\u2014');
    assert.equal(formatCount(0), '0');
    assert.equal(formatCount(12345), '12,345');
    assert.equal(formatAddress(undefined, 1883), '\u2014');
  });

  it('should write IPv6 addresses with brackets before the port', () => {
    assert.equal(formatAddress('127.0.0.1', 51234), '127.0.0.1:51234');
    assert.equal(formatAddress('::1', 51234), '[::1]:51234');
    assert.equal(formatAddress('10.0.0.1', undefined), '10.0.0.1');
  });

  it('should format durations at a readable precision', () => {
    assert.equal(formatDuration(4_000), '4 s');
    assert.equal(formatDuration(65_000), '1 min 5 s');
    assert.equal(formatDuration(3_725_000), '1 h 2 min');
    assert.equal(formatDuration(90_000_000), '1 d 1 h');
    assert.equal(formatDuration(-5), '0 s');
  });
});
