import { describe, expect, it } from "vitest";
import { loadSchema, REQUIRED_RULE, SCHEMA_TYPES, type Schema } from "../../src/schema/index.js";

const FILE = "/repo/.secr.json";

function schema(raw: unknown): Schema {
  const loaded = loadSchema(raw, FILE);
  if (loaded instanceof Error) throw loaded;
  return loaded;
}

function failuresOf(raw: unknown, env: Record<string, string>) {
  return schema(raw).check((key) => env[key]).failures;
}

/** Values each type accepts and refuses. */
const CASES: Record<string, { spec: unknown; good: string[]; bad: string[] }> = {
  string: { spec: "string", good: ["", "anything at all"], bad: [] },
  int: {
    spec: "int",
    good: ["0", "-12", "+7", "9007199254740991"],
    bad: ["1.5", "12a", "", " 1", "9007199254740993", "0x10"],
  },
  number: {
    spec: "number",
    good: ["0", "-1.5", ".5", "1e3", "2.", "+3"],
    bad: ["abc", "", "1e", "Infinity", "NaN", "1,5"],
  },
  port: { spec: "port", good: ["1", "80", "65535"], bad: ["0", "65536", "-1", "80.0", "http", "123456"] },
  bool: { spec: "bool", good: ["true", "FALSE", "1", "0", "yes", "No", "on", "off"], bad: ["", "maybe", "2", "t"] },
  url: {
    spec: "url",
    good: ["https://example.com/x", "postgres://u:p@db:5432/app"],
    bad: ["example.com", "", "not a url"],
  },
  "url with protocols": {
    spec: { type: "url", protocols: ["postgres", "postgresql:"] },
    good: ["postgres://u@db/app", "postgresql://db/app", "POSTGRES://db/app"],
    bad: ["https://db/app", "mysql://db/app", "postgres"],
  },
  email: { spec: "email", good: ["ops@example.com"], bad: ["ops@", "example.com", ""] },
  uuid: {
    spec: "uuid",
    good: ["123e4567-e89b-42d3-a456-426614174000"],
    bad: ["123e4567", "zzze4567-e89b-42d3-a456-426614174000"],
  },
  enum: { spec: { enum: ["debug", "info", "warn"] }, good: ["debug", "warn"], bad: ["DEBUG", "error", ""] },
  regex: {
    spec: { type: "regex", pattern: "sk_(live|test)_[a-z0-9]+" },
    good: ["sk_live_abc1", "sk_test_0"],
    bad: ["xsk_live_abc", "sk_live_abc!", "sk_prod_1"],
  },
  "regex shorthand": { spec: { pattern: "[0-9]{4}" }, good: ["2024"], bad: ["20245", "abcd"] },
  json: { spec: "json", good: ['{"a":1}', "[1,2]", '"s"', "3", "null"], bad: ["{a:1}", "", "{"] },
  base64: { spec: "base64", good: ["aGVsbG8=", "AAAA", ""], bad: ["aGVsbG8", "a b=", "***"] },
  duration: { spec: "duration", good: ["500ms", "10s", "1h30m", "7d", "0"], bad: ["10", "ten seconds", "", "5 s"] },
};

describe("types", () => {
  it("every documented type is covered here", () => {
    const covered = new Set(
      Object.values(CASES).map(({ spec }) =>
        typeof spec === "string"
          ? spec
          : ((spec as { type?: string }).type ?? ("enum" in (spec as object) ? "enum" : "regex")),
      ),
    );
    expect([...covered].sort()).toEqual([...SCHEMA_TYPES].sort());
  });

  for (const [name, { spec, good, bad }] of Object.entries(CASES)) {
    it(`${name}: accepts ${good.length} and refuses ${bad.length} values`, () => {
      for (const value of good)
        expect(failuresOf({ K: spec }, { K: value }), `${name} should accept ${JSON.stringify(value)}`).toEqual([]);
      for (const value of bad) {
        const failures = failuresOf({ K: spec }, { K: value });
        expect(failures, `${name} should refuse ${JSON.stringify(value)}`).toHaveLength(1);
        expect(failures[0]!.key).toBe("K");
      }
    });
  }
});

