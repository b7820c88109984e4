import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // integration suites start real servers (kube-apiserver, PostgreSQL, SMTP, Chromium)
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    reporters: ['default'],
    globalSetup: ['test/support/global-setup.ts'],
  },
});
