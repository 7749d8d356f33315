import { defineConfig } from 'vitest/config';

/** npm run test:real: tests against a real MariaDB server (started by the test), not part of npm test. */
export default defineConfig({
  test: {
    include: ['test/real/**/*.real.ts'],
    testTimeout: 170_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