describe("checking an environment", () => {
  const declared = {
    PORT: "port",
    DATABASE_URL: { type: "url", protocols: ["postgres", "postgresql"] },
    LOG_LEVEL: { enum: ["debug", "info", "warn"] },
    FEATURE_X: { type: "bool", optional: true, default: "false" },
    SENTRY_DSN: { type: "url", optional: true },
    API_KEY: { type: "string", minLength: 32, maxLength: 64 },
  };

  it("lists every failing key once, in declaration order, with the rule it broke and never the value", () => {
    const env = {
      PORT: "http-secret-port",
      DATABASE_URL: "mysql://user:hunter2-pass@db/app",
      LOG_LEVEL: "verbose-secret",
      API_KEY: "short-secret",
    };
    const result = schema(declared).check((key) => env[key as keyof typeof env]);
    expect(result.failures).toEqual([
      { key: "PORT", rule: "must be a port number (1-65535)" },
      { key: "DATABASE_URL", rule: "must be a URL with protocol postgres or postgresql" },
      { key: "LOG_LEVEL", rule: "must be one of debug, info, warn" },
      { key: "API_KEY", rule: "must be at least 32 characters long" },
    ]);
    const text = JSON.stringify(result);
    for (const value of Object.values(env)) expect(text).not.toContain(value);
  });

  it("absent keys: required fails, optional passes, a default is returned for injection", () => {
    const result = schema(declared).check(() => undefined);
    expect(result.failures.map((f) => f.key)).toEqual(["PORT", "DATABASE_URL", "LOG_LEVEL", "API_KEY"]);
    expect(result.failures.every((f) => f.rule === REQUIRED_RULE)).toBe(true);
    expect(result.defaults).toEqual({ FEATURE_X: "false" });
  });

  it("a present key keeps its value: the default is not used", () => {
    const env: Record<string, string> = {
      PORT: "8080",
      DATABASE_URL: "postgres://db/app",
      LOG_LEVEL: "info",
      FEATURE_X: "yes",
      API_KEY: "k".repeat(40),
    };
    const result = schema(declared).check((key) => env[key]);
    expect(result).toEqual({
      failures: [],
      defaults: {},
      passed: ["PORT", "DATABASE_URL", "LOG_LEVEL", "FEATURE_X", "API_KEY"],
    });
  });

  it("maxLength is checked", () => {
    expect(failuresOf({ K: { type: "string", maxLength: 3 } }, { K: "abcd" })).toEqual([
      { key: "K", rule: "must be at most 3 characters long" },
    ]);
  });

  it("describe() names the type for explain", () => {
    const s = schema(declared);
    expect(s.describe("DATABASE_URL")).toBe("url (postgres|postgresql)");
    expect(s.describe("LOG_LEVEL")).toBe("enum (debug|info|warn)");
    expect(s.describe("PORT")).toBe("port");
    expect(s.describe("OTHER")).toBeUndefined();
  });

  it("numbers and booleans are accepted as defaults, as the strings they spell", () => {
    expect(
      schema({ PORT: { type: "port", default: 3000 }, X: { type: "bool", default: false } }).check(() => undefined)
        .defaults,
    ).toEqual({ PORT: "3000", X: "false" });
  });
});

describe("invalid declarations are configuration errors naming the entry", () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ["not an object", ["PORT"], /"schema" must be an object/],
    ["unknown type", { PORT: "portnumber" }, /schema entry PORT: unknown type "portnumber"/],
    ["no type", { PORT: { optional: true } }, /schema entry PORT: needs a "type"/],
    [
      "misspelt option",
      { DB: { type: "url", protocol: ["postgres"] } },
      /schema entry DB: unknown option "protocol" for type url/,
    ],
    ["option of another type", { P: { type: "port", pattern: "x" } }, /schema entry P: unknown option "pattern"/],
    ["enum without values", { L: { type: "enum" } }, /schema entry L: type enum needs "enum"/],
    ["enum not strings", { L: { enum: [1, 2] } }, /schema entry L: type enum needs "enum"/],
    ["bad regex", { K: { pattern: "(" } }, /schema entry K: "pattern" is not a valid regular expression/],
    ["bad protocols", { U: { type: "url", protocols: [] } }, /schema entry U: "protocols" must be a non-empty list/],
    ["bad optional", { K: { type: "string", optional: "yes" } }, /schema entry K: "optional" must be true or false/],
    ["negative length", { K: { type: "string", minLength: -1 } }, /schema entry K: "minLength" must be a whole number/],
    [
      "min > max",
      { K: { type: "string", minLength: 5, maxLength: 2 } },
      /"minLength" \(5\) is greater than "maxLength" \(2\)/,
    ],
    [
      "default breaks its rule",
      { PORT: { type: "port", default: "http" } },
      /schema entry PORT: "default" must be a port number/,
    ],
    ["default of wrong kind", { K: { type: "string", default: {} } }, /schema entry K: "default" must be a string/],
    ["invalid key", { "BAD-NAME": "string" }, /schema entry "BAD-NAME": is not a valid environment variable name/],
    [
      "default for a loader variable",
      { NODE_OPTIONS: { type: "string", default: "--require ./x.js" } },
      /schema entry NODE_OPTIONS: a default is not allowed/,
    ],
  ];
  for (const [name, raw, message] of cases) {
    it(name, () => {
      const result = loadSchema(raw, FILE);
      expect(result).toBeInstanceOf(Error);
      expect((result as Error).message).toMatch(message);
      expect((result as Error).message.startsWith(`${FILE}: `)).toBe(true);
      expect((result as Error).message).not.toMatch(/\n/);
    });
  }

  it("a code-loading name may still be checked, just not defaulted", () => {
    expect(loadSchema({ NODE_OPTIONS: { type: "string", optional: true } }, FILE)).not.toBeInstanceOf(Error);
  });
});
