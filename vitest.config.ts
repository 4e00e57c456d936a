import { defineConfig } from 'vitest/config';

// Integration tests share one real engine and registry, started once by test/global-setup.ts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
