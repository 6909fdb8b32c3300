// Layers, names and references end to end: the built CLI against a real `secr-run serve` with two
// projects and three environments (docs/guide/layers.md).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { SecrClient } from "../../src/client/client.js";
import { allRuns, cleanEnv, CLI, leaks, NODE, runCli } from "../helpers/cli.js";
import { useLocalServer } from "../helpers/local-server.js";
import { readRecord, recordFile } from "../helpers/record.js";
import { tempDir } from "../helpers/temp.js";

const TOKEN = "secr_cli_layers_7d1e9a3c5b2f4680";
const shared = {
  DB_URL: "postgres://shared-pw-4q7w@db/app",
  LOG_LEVEL: "info",
  PW: "lay-pw-8e2r",
  HOST: "db.internal",
  WATCHED: "v1",
};
const production = {
  DB_URL: "postgres://prod-pw-1z9x@db/app",
  API_KEY: "lay-api-key-6t3y",
  URL: "postgres://app:${PW}@${HOST}/app",
  PRICE: "$${HOME} costs $5 and $HOME",
  OLD: "lay-old-value-2u5i",
};
const cycle = { A: "a-${B}", B: "b-${A}", MISSING: "x-${NOPE}" };
// Whoever can write a secret tries to copy secr-run's own token (or any local variable) into the child.
const grab = { STEAL: "t=${SECR_TOKEN}", HOMEDIR: "${HOME}" };
const base = { LOG_SINK: "syslog://lay-sink-3o6p", LOG_LEVEL: "debug" };
const VALUES = [...Object.values(shared), ...Object.values(production), ...Object.values(base), "lay-pw-8e2r"];

const server = useLocalServer({
  token: TOKEN,
  seed: {
    orgs: {
      acme: {
        projects: {
          web: {
            environments: { shared, production, cycle, grab },
            templates: [
              { key: "DB_URL", required: true },
              { key: "API_KEY", required: true },
            ],
          },
          infra: {
            environments: { base },
            templates: [
              { key: "LOG_SINK", required: true },
              { key: "TRACE_URL", required: true },
            ],
          },
        },
      },
    },
  },
});

const env = (extra: Record<string, string> = {}) => ({
  SECR_ORG: "acme",
  SECR_PROJECT: "web",
  SECR_API_URL: server.url,
  SECR_TOKEN: TOKEN,
  ...extra,
});
const json = async (args: string[], extra: Record<string, string> = {}) => {
  const result = await runCli(["export", "--format", "json", ...args], { env: env(extra) });
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, string>;
};

/** A run whose child leaves a marker file: `started` says whether the child ran at all. */
async function runMarked(args: string[]) {
  const dir = tempDir("secr-layers-never-");
  const marker = join(dir.path, "never");
  const script = `require("fs").writeFileSync(${JSON.stringify(marker)}, "ran")`;
  try {
    const result = await runCli([...args, "--", NODE, "-e", script], { env: env() });
    return { result, started: existsSync(marker) };
  } finally {
    dir.remove();
  }
}

afterAll(() => {
  expect(
    leaks(
      allRuns.flatMap((run) => [run.stderr]),
      VALUES,
    ),
  ).toEqual([]);
});

