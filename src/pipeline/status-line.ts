// One transient status line on stderr ("fetching secrets of …"), only when stderr is a terminal
// and only after a delay, so fast fetches, pipes and logs never see it. It is erased
// (`\r` + erase-to-end-of-line) before any other output of secr-run and before the child
// starts, so it never mixes with a message or the program's own output.
import { terminalSafe } from "../client/redact.js";

const ERASE = "\r\x1b[K";

interface Stream {
  isTTY?: boolean;
  write(text: string): unknown;
}

let shown: Stream | undefined;

/** Erase the status line if one is on screen (the logger calls this before every message). */
export function clearStatusLine(): void {
  if (shown === undefined) return;
  shown.write(ERASE);
  shown = undefined;
}

/**
 * Show `text` on `stream` after `delayMs`, unless stopped first; returns stop (which also erases
 * it). Nothing at all when the stream is not a terminal.
 */
export function delayedStatusLine(
  text: string,
  { stream = process.stderr as Stream, delayMs = 1000 }: { stream?: Stream; delayMs?: number } = {},
): () => void {
  if (stream.isTTY !== true) return () => undefined;
  const timer = setTimeout(() => {
    clearStatusLine();
    // Names from .secr.json or a flag: no control may reach the terminal (as in log.ts).
    stream.write(`secr-run: ${terminalSafe(text)}`);
    shown = stream;
  }, delayMs);
  // The line alone must never keep secr-run alive.
  timer.unref();
  return () => {
    clearTimeout(timer);
    if (shown === stream) clearStatusLine();
  };
}
