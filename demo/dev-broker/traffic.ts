/**
 * Traffic counters of one connection as EMQX reports them, read off the real MQTT packets that
 * cross it (aedes keeps none of these).
 */
import type { Duplex } from 'node:stream';
import mqttPacket from 'mqtt-packet';

/** EMQX's window of unacknowledged QoS 1/2 messages per client; beyond it messages queue. */
export const INFLIGHT_MAX = 32;

export class TrafficCounters {
  recv_oct = 0;
  recv_pkt = 0;
  recv_msg = 0;
  send_oct = 0;
  send_pkt = 0;
  send_msg = 0;
  /** Socket reads and writes, as EMQX's `recv_cnt` / `send_cnt`. */
  recv_cnt = 0;
  send_cnt = 0;
  /** Message IDs of QoS 1/2 messages sent to the client and not yet acknowledged. */
  readonly unacked = new Set<number>();
  /** Message IDs of QoS 2 messages received and awaiting the client's PUBREL. */
  readonly awaitingRel = new Set<number>();
  /** When any packet last crossed the connection, either way. */
  lastActivity = Date.now();
}

/** Counts bytes, packets and messages each way on a connection, and tracks in-flight IDs. */
export function countTraffic(stream: Duplex, counters: TrafficCounters): void {
  const inbound = mqttPacket.parser();
  inbound.on('packet', (packet) => {
    counters.recv_pkt++;
    counters.lastActivity = Date.now();
    switch (packet.cmd) {
      case 'publish':
        counters.recv_msg++;
        if (packet.qos === 2 && packet.messageId !== undefined) {
          counters.awaitingRel.add(packet.messageId);
        }
        break;
      case 'pubrel':
        if (packet.messageId !== undefined) counters.awaitingRel.delete(packet.messageId);
        break;
      case 'puback':
      case 'pubcomp':
        if (packet.messageId !== undefined) counters.unacked.delete(packet.messageId);
        break;
    }
  });
  // A packet we cannot parse only stops the counting; aedes handles the bad connection itself.
  inbound.on('error', () => inbound.removeAllListeners('packet'));
  stream.on('data', (chunk: Buffer) => {
    counters.recv_cnt++;
    counters.recv_oct += chunk.length;
    inbound.parse(chunk);
  });

  const outbound = mqttPacket.parser();
  outbound.on('packet', (packet) => {
    counters.send_pkt++;
    counters.lastActivity = Date.now();
    if (packet.cmd === 'publish') {
      counters.send_msg++;
      if ((packet.qos ?? 0) > 0 && packet.messageId !== undefined) {
        counters.unacked.add(packet.messageId);
      }
    }
  });
  outbound.on('error', () => outbound.removeAllListeners('packet'));
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    // mqtt-packet writes a packet in pieces, topics as strings.
    const bytes =
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : 'utf8')
        : chunk;
    if (Buffer.isBuffer(bytes) || bytes instanceof Uint8Array) {
      counters.send_cnt++;
      counters.send_oct += bytes.length;
      outbound.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    }
    return write(chunk, ...rest);
  }) as typeof stream.write;
}
