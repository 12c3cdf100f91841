import { defineConfig } from 'vitest/config';

// Most integration tests spend their time waiting on sockets, child processes and timers, not on the CPU,
// so on a two-core machine three files at a time cut the suite's wall time by half without crowding it.
// The tests that measure the server under attack (memory ceilings, event-loop stalls, floods, timing of
// logins) run afterwards, one file at a time: a neighbour's load would make their limits meaningless.
const EXCLUSIVE = [
  'server/test/attack-*.test.ts',
  'server/test/auth-timing.test.ts',
  'server/test/admin-port-hardening.test.ts',
  'server/test/imap-fetch-backpressure.test.ts',
  'server/test/loki-memory.test.ts',
  'server/test/sessions-*.test.ts',
  'server/test/smtp-greeting-memory.test.ts',
  'server/test/smtp-pipelining-flood.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 3,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['server/src/**/*.test.ts', 'server/test/**/*.test.ts', 'server/fuzz/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['**/node_modules/**', ...EXCLUSIVE],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'exclusive',
          include: EXCLUSIVE,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
