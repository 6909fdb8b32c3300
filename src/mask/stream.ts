// The redactor as a Transform stream: what the child writes to stdout/stderr passes through it.
// Held-back bytes (a possible start of a secret) are released after `idleMs` without more
// input, so a prompt without a newline still shows; everything is released at the end.
import { Transform, type TransformCallback } from "node:stream";
import type { MaskPattern } from "./patterns.js";
import { type CompiledMask, Redactor } from "./redactor.js";

export const DEFAULT_IDLE_FLUSH_MS = 50;

export interface MaskStreamOptions {
  idleMs?: number;
}

export class MaskStream extends Transform {
  private readonly redactor: Redactor;
  private readonly idleMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(patterns: readonly MaskPattern[] | CompiledMask, options: MaskStreamOptions = {}) {
    super();
    this.redactor = new Redactor(patterns);
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_FLUSH_MS;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.disarm();
    const out = this.redactor.write(chunk);
    if (out.length > 0) this.push(out);
    if (this.redactor.heldLength > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        const rest = this.redactor.flush();
        if (rest.length > 0) this.push(rest);
      }, this.idleMs);
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.disarm();
    const rest = this.redactor.flush();
    callback(null, rest.length > 0 ? rest : undefined);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.disarm();
    callback(error);
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
