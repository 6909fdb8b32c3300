// Work that must run however secr-run ends: normal exit, process.exit(), or dying of a
// re-raised signal (which skips Node's 'exit' event, so the supervisor runs these itself
// right before it raises). Hooks are synchronous and run once.
const hooks: Array<() => void> = [];
let installed = false;

export function addExitHook(hook: () => void): void {
  hooks.push(hook);
  if (!installed) {
    installed = true;
    process.on("exit", runExitHooks);
  }
}

export function runExitHooks(): void {
  for (const hook of hooks.splice(0)) {
    try {
      hook();
    } catch {
      // one failing hook must not keep the others from running
    }
  }
}
