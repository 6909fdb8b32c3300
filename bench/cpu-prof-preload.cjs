// For `node --cpu-prof --require bench/cpu-prof-preload.cjs bin/secr-run.js ...` only: V8's
// sampling profiler ticks with SIGPROF, which secr-run's supervisor forwards to the child (and
// so takes over from V8). Here its listeners for SIGPROF are not installed.
for (const method of ["on", "once", "addListener", "prependListener"]) {
  const original = process[method];
  process[method] = function (event, ...rest) {
    return event === "SIGPROF" ? this : original.call(this, event, ...rest);
  };
}
