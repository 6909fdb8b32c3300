import { spawn } from "node:child_process";
import { once } from "node:events";
import { PassThrough, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { connectOutput } from "../../src/supervise/output.js";
import { maskPatterns } from "../../src/mask/patterns.js";
import { MaskStream } from "../../src/mask/stream.js";

const { patterns } = maskPatterns({ TOKEN: "tok_0123456789" });
const filters = () => ({ stdout: new MaskStream(patterns), stderr: new MaskStream(patterns) });
const collect = (stream: PassThrough) => {
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  return () => Buffer.concat(chunks).toString();
};

describe("connectOutput", () => {
  it("passes a real child's stdout and stderr through the filters, completely, before resolving", async () => {
    const child = spawn(
      process.execPath,
      [
        "-e",
        "process.stdout.write('out tok_0123456789 ' + 'x'.repeat(200000)); process.stderr.write('err tok_01'); process.stderr.write('23456789\\n')",
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out = collect(stdout);
    const err = collect(stderr);
    await connectOutput(child, filters(), { stdout, stderr });
    expect(out()).toBe(`out [secr:TOKEN] ${"x".repeat(200000)}`);
    expect(err()).toBe("err [secr:TOKEN]\n");
  });

  it("closes the child's pipe when our side is closed, so the child sees EPIPE as it would alone", async () => {
    const child = spawn(
      process.execPath,
      [
        "-e",
        "process.stdout.on('error', (e) => { process.stderr.write(e.code); process.exit(3) }); setInterval(() => process.stdout.write('y'.repeat(65536)), 1)",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const broken = new Writable({
      write: (_chunk, _enc, callback) => callback(Object.assign(new Error("EPIPE"), { code: "EPIPE" })),
    });
    const stderr = new PassThrough();
    const err = collect(stderr);
    const exited = once(child, "exit");
    await connectOutput(child, filters(), { stdout: broken, stderr });
    const [code] = await exited;
    expect(code).toBe(3);
    expect(err()).toBe("EPIPE");
  });
});
