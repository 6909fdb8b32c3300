// A foreground `secr-run serve` stops when the process that started it exits. npx (npm exec)
// does not pass SIGTERM on, so `npx secr-run serve & kill $!` would otherwise leave the server
// running with no one to stop it. The kernel gives an orphan a new parent (init or a subreaper):
// a changed parent pid is the sign. `--detach` servers are meant to outlive their parent.
const POLL_MS = 500;

/** Pure: has the parent gone? A process started by init (pid 1, containers) has no parent to lose. */
export function parentGone(initialParent: number, currentParent: number): boolean {
  return initialParent > 1 && currentParent !== initialParent;
}

/** Calls onGone once the parent seen at start (`initial`, read first thing: it may exit while we load) has exited. */
export function watchParent(initial: number, onGone: () => void): () => void {
  const timer = setInterval(() => {
    if (!parentGone(initial, process.ppid)) return;
    clearInterval(timer);
    onGone();
  }, POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
