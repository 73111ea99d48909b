/**
 * The embedded broker's `max_packet_size`: a socket wrapper that reads each MQTT packet's fixed
 * header (type byte + "remaining length", MQTT 3.1.1 section 2.2.3) as the bytes pass and closes
 * the connection as soon as a packet announces more than the limit, before its body is read.
 *
 * Aedes has no packet limit of its own (its parser buffers a whole packet, 64 MiB included, before
 * any hook sees it, and an unauthenticated client can send one right after CONNECT), so the limit
 * sits between the socket and Aedes. Everything else passes through untouched.
 */
import { Duplex } from 'node:stream';

/** Tracks packet boundaries in an MQTT byte stream; `feed` returns the first oversized length, or null. */
export interface PacketScanner {
  feed(chunk: Uint8Array): number | null;
}

export function createPacketScanner(maxPacketBytes: number): PacketScanner {
  // state: 'type' waiting for a fixed header's first byte, 'length' inside its remaining-length
  // varint (1 to 4 bytes, 7 bits each, low first), 'body' skipping `left` bytes.
  let state: 'type' | 'length' | 'body' = 'type';
  let length = 0;
  let multiplier = 1;
  let headerBytes = 0;
  let left = 0;
  return {
    feed(chunk) {
      let i = 0;
      while (i < chunk.length) {
        if (state === 'body') {
          const take = Math.min(left, chunk.length - i);
          left -= take;
          i += take;
          if (left === 0) state = 'type';
          continue;
        }
        const byte = chunk[i++]!;
        if (state === 'type') {
          state = 'length';
          length = 0;
          multiplier = 1;
          headerBytes = 1;
          continue;
        }
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        headerBytes++;
        // A fifth length byte is malformed (MQTT caps it at four): treated as too big.
        if ((byte & 0x80) !== 0 && headerBytes < 5) continue;
        if ((byte & 0x80) !== 0 || headerBytes + length > maxPacketBytes) return headerBytes + length;
        left = length;
        state = left === 0 ? 'type' : 'body';
      }
      return null;
    },
  };
}

/**
 * `socket` (a TCP socket, or one end of an in-memory pair) as a stream for Aedes, with the packet
 * limit applied. `onTooBig` is told the announced size of the packet that closed the connection.
 */
export function limitPacketSize(socket: Duplex, maxPacketBytes: number, onTooBig: (bytes: number) => void): Duplex {
  const scanner = createPacketScanner(maxPacketBytes);
  const guarded = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    // What Aedes writes between cork and uncork (a packet is several chunks, a step several
    // packets) goes to the socket as one write: chunk by chunk it was a system call each, the
    // largest part of a run's CPU on the embedded broker.
    writev(chunks, callback) {
      socket.cork();
      for (let i = 0; i < chunks.length - 1; i++) socket.write(chunks[i]!.chunk);
      socket.write(chunks[chunks.length - 1]!.chunk, callback);
      socket.uncork();
    },
    final(callback) {
      socket.end();
      callback();
    },
    destroy(err, callback) {
      socket.destroy();
      callback(err);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    const tooBig = scanner.feed(chunk);
    if (tooBig !== null) {
      onTooBig(tooBig);
      guarded.destroy();
      return;
    }
    if (!guarded.push(chunk)) socket.pause();
  });
  socket.on('end', () => guarded.push(null));
  socket.on('error', (err) => guarded.destroy(err));
  socket.on('close', () => guarded.destroy());
  return guarded;
}
