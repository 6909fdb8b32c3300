import { lstat, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildRunReport, serializeRunReport, type RunFacts } from "../../src/report/run-report.js";
import { writeReportFile } from "../../src/report/write-report.js";

const TOKEN = "secr_report_token_0123456789abcdef";
const dirs: string[] = [];
afterEach(async () => Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true }))));
async function scratch() {
  const dir = await mkdtemp(join(tmpdir(), "secr-run-report-"));
  dirs.push(dir);
  return dir;
}

const facts = (over: Partial<RunFacts> = {}): RunFacts => ({
  version: "0.1.0",
  target: "acme/api/production",
  startedAt: Date.UTC(2025, 0, 2, 3, 4, 5),
  endedAt: Date.UTC(2025, 0, 2, 3, 4, 5) + 1234.4,
  timings: { settingsMs: 3.2, fetchMs: 40.6, validationMs: 38, spawnMs: 5 },
  source: { kind: "secr" },
  requests: 2,
  injected: ["B", "A"],
  refused: ["LD_PRELOAD"],
  template: { valid: true, missing: [] },
  schema: { failures: [] },
  child: { pid: 4242, result: { kind: "exited", code: 3 } },
  exit: { code: 3 },
  restarts: 0,
  ...over,
});

describe("run report", () => {
  it("has every field, with keys sorted", () => {
    expect(buildRunReport(facts())).toEqual({
      format: 1,
      version: "0.1.0",
      target: "acme/api/production",
      startedAt: "2025-01-02T03:04:05.000Z",
      durationMs: 1234,
      timings: { settingsMs: 3, fetchMs: 41, validationMs: 38, spawnMs: 5 },
      source: { kind: "secr" },
      requests: 2,
      keys: { injected: ["A", "B"], refused: ["LD_PRELOAD"] },
      validation: {
        template: { checked: true, valid: true, missing: [] },
        schema: { declared: true, valid: true, failures: [] },
      },
      child: { pid: 4242, exitCode: 3, signal: null, spawnError: null },
      exit: { code: 3, signal: null },
      error: null,
      restarts: 0,
    });
  });

  it("a run stopped before the child: no child, the error, steps not reached are null", () => {
    const report = buildRunReport(
      facts({
        timings: { settingsMs: 2, fetchMs: 30 },
        source: { kind: "snapshot", ageMs: 1500, shared: true },
        template: undefined,
        schema: { failures: [{ key: "PORT", rule: "must be a port number (1-65535)" }] },
        child: undefined,
        exit: { code: 78 },
        error:
          "acme/api/production breaks the schema in /r/.secr.json: PORT must be a port number (1-65535) (the command was not started)",
      }),
    );
    expect(report.timings).toEqual({ settingsMs: 2, fetchMs: 30, validationMs: null, spawnMs: null });
    expect(report.child).toBeNull();
    expect(report.validation).toEqual({
      template: { checked: false },
      schema: { declared: true, valid: false, failures: [{ key: "PORT", rule: "must be a port number (1-65535)" }] },
    });
    expect(report.source).toEqual({ kind: "snapshot", ageMs: 1500, shared: true });
    expect(report.exit).toEqual({ code: 78, signal: null });
  });

  it("a child killed by a signal, secr-run re-raising it", () => {
    const report = buildRunReport(
      facts({ child: { pid: 7, result: { kind: "signaled", signal: "SIGTERM" } }, exit: { signal: "SIGTERM" } }),
    );
    expect(report.child).toEqual({ pid: 7, exitCode: null, signal: "SIGTERM", spawnError: null });
    expect(report.exit).toEqual({ code: null, signal: "SIGTERM" });
  });

  it("masks a sensitive string that reached a message (the attack: a value smuggled into an error)", () => {
    const value = 'pa"ss\\word-9z8y';
    const bytes = serializeRunReport(buildRunReport(facts({ error: `boom ${value} ${TOKEN}` })), [value, TOKEN, "ab"]);
    const text = bytes.toString("utf8");
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(JSON.stringify(value).slice(1, -1));
    expect(JSON.parse(text).error).toBe("boom [redacted] [redacted]");
  });

  it("masks only inside strings: values like true, null or 1234 leave the JSON and its numbers alone", () => {
    const report = buildRunReport(facts({ error: "failed with true and 1234-token-like" }));
    const text = serializeRunReport(report, ["true", "null", "false", "1234", "1234-token-like", "3"]).toString("utf8");
    const parsed = JSON.parse(text);
    expect(parsed.validation.template).toEqual({ checked: true, valid: true, missing: [] });
    expect(parsed.durationMs).toBe(1234);
    expect(parsed.child).toEqual({ pid: 4242, exitCode: 3, signal: null, spawnError: null });
    expect(parsed.error).toBe("failed with [redacted] and [redacted]");
  });
});

describe("report file", () => {
  it("is written 0600, replacing an existing file of another mode", async () => {
    const dir = await scratch();
    const path = join(dir, "report.json");
    await writeFile(path, "old", { mode: 0o644 });
    await writeReportFile(path, Buffer.from('{"a":1}\n'));
    expect(await readFile(path, "utf8")).toBe('{"a":1}\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(["report.json"]);
  });

  it("replaces a symlink at the path instead of writing through it (the attack: point it at a file the user owns)", async () => {
    const dir = await scratch();
    const victim = join(dir, "victim.txt");
    await writeFile(victim, "precious");
    const path = join(dir, "report.json");
    await symlink(victim, path);
    await writeReportFile(path, Buffer.from("{}\n"));
    expect(await readFile(victim, "utf8")).toBe("precious");
    expect((await lstat(path)).isSymbolicLink()).toBe(false);
  });

  it("a missing directory is an error, with nothing left behind", async () => {
    const dir = await scratch();
    await expect(writeReportFile(join(dir, "no", "report.json"), Buffer.from("{}"))).rejects.toMatchObject({
      code: "ENOENT",
    });
  });
});
