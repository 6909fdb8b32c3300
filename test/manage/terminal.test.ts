// The prompts of `secrets set` and `secrets delete` in a real pseudo-terminal: the value typed
// is never echoed, and delete asks before it deletes.
import { describe, expect, it } from "vitest";
import { useLocalServer } from "../helpers/local-server.js";
import { cleanEnv, runCli } from "../helpers/cli.js";
import { cliInTerminal, type Step } from "../helpers/pty.js";

const ADMIN = "secr_cli_terminal_admin_5a1c9e7b";
const server = useLocalServer({
  token: ADMIN,
  seed: { orgs: { acme: { projects: { api: { environments: { dev: { OLD: "old-value-z9z9" } } } } } } },
});

const env = () =>
  cleanEnv({
    SECR_ORG: "acme",
    SECR_PROJECT: "api",
    SECR_ENV: "dev",
    SECR_API_URL: server.url,
    SECR_TOKEN: ADMIN,
    TERM: "dumb",
  });
const inTerminal = (args: string[], steps: Step[]) => cliInTerminal(args, env(), steps);

const valueOf = async (key: string) => (await runCli(["secrets", "get", key], { env: env() })).stdout;

describe("on a terminal", () => {
  it("secrets set prompts on the terminal and does not echo the value", async () => {
    const value = "typed-secret-value-h3k8";
    const transcript = await inTerminal(
      ["secrets", "set", "TYPED"],
      [{ expect: "not echoed\\): " }, { send: `${value}\r` }, { expect: "version 1" }],
    );
    expect(transcript).toContain("value for TYPED in acme/api/dev (not echoed): ");
    expect(transcript).toContain("exit=0");
    expect(transcript).not.toContain(value);
    expect(transcript).not.toContain("h3k8");
    expect(await valueOf("TYPED")).toBe(value);
  });

  it("backspace edits; Ctrl-C cancels and changes nothing", async () => {
    await inTerminal(
      ["secrets", "set", "EDITED"],
      [{ expect: "not echoed" }, { send: "abcX\u007fd\r" }, { expect: "version" }],
    );
    expect(await valueOf("EDITED")).toBe("abcd");
    const transcript = await inTerminal(
      ["secrets", "set", "CANCELLED"],
      [{ expect: "not echoed" }, { send: "partial\u0003" }],
    );
    expect(transcript).toContain("cancelled; nothing was changed");
    expect(transcript).toContain("exit=64");
    expect(transcript).not.toContain("partial");
    expect((await runCli(["secrets", "get", "CANCELLED"], { env: env() })).exitCode).toBe(78);
  });

  it("secrets delete asks: n keeps the key, y deletes it", async () => {
    const kept = await inTerminal(["secrets", "delete", "OLD"], [{ expect: "\\[y/N\\] " }, { send: "n\r" }]);
    expect(kept).toContain("delete OLD from acme/api/dev? [y/N]");
    expect(kept).toContain("nothing was deleted");
    expect(await valueOf("OLD")).toBe("old-value-z9z9");
    const gone = await inTerminal(["secrets", "delete", "OLD"], [{ expect: "\\[y/N\\] " }, { send: "y\r" }]);
    expect(gone).toContain("deleted from acme/api/dev: OLD");
    expect(gone).toContain("exit=0");
    expect((await runCli(["secrets", "get", "OLD"], { env: env() })).exitCode).toBe(78);
  });
});
