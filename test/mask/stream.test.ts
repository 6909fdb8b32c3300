import { once } from "node:events";
import { PassThrough } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { colourEnv } from "../../src/mask/colour.js";
import { maskPatterns } from "../../src/mask/patterns.js";
import { MaskStream } from "../../src/mask/stream.js";

const { patterns } = maskPatterns({ TOKEN: "tok_0123456789" });

describe("MaskStream", () => {
  it("releases held-back bytes after the idle delay, without the stream ending", async () => {
    const stream = new MaskStream(patterns, { idleMs: 20 });
    const received: string[] = [];
    stream.on("data", (chunk: Buffer) => received.push(chunk.toString()));
    // "tok_01" could begin the value: held back at first.
    stream.write("Password: tok_01");
    await new Promise((resolve) => setImmediate(resolve));
    expect(received.join("")).toBe("Password: ");
    // Released by the idle timer alone (the stream stays open).
    await once(stream, "data");
    expect(received.join("")).toBe("Password: tok_01");
    expect(stream.writableEnded).toBe(false);
    stream.destroy();
  });

  it("masks values split across writes and flushes everything at the end", async () => {
    const source = new PassThrough();
    const stream = new MaskStream(patterns, { idleMs: 60_000 }); // never idle during the test
    const out: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => out.push(chunk));
    const done = pipeline(source, stream);
    for (const piece of ["a tok_01", "2345", "6789 b ", "tok_"]) source.write(piece);
    source.end();
    await done;
    expect(Buffer.concat(out).toString()).toBe("a [secr:TOKEN] b tok_");
  });

  it("keeps binary output byte for byte", async () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    const stream = new MaskStream(patterns);
    const out: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => out.push(chunk));
    stream.end(bytes);
    await once(stream, "end");
    expect(Buffer.concat(out).equals(bytes)).toBe(true);
  });
});

describe("colourEnv", () => {
  it("sets FORCE_COLOR=1 only for a terminal and only when the user set neither variable", () => {
    expect(colourEnv({ A: "1" }, true)).toEqual({ A: "1", FORCE_COLOR: "1" });
    expect(colourEnv({ A: "1" }, false)).toEqual({ A: "1" });
    expect(colourEnv({ NO_COLOR: "" }, true)).toEqual({ NO_COLOR: "" });
    expect(colourEnv({ FORCE_COLOR: "0" }, true)).toEqual({ FORCE_COLOR: "0" });
  });
});
