/**
 * The order in which a home's devices are handed the HAN frames they receive: the order the
 * frames were sent, whatever order the broker brings them in.
 *
 * Why: in one settle of the virtual clock two devices may each be sent a frame (the GPF answers
 * the GSME's Time read and forwards a top-up answer to the PPMID in the same step). Over a broker
 * in another process (Mosquitto, a NATS node) each device has its own TCP connection, and which
 * connection this process reads first is up to the kernel: the PPMID's screen line came before
 * the GSME's next report in one run and after it in another (1 run in 15 under load). The
 * in-process bus and the embedded broker hand frames over in send order; holding an early
 * arrival until every frame sent before it has been handed over gives every transport that same
 * order, so a scenario and seed give the same timeline byte for byte on all of them.
 *
 * A channel is one topic (destination, source, cluster): MQTT keeps one publisher's messages on
 * one topic in order, so the k-th frame arriving on a channel is the k-th sent on it. A frame on
 * a channel with nothing outstanding (not sent by this home) is handed over as it comes.
 */
export interface DeliveryOrder {
  /** A frame was published on `channel`. */
  sent(channel: string): void;
  /** A frame arrived on `channel`: `deliver` runs now, or once every frame sent before it has been delivered. */
  arrived(channel: string, deliver: () => void): void;
  /**
   * Gives up on the frames outstanding (a broker node died with them): the ones held are
   * delivered now, in send order, and later arrivals as they come.
   */
  abandon(): void;
  /** Frames arrived and held, waiting for one sent before them. */
  readonly held: number;
}

export function createDeliveryOrder(): DeliveryOrder {
  // Send sequence numbers: the next to give out, and the next to deliver.
  let nextSent = 0;
  let nextDue = 0;
  const outstanding = new Map<string, number[]>();
  const held = new Map<number, () => void>();
  let draining = false;

  // A frame's handler may send frames and, on a bus that calls back at once, receive them: the
  // outer drain delivers those after the handler returns, as the in-process bus does.
  const drain = (): void => {
    if (draining) return;
    draining = true;
    try {
      for (let d = held.get(nextDue); d !== undefined; d = held.get(nextDue)) {
        held.delete(nextDue++);
        d();
      }
    } finally {
      draining = false;
    }
  };

  return {
    sent(channel) {
      const q = outstanding.get(channel);
      if (q === undefined) outstanding.set(channel, [nextSent++]);
      else q.push(nextSent++);
    },
    arrived(channel, deliver) {
      const seq = outstanding.get(channel)?.shift();
      if (seq === undefined) {
        deliver();
        return;
      }
      held.set(seq, deliver);
      drain();
    },
    abandon() {
      outstanding.clear();
      const waiting = [...held.entries()].sort((a, b) => a[0] - b[0]);
      held.clear();
      nextDue = nextSent;
      for (const [, deliver] of waiting) deliver();
    },
    get held() {
      return held.size;
    },
  };
}
