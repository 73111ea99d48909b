/** Model-based test of the GPF machine with xstate/graph (see machines-model.ts and support/gpf-model.ts). */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeTransition, runModel } from './machines-model.ts';
import type { ModelResult } from './machines-model.ts';
import { gpfModel } from './support/gpf-model.ts';

describe('GPF model (xstate/graph)', () => {
  let result: ModelResult;
  beforeAll(() => {
    result = runModel(gpfModel);
  });

  it('explores a finite graph', () => {
    expect(result.keys.length).toBeGreaterThanOrEqual(12);
    expect(result.edges).toBeGreaterThan(result.keys.length);
  });

  it('a real actor under a SimulatedClock follows every path and edge of the model', () => {
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });

  it('every state node is reached', () => {
    expect(result.allStateNodeIds.sort()).toEqual(['gpf.idle', 'gpf.receiving']);
    expect(result.allStateNodeIds.filter((id) => !result.reachedStateNodeIds.has(id))).toEqual([]);
  });

  it('every transition, each guarded branch and the delay included, is taken by a real actor', () => {
    expect(result.allTransitions.length).toBeGreaterThanOrEqual(11);
    expect(result.allTransitions.filter((t) => !result.takenTransitions.has(t)).map(describeTransition)).toEqual([]);
  });
});
