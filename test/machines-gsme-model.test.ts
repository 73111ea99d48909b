/** Model-based test of the GSME machine with xstate/graph (see machines-model.ts and support/gsme-model.ts). */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeTransition, runModel } from './machines-model.ts';
import type { ModelResult } from './machines-model.ts';
import { gsmeModel } from './support/gsme-model.ts';

describe('GSME model (xstate/graph)', () => {
  let result: ModelResult;
  beforeAll(() => {
    result = runModel(gsmeModel);
  });

  it('explores a finite graph', () => {
    expect(result.keys.length).toBeGreaterThan(50);
    expect(result.edges).toBeGreaterThan(result.keys.length);
  });

  it('a real actor under a SimulatedClock follows every path and edge of the model', () => {
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });

  it('every state node is reached', () => {
    expect(result.allStateNodeIds.sort()).toEqual(['gsme.awake', 'gsme.awake.reporting', 'gsme.awake.syncingClock', 'gsme.sleeping']);
    expect(result.allStateNodeIds.filter((id) => !result.reachedStateNodeIds.has(id))).toEqual([]);
  });

  it('every transition, each guarded branch and each delay included, is taken by a real actor', () => {
    expect(result.allTransitions.length).toBeGreaterThanOrEqual(15);
    expect(result.allTransitions.filter((t) => !result.takenTransitions.has(t)).map(describeTransition)).toEqual([]);
  });
});
