import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [
    {
      // Modules resolved as the command line resolves them, without the `development` condition Vite adds outside
      // production: it would load micromark's debug builds (assertions and debug calls on every token).
      name: 'no-development-condition',
      configResolved(config) {
        const production = (resolve: { conditions?: string[] } | undefined) => {
          if (resolve?.conditions) resolve.conditions = resolve.conditions.filter((c) => c !== 'development' && c !== 'development|production');
        };
        production(config.ssr.resolve);
        // Vite 6+ resolves each environment (the one vitest runs tests in too) by its own conditions.
        for (const environment of Object.values(config.environments ?? {})) production(environment.resolve);
      },
    },
  ],
  test: {
    include: ['test/**/*.test.ts'],
    // The real data is built once for every test that only reads a build's outputs.
    globalSetup: ['test/global-setup.ts'],
    // Printing tests launch Chromium; two cores, so keep the pool small and the time-outs generous.
    maxWorkers: 2,
    // A worker keeps the modules it loaded from one test file to the next (pdf.js, Puppeteer, the pipeline): about a
    // second a file. No test mocks a module or leaves global state behind; each test file still runs afresh.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
