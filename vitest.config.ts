import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The real data is built once for every test that only reads a build's outputs.
    globalSetup: ['test/global-setup.ts'],
    // Printing tests launch Chromium; two cores, so keep the pool small and the time-outs generous.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
