import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Real processes and real sockets: generous limits, never timing assertions.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Vitest runs cores - 1 files at once: one on a 2-core machine. The tests wait on real
    // processes and sockets far more than they compute, so two files at once halve the wall time.
    maxWorkers: 2,
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
  },
});