describe("layers: --env given several times", () => {
  it("applies later over earlier and names each overridden key once under -v, never a value", async () => {
    const result = await runCli(["export", "--format", "json", "-v", "--env", "shared", "--env", "production"], {
      env: env(),
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as Record<string, string>;
    expect(out.DB_URL).toBe(production.DB_URL);
    expect(out.LOG_LEVEL).toBe("info");
    expect(out.API_KEY).toBe(production.API_KEY);
    expect(result.stderr.match(/DB_URL: production overrides shared/g)).toHaveLength(1);
    expect(result.stderr).not.toMatch(/LOG_LEVEL: /);
  });

  it("reverses with the order, and SECR_ENV a,b and .secr.json's array mean the same; the flag replaces the file's list", async () => {
    expect((await json(["--env", "production", "--env", "shared"])).DB_URL).toBe(shared.DB_URL);
    expect((await json([], { SECR_ENV: "shared,production" })).DB_URL).toBe(production.DB_URL);
    const dir = tempDir("secr-layers-file-");
    try {
      writeFileSync(
        join(dir.path, ".secr.json"),
        JSON.stringify({ org: "acme", project: "web", env: ["production", "shared"] }),
        { mode: 0o600 },
      );
      const fromFile = await runCli(["export", "--format", "json"], {
        env: { SECR_API_URL: server.url, SECR_TOKEN: TOKEN },
        cwd: dir.path,
      });
      expect(fromFile.exitCode, fromFile.stderr).toBe(0);
      expect(JSON.parse(fromFile.stdout).DB_URL).toBe(shared.DB_URL);
      const flag = await runCli(["export", "--format", "json", "--env", "production"], {
        env: { SECR_API_URL: server.url, SECR_TOKEN: TOKEN },
        cwd: dir.path,
      });
      expect(JSON.parse(flag.stdout).LOG_LEVEL).toBeUndefined();
    } finally {
      dir.remove();
    }
  });

  it("takes a layer of another project (PROJECT/ENV), and checks every layer's template against the merged set (78 naming key and project)", async () => {
    const result = await runCli(
      ["export", "--format", "json", "--env", "infra/base", "--env", "shared", "--env", "production"],
      { env: env() },
    );
    expect(result.exitCode).toBe(78);
    expect(result.stdout).toBe("");
    // infra's template needs TRACE_URL, which no layer has; web's needs API_KEY, which only production has: no complaint.
    expect(result.stderr).toMatch(
      /acme\/web\/infra\/base\+shared\+production lacks required template keys: TRACE_URL \(template of infra\) \(nothing was printed\)/,
    );
    expect(result.stderr).not.toMatch(/API_KEY/);
    const noValidate = await json(["--no-validate", "--env", "infra/base", "--env", "shared", "--env", "production"]);
    expect(noValidate.LOG_SINK).toBe(base.LOG_SINK);
    expect(noValidate.LOG_LEVEL).toBe("info");
  });

  it("check validates the layered set; a command that takes one env refuses two (64)", async () => {
    const ok = await runCli(["check", "--env", "shared", "--env", "production"], { env: env() });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^acme\/web\/shared\+production: valid\n/);
    const alone = await runCli(["check", "--env", "shared"], { env: env() });
    expect(alone.exitCode).toBe(78);
    expect(alone.stdout).toMatch(/missing 1 required key: API_KEY/);
    const two = await runCli(["secrets", "list", "--env", "shared", "--env", "production"], { env: env() });
    expect(two.exitCode).toBe(64);
    expect(two.stderr).toMatch(/--env names 2 environments; this command works on one/);
    const dup = await runCli(["export", "--format", "json", "--env", "shared", "--env", "shared"], { env: env() });
    expect(dup.exitCode).toBe(64);
    expect(dup.stderr).toMatch(/given twice/);
  });
});

describe("names: --rename and --prefix", () => {
  it("renames then prefixes; the template still checks secr's names", async () => {
    const out = await json([
      "--env",
      "shared",
      "--env",
      "production",
      "--rename",
      "DB_URL=DATABASE_URL",
      "--prefix",
      "APP_",
      "--rename",
      "API_KEY=TOKEN",
    ]);
    expect(out.APP_DATABASE_URL).toBe(production.DB_URL);
    expect(out.APP_TOKEN).toBe(production.API_KEY);
    expect(out.DB_URL).toBeUndefined();
    expect(Object.keys(out).every((key) => key.startsWith("APP_"))).toBe(true);
  });

  it("a rename onto LD_PRELOAD is refused like a secret so named (65, nothing started)", async () => {
    const { result, started } = await runMarked(["--env", "production", "--rename", "OLD=LD_PRELOAD"]);
    expect(result.exitCode).toBe(65);
    expect(result.stderr).toMatch(/refused: LD_PRELOAD .*; renamed by --rename\/--prefix: LD_PRELOAD is secr's OLD\n/);
    expect(started).toBe(false);
    const prefixed = await runCli(["export", "--format", "json", "--env", "production", "--prefix", "LD_"], {
      env: env(),
    });
    expect(prefixed.exitCode).toBe(65);
  });

  it("two keys renamed onto one name, or onto a name another key has, is 64 naming both", async () => {
    const two = await runCli(
      ["export", "--format", "json", "--env", "production", "--rename", "OLD=X", "--rename", "API_KEY=X"],
      { env: env() },
    );
    expect(two.exitCode).toBe(64);
    expect(two.stderr).toMatch(/--rename (API_KEY=X and --rename OLD=X|OLD=X and --rename API_KEY=X) both give X/);
    const onto = await runCli(["export", "--format", "json", "--env", "production", "--rename", "OLD=DB_URL"], {
      env: env(),
    });
    expect(onto.exitCode).toBe(64);
    expect(onto.stderr).toMatch(
      /--rename OLD=DB_URL and the key DB_URL both give DB_URL|the key DB_URL and --rename OLD=DB_URL both give DB_URL/,
    );
    const bad = await runCli(["export", "--format", "json", "--env", "production", "--rename", "OLD"], { env: env() });
    expect(bad.exitCode).toBe(64);
    expect(bad.stderr).toMatch(/not OLD=NEW/);
  });
});

describe("references: --expand", () => {
  it("replaces ${KEY} across layers, keeps $${ as a literal ${ and a bare $KEY as it is; off by default", async () => {
    const out = await json(["--env", "shared", "--env", "production", "--expand"]);
    expect(out.URL).toBe(`postgres://app:${shared.PW}@${shared.HOST}/app`);
    expect(out.PRICE).toBe("${HOME} costs $5 and $HOME");
    const off = await json(["--env", "shared", "--env", "production"]);
    expect(off.URL).toBe(production.URL);
    expect(off.PRICE).toBe(production.PRICE);
  });

  it("a cycle stops with 78 naming the chain, never a value; so does a missing reference", async () => {
    const result = await runCli(["export", "--format", "json", "--env", "cycle", "--expand", "--only", "A"], {
      env: env(),
    });
    expect(result.exitCode).toBe(78);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/references form a cycle: (A -> B -> A|B -> A -> B)/);
    expect(result.stderr).not.toMatch(/a-|b-/);
    const { result: run, started } = await runMarked(["--env", "cycle", "--expand", "--rename", "A=AA"]);
    expect(run.exitCode).toBe(78);
    expect(started).toBe(false);
    const dir = tempDir("secr-layers-missing-");
    try {
      writeFileSync(join(dir.path, ".secr.json"), JSON.stringify({ org: "acme", project: "web", expand: true }), {
        mode: 0o600,
      });
      const missing = await runCli(["export", "--format", "json", "--env", "production", "--env", "cycle"], {
        env: { SECR_API_URL: server.url, SECR_TOKEN: TOKEN },
        cwd: dir.path,
      });
      expect(missing.exitCode).toBe(78);
      expect(missing.stderr).toMatch(/reference to a missing key|references form a cycle/);
      const off = await runCli(["export", "--format", "json", "--no-validate", "--no-expand", "--env", "cycle"], {
        env: { SECR_API_URL: server.url, SECR_TOKEN: TOKEN },
        cwd: dir.path,
      });
      expect(off.exitCode, off.stderr).toBe(0);
    } finally {
      dir.remove();
    }
  });
});

describe("what the child, its files and the report get", () => {
  it("--file, --template and --report-json see the layered, expanded, renamed names and values", async () => {
    const dir = tempDir("secr-layers-deliver-");
    try {
      const record = recordFile();
      const report = join(dir.path, "report.json");
      writeFileSync(join(dir.path, "app.tmpl"), "url={{{APP_URL}}} level={{{APP_LOG_LEVEL}}}\n");
      const result = await runCli(
        [
          ...[
            "--env",
            "shared",
            "--env",
            "production",
            "--expand",
            "--rename",
            "DB_URL=DATABASE_URL",
            "--prefix",
            "APP_",
          ],
          ...[
            "--file",
            "APP_DATABASE_URL",
            "--template",
            `${join(dir.path, "app.tmpl")}:${join(dir.path, "app.conf")}`,
            "--report-json",
            report,
          ],
          "--",
          NODE,
          "-e",
          // Records its environment, the file behind APP_DATABASE_URL_FILE and the rendered template (both removed when secr-run ends).
          `const fs = require("fs"); fs.writeFileSync(process.env.RECORD_TO, JSON.stringify({ env: process.env, argv: [], file: fs.readFileSync(process.env.APP_DATABASE_URL_FILE, "utf8"), conf: fs.readFileSync(${JSON.stringify(join(dir.path, "app.conf"))}, "utf8") }))`,
        ],
        { env: env({ RECORD_TO: record }) },
      );
      expect(result.exitCode, result.stderr).toBe(0);
      const recorded = readRecord(record) as ReturnType<typeof readRecord> & { file: string; conf: string };
      const got = recorded.env;
      expect(got.APP_URL).toBe(`postgres://app:${shared.PW}@${shared.HOST}/app`);
      expect(got.APP_DATABASE_URL).toBeUndefined();
      expect(got.DB_URL).toBeUndefined();
      expect(recorded.file).toBe(production.DB_URL);
      expect(recorded.conf).toBe(`url=${got.APP_URL} level=info\n`);
      const written = JSON.parse(readFileSync(report, "utf8")) as { target: string; keys: { injected: string[] } };
      expect(written.target).toBe("acme/web/shared+production");
      expect(written.keys.injected).toContain("APP_URL");
      expect(written.keys.injected).not.toContain("URL");
      expect(leaks([readFileSync(report, "utf8")], VALUES)).toEqual([]);
    } finally {
      dir.remove();
    }
  });
});

describe("attacks", () => {
  it("--mask also covers what an injected value was expanded from: a child printing the password it parsed out of a URL", async () => {
    const result = await runCli(
      [
        ...["--env", "shared", "--env", "production", "--no-validate", "--expand", "--only", "URL", "--mask", "--"],
        NODE,
        "-e",
        "console.log(new URL(process.env.URL).password, process.env.PW === undefined)",
      ],
      { env: env() },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).not.toContain(shared.PW);
    expect(result.stdout).toBe("[secr:PW (referenced)] true\n");
  });

  it("a reference never reads secr-run's own environment: ${SECR_TOKEN} is a missing key (78), the token goes nowhere", async () => {
    const result = await runCli(["export", "--format", "json", "--no-validate", "--env", "grab", "--expand"], {
      env: env({ HOME: "/home/lay-home-9s8d" }),
    });
    expect(result.exitCode).toBe(78);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/reference to a missing key: (STEAL -> SECR_TOKEN|HOMEDIR -> HOME)/);
    expect(leaks([result.stdout, result.stderr], [TOKEN, "/home/lay-home-9s8d"])).toEqual([]);
  });

  it("a hostile .secr.json renaming or prefixing onto a code-loading name is refused like a secret so named (65)", async () => {
    const dir = tempDir("secr-layers-hostile-");
    try {
      for (const file of [{ rename: { OLD: "LD_PRELOAD" } }, { prefix: "LD_" }, { rename: { OLD: "NODE_OPTIONS" } }]) {
        writeFileSync(join(dir.path, ".secr.json"), JSON.stringify({ org: "acme", project: "web", ...file }), {
          mode: 0o600,
        });
        const result = await runCli(["export", "--format", "json", "--env", "production"], {
          env: { SECR_API_URL: server.url, SECR_TOKEN: TOKEN },
          cwd: dir.path,
        });
        expect(result.exitCode, `${JSON.stringify(file)}: ${result.stderr}`).toBe(65);
        expect(result.stdout).toBe("");
      }
      writeFileSync(
        join(dir.path, ".secr.json"),
        JSON.stringify({ org: "acme", project: "web", rename: { OLD: "LD_PRELOAD" } }),
        { mode: 0o600 },
      );
      const run = await runCli(["--env", "production", "--", NODE, "-e", "0"], {
        env: { SECR_API_URL: server.url, SECR_TOKEN: TOKEN },
        cwd: dir.path,
      });
      expect(run.exitCode).toBe(65);
      expect(run.stderr).toMatch(/LD_PRELOAD/);
    } finally {
      dir.remove();
    }
  });
});

