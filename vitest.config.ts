import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // Model-based suites enumerate their paths in beforeAll: CPU-bound, slower beside the HIL files.
    hookTimeout: 60_000,
    // The HIL and board files spend most of their time waiting on real timers and child
    // processes, so more files than cores run side by side (vitest's default is cores − 1).
    maxWorkers: 4,
  },
});
