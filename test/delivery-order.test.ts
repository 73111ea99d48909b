/**
 * sim/run/delivery-order.ts: frames handed to a home's devices in send order, whatever order the
 * broker's connections bring them in (the timeline byte for byte on every transport).
 */
import { describe, expect, it } from 'vitest';
import { createDeliveryOrder } from '../sim/run/delivery-order.ts';

describe('the delivery order', () => {
  it('holds a frame that overtook one sent before it, then hands both over in send order', () => {
    const order = createDeliveryOrder();
    const got: string[] = [];
    order.sent('ppmid/gpf/0705'); // the GPF forwards the top-up answer to the PPMID…
    order.sent('gsme/gpf/000A'); // …and answers the GSME's Time read
    order.arrived('gsme/gpf/000A', () => got.push('gsme: time'));
    expect(got).toEqual([]);
    expect(order.held).toBe(1);
    order.arrived('ppmid/gpf/0705', () => got.push('ppmid: top-up answer'));
    expect(got).toEqual(['ppmid: top-up answer', 'gsme: time']);
    expect(order.held).toBe(0);
  });

  it('matches the k-th arrival on a channel to the k-th frame sent on it', () => {
    const order = createDeliveryOrder();
    const got: number[] = [];
    for (const ch of ['a', 'b', 'a', 'b']) order.sent(ch);
    order.arrived('b', () => got.push(1)); // sent 2nd
    order.arrived('b', () => got.push(3)); // sent 4th
    order.arrived('a', () => got.push(0)); // sent 1st
    expect(got).toEqual([0, 1]);
    order.arrived('a', () => got.push(2)); // sent 3rd
    expect(got).toEqual([0, 1, 2, 3]);
  });

  it('hands a frame it did not see sent over as it comes', () => {
    const order = createDeliveryOrder();
    const got: string[] = [];
    order.sent('a');
    order.arrived('x', () => got.push('x'));
    expect(got).toEqual(['x']);
  });

  it('delivers what a handler causes after the handler returns, in send order', () => {
    const order = createDeliveryOrder();
    const got: string[] = [];
    order.sent('gpf/gsme/0702');
    order.arrived('gpf/gsme/0702', () => {
      got.push('gpf: report');
      // The GPF answers; on a bus that calls back at once, the answer arrives inside this handler.
      order.sent('gsme/gpf/0702');
      order.arrived('gsme/gpf/0702', () => got.push('gsme: answer'));
      got.push('gpf: report done');
    });
    expect(got).toEqual(['gpf: report', 'gpf: report done', 'gsme: answer']);
  });

  it('given up frames release what waited on them, in send order', () => {
    const order = createDeliveryOrder();
    const got: string[] = [];
    for (const ch of ['lost', 'b', 'c']) order.sent(ch);
    order.arrived('c', () => got.push('c'));
    order.arrived('b', () => got.push('b'));
    expect(got).toEqual([]);
    order.abandon();
    expect(got).toEqual(['b', 'c']);
    // The lost one turning up late after all is handed over as it comes.
    order.arrived('lost', () => got.push('lost'));
    expect(got).toEqual(['b', 'c', 'lost']);
    order.sent('d');
    order.arrived('d', () => got.push('d'));
    expect(got).toEqual(['b', 'c', 'lost', 'd']);
  });
});