describe("explain on a layered, expanded, renamed run", () => {
  it("shows each key's layer, what it overrode, secr's name and what it references; never a value", async () => {
    const args = [
      "explain",
      "--json",
      "--env",
      "shared",
      "--env",
      "production",
      "--expand",
      "--rename",
      "DB_URL=DATABASE_URL",
    ];
    const result = await runCli(args, { env: env() });
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      rows: Array<{ key: string; layer?: string; overrode?: string[]; secrName?: string; references?: string[] }>;
    };
    const row = (key: string) => report.rows.find((r) => r.key === key)!;
    expect(row("DATABASE_URL")).toMatchObject({ layer: "production", overrode: ["shared"], secrName: "DB_URL" });
    expect(row("URL")).toMatchObject({ layer: "production", references: ["PW", "HOST"] });
    expect(row("LOG_LEVEL").layer).toBe("shared");
    expect(row("LOG_LEVEL").overrode).toBeUndefined();
    const table = await runCli(
      args.filter((a) => a !== "--json"),
      { env: env() },
    );
    expect(table.stdout).toMatch(/DATABASE_URL .*from production, overrides shared; secr key DB_URL/);
    expect(table.stdout).toMatch(/URL .*from production; expanded from \$\{PW\}, \$\{HOST\}/);
    expect(leaks([result.stdout, table.stdout], VALUES)).toEqual([]);
  });
});

