import { Duplex } from 'node:stream';

/**
 * Two connected in-memory streams: what is written to one is read from the other (Node 22 has
 * `stream.duplexPair`; hanlab runs on 20). The simulator's own devices reach its embedded broker
 * over such a pair instead of a loopback socket: the same MQTT packets, bytes and broker rules,
 * without a system call per write, which was the largest part of `npm start`'s CPU.
 */
export function duplexPair(): [Duplex, Duplex] {
  let a: Duplex;
  let b: Duplex;
  const side = (other: () => Duplex): Duplex =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        other().push(chunk);
        callback();
      },
      writev(chunks, callback) {
        const o = other();
        for (const c of chunks) o.push(c.chunk);
        callback();
      },
      final(callback) {
        other().push(null);
        callback();
      },
      destroy(err, callback) {
        const o = other();
        if (!o.destroyed) o.destroy();
        callback(err);
      },
    });
  a = side(() => b);
  b = side(() => a);
  return [a, b];
}
