// --mask: the child's stdout and stderr are pipes into a filter (the redactor) and from there
// to secr-run's own stdout and stderr. stdin stays inherited. See docs/design/delivery.md ("Masking").
import type { Readable, Transform, Writable } from "node:stream";

export interface OutputFilters {
  stdout: Transform;
  stderr: Transform;
}

/** Resolves once everything the child wrote has passed the filters and been handed to our
 *  stdout/stderr (never rejects). When our side of a pipe is closed (`| head`), the child's
 *  pipe is closed too, so the child sees EPIPE/SIGPIPE as it would without secr-run. */
export function connectOutput(
  child: { stdout?: Readable | null | undefined; stderr?: Readable | null | undefined },
  filters: OutputFilters,
  targets: { stdout: Writable; stderr: Writable } = { stdout: process.stdout, stderr: process.stderr },
): Promise<void> {
  const one = (source: Readable | null | undefined, filter: Transform, target: Writable) =>
    new Promise<void>((resolve) => {
      if (source == null) return resolve();
      let done = false;
      let failed = false;
      // Under --watch each new child connects again: our listener on the shared target goes
      // once this child's output is out (unless the target failed: then later errors stay caught).
      const release = () => {
        if (!failed) target.off("error", onError);
        resolve();
      };
      const finish = () => {
        if (done) return;
        done = true;
        if (target.writableLength === 0) release();
        else target.once("drain", release).once("error", () => resolve());
      };
      const onError = () => {
        // EPIPE and the like: stop forwarding and close the child's end of the pipe.
        failed = true;
        filter.unpipe(target);
        source.destroy();
        finish();
      };
      target.on("error", onError);
      source.on("error", () => filter.end());
      filter.on("end", finish);
      filter.on("error", finish);
      source.pipe(filter);
      filter.pipe(target, { end: false });
    });
  return Promise.all([
    one(child.stdout, filters.stdout, targets.stdout),
    one(child.stderr, filters.stderr, targets.stderr),
  ]).then(() => undefined);
}