describe("the snapshot of a layered run", () => {
  it("--offline starts from the layered snapshot of exactly these layers", async () => {
    const cache = tempDir("secr-layers-cache-");
    try {
      const layers = ["--env", "shared", "--env", "production", "--cache-dir", cache.path];
      const online = await runCli(["export", "--format", "json", ...layers], { env: env() });
      expect(online.exitCode, online.stderr).toBe(0);
      const offline = await runCli(["explain", "--json", "--offline", ...layers], { env: env() });
      expect(offline.exitCode, offline.stderr).toBe(0);
      const report = JSON.parse(offline.stdout) as {
        source: { kind: string };
        rows: Array<{ key: string; layer?: string; overrode?: string[] }>;
      };
      expect(report.source.kind).toBe("snapshot");
      expect(report.rows.find((r) => r.key === "DB_URL")).toMatchObject({ layer: "production", overrode: ["shared"] });
      const exported = await runCli(["export", "--format", "json", "--offline", ...layers], { env: env() });
      expect(exported.stdout).toBe(online.stdout);
      // Another set of layers is another snapshot: none yet.
      const other = await runCli(
        [
          "export",
          "--format",
          "json",
          "--offline",
          "--env",
          "production",
          "--env",
          "shared",
          "--cache-dir",
          cache.path,
        ],
        { env: env() },
      );
      expect(other.exitCode).toBe(69);
      expect(other.stderr).toMatch(/no snapshot of acme\/web\/production\+shared/);
    } finally {
      cache.remove();
    }
  });
});

describe("one fetch for many layered runs", () => {
  it("runs launched together with the same layers share one pull of each layer", async () => {
    const cache = tempDir("secr-layers-share-");
    try {
      const pulls = (env: string) =>
        server
          .stderr()
          .split("\n")
          .filter((line) => line.includes(` GET /v1/secrets/acme/web/${env} `)).length;
      const before = [pulls("shared"), pulls("production")];
      const runs = await Promise.all(
        Array.from({ length: 6 }, () =>
          runCli(
            [
              "--env",
              "shared",
              "--env",
              "production",
              "--cache-dir",
              cache.path,
              "--share-window",
              "5m",
              "--",
              NODE,
              "-e",
              "0",
            ],
            { env: env() },
          ),
        ),
      );
      for (const run of runs) expect(run.exitCode, run.stderr).toBe(0);
      expect([pulls("shared") - before[0]!, pulls("production") - before[1]!]).toEqual([1, 1]);
    } finally {
      cache.remove();
    }
  });
});

describe("--watch over layers", () => {
  it("restarts the child when a key of the lower layer changes", async () => {
    const dir = tempDir("secr-layers-watch-");
    const client = new SecrClient({ apiUrl: server.url, token: TOKEN });
    const child = fileURLToPath(new URL("../watch/fixtures/watch-child.cjs", import.meta.url));
    const marker = join(dir.path, "marker.log");
    const run = execa(
      NODE,
      [
        CLI,
        "--env",
        "shared",
        "--env",
        "production",
        "--watch",
        "--watch-interval",
        "1s",
        "--watch-debounce",
        "200ms",
        "--no-validate",
        "--",
        NODE,
        child,
        marker,
      ],
      {
        reject: false,
        extendEnv: false,
        env: cleanEnv({ ...env(), XDG_CACHE_HOME: join(dir.path, "cache") }),
        cwd: dir.path,
        stdin: "ignore",
        buffer: false,
      },
    );
    let stderr = "";
    run.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const starts = () =>
      existsSync(marker)
        ? readFileSync(marker, "utf8")
            .split("\n")
            .filter((line) => line.startsWith("start "))
        : [];
    const waitFor = async (count: number) => {
      const deadline = Date.now() + 20_000;
      while (starts().length < count) {
        if (Date.now() > deadline || run.exitCode !== null) throw new Error(`waiting for start ${count}\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      await waitFor(1);
      expect(starts()[0]).toMatch(/ v1$/);
      await client.setSecret("acme", "web", "shared", "WATCHED", "v2");
      await waitFor(2);
      expect(starts()[1]).toMatch(/ v2$/);
    } finally {
      run.kill("SIGTERM");
      await run;
      await client.setSecret("acme", "web", "shared", "WATCHED", "v1");
      await client.close();
      dir.remove();
    }
  });
});
