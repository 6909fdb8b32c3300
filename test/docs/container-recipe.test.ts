// docs/guide/containers.md without a container runtime: the Dockerfile's file-system steps in a
// clean temporary directory, from `npm pack` output. FROM is checked, WORKDIR/COPY/RUN/ENV are
// performed with the image's paths (/app, /var/cache/secr-run) mapped into that directory and
// node:node as the current user, USER is not (no second user here), and ENTRYPOINT + CMD run
// against a local server; then again with the server stopped, as a new container during a secr
// outage starts: from the snapshot on the "volume".
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, NODE, ROOT } from "../helpers/cli.js";
import { missingLine, nodeOfLine } from "../helpers/node-lines.js";
import { localRegistry, type LocalRegistry } from "../helpers/local-registry.js";
import { startLocalServer } from "../helpers/local-server.js";
import { tempDir } from "../helpers/temp.js";

const guide = readFileSync(join(ROOT, "docs/guide/containers.md"), "utf8");
const dockerfiles = [...guide.matchAll(/^```dockerfile\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const DATABASE_URL = "postgres://shop:container-recipe-7d1f@db/shop";
const IMAGE_PATHS = ["/var/cache/secr-run", "/app"];
const hasExec = execFileSync(NODE, [CLI, "--help"], { encoding: "utf8" }).includes("--exec");
/** `--exec` needs Node >= 22.15 (docs/guide/containers.md): the image's node for that Dockerfile. */
const execNode = [26, 24, 22].map(nodeOfLine).find((node) => node !== undefined);

const work = tempDir("secr-run-image-");
let registry: LocalRegistry | undefined;
afterAll(async () => {
  await registry?.close();
  work.remove();
});

interface Instruction {
  op: string;
  args: string;
}
const instructions = (text: string): Instruction[] =>
  text
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"))
    .map((line) => ({ op: /^\S+/.exec(line)![0], args: line.replace(/^\S+\s+/, "") }));

/** The image's file system as a directory, and its ENV, after the build steps. */
interface Image {
  root: string;
  workdir: string;
  env: Record<string, string>;
  volumes: string[];
  entrypoint: string[];
  cmd: string[];
}
const ids = `${process.getuid!()}:${process.getgid!()}`;
const mapPaths = (root: string, text: string) =>
  IMAGE_PATHS.reduce((out, path) => out.replaceAll(new RegExp(`(^|[\\s=:"])${path}`, "g"), `$1${root}${path}`), text);

async function build(
  dockerfile: string,
  context: string,
  root: string,
  buildEnv: Record<string, string>,
): Promise<Image> {
  const image: Image = {
    root,
    workdir: root,
    env: { PATH: "/usr/local/bin:/usr/bin:/bin" },
    volumes: [],
    entrypoint: [],
    cmd: [],
  };
  for (const { op, args } of instructions(dockerfile)) {
    if (op === "FROM")
      expect(args, "a current Node line (24 LTS or 26)").toMatch(
        /^node:(24|26)(\.\d+)*(-slim|-bookworm-slim|-alpine)?$/,
      );
    else if (op === "WORKDIR") mkdirSync((image.workdir = mapPaths(root, args)), { recursive: true });
    else if (op === "COPY") {
      const words = args.split(/\s+/);
      const dest = join(image.workdir, words.pop()!);
      for (const source of words)
        cpSync(join(context, source), source.endsWith("/") ? dest : join(dest, source), { recursive: true });
    } else if (op === "RUN") {
      const text = mapPaths(root, args).replaceAll("node:node", ids);
      const result = await execa("bash", ["-e", "-c", text], {
        cwd: image.workdir,
        env: { ...image.env, ...buildEnv, PATH: `${image.env.PATH}:${buildEnv.PATH}` },
        extendEnv: false,
        reject: false,
        all: true,
      });
      expect(result.exitCode, `RUN ${args}\n${result.all}`).toBe(0);
    } else if (op === "ENV") {
      for (const [, name, value] of mapPaths(root, args).matchAll(/(\w+)=(\S+)/g))
        image.env[name!] = value!.replace(/\$(\w+)/g, (_, ref: string) => image.env[ref] ?? "");
    } else if (op === "VOLUME") image.volumes.push(mapPaths(root, args));
    else if (op === "USER")
      continue; // one user here: the current one stands for `node`
    else if (op === "ENTRYPOINT") image.entrypoint = JSON.parse(args) as string[];
    else if (op === "CMD") image.cmd = JSON.parse(args) as string[];
    else throw new Error(`the test does not know the Dockerfile instruction ${op}`);
  }
  return image;
}

/** `docker run -e SECR_TOKEN -e SECR_ORG=acme -e SECR_PROJECT=shop -v volume:/var/cache/secr-run image`. */
const run = (image: Image, env: Record<string, string>) =>
  execa(image.entrypoint[0]!, [...image.entrypoint.slice(1), ...image.cmd], {
    cwd: image.workdir,
    env: { ...image.env, HOME: join(image.root, "home"), SECR_ORG: "acme", SECR_PROJECT: "shop", ...env },
    extendEnv: false,
    reject: false,
  });

let context = "";
beforeAll(async () => {
  registry = await localRegistry();
  // The app's project, as the guide has the user make it: npm pack (here from this build, already
  // made) into vendor/, then npm install of that tarball, which writes package.json and its lock.
  context = join(work.path, "shop");
  mkdirSync(join(context, "vendor"), { recursive: true });
  execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", join(context, "vendor")], {
    cwd: ROOT,
    stdio: "ignore",
  });
  writeFileSync(join(context, "package.json"), '{ "name": "shop", "version": "1.0.0", "private": true }\n');
  writeFileSync(
    join(context, "server.js"),
    'console.log("DATABASE_URL is", process.env.DATABASE_URL ? "set" : "missing");\n',
  );
  // Not execFileSync: the registry answers from this process's event loop.
  await execa("npm", ["install", `./vendor/secr-run-${version}.tgz`, "--no-audit", "--no-fund"], {
    cwd: context,
    env: { npm_config_registry: registry.url, npm_config_cache: join(work.path, "npm-cache") },
  });
}, 180_000);

describe("docs/guide/containers.md, without docker", () => {
  it("the app depends on secr-run as a dependency, so npm ci --omit=dev keeps it", () => {
    const pkg = JSON.parse(readFileSync(join(context, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    expect(pkg.dependencies?.["secr-run"]).toBe(`file:vendor/secr-run-${version}.tgz`);
    expect(pkg.devDependencies).toBeUndefined();
  });

  for (const [index, dockerfile] of dockerfiles.entries()) {
    const full = dockerfile.startsWith("FROM");
    const exec = dockerfile.includes('"--exec"');
    const node = exec ? execNode : NODE;
    it.skipIf(exec && (!hasExec || node === undefined))(
      `Dockerfile ${index + 1} (${exec ? "--exec" : "the supervising default"}): starts the app, and a new container during an outage starts it from the snapshot volume${node === undefined ? ` (skipped: ${missingLine(26)})` : ""}`,
      async () => {
        const root = join(work.path, `image-${index}`);
        // The short form in the guide replaces ENTRYPOINT and CMD of the full one.
        const text = full ? dockerfile : `${dockerfiles[0]!.replace(/^(ENTRYPOINT|CMD) .*\n/gm, "")}${dockerfile}`;
        const image = await build(text, context, root, {
          PATH: `${node!.replace(/\/[^/]+$/, "")}:/usr/bin:/bin`,
          HOME: join(work.path, "build-home"),
          npm_config_registry: registry!.url,
          npm_config_cache: join(work.path, "npm-cache"),
        });
        expect(readdirSync(join(root, "app", "node_modules", ".bin"))).toContain("secr-run");
        expect(image.volumes).toEqual([join(root, "/var/cache/secr-run")]);
        expect(statSync(image.volumes[0]!).mode & 0o777).toBe(0o700);
        // The image's PATH, not the test's; the chosen node's directory stands for the image's
        // /usr/local/bin, so it goes first (this machine's /usr/local/bin may hold another line).
        image.env.PATH = `${node!.replace(/\/[^/]+$/, "")}:${image.env.PATH}`;

        const server = await startLocalServer({
          seed: {
            orgs: {
              acme: {
                projects: {
                  shop: {
                    environments: { production: { DATABASE_URL } },
                    templates: [{ key: "DATABASE_URL", required: true }],
                  },
                },
              },
            },
          },
        });
        const secrToken = server.token;
        const online = await run(image, { SECR_TOKEN: secrToken, SECR_API_URL: server.url });
        expect([online.exitCode, online.stdout], online.stderr).toEqual([0, "DATABASE_URL is set"]);
        expect(readdirSync(image.volumes[0]!).length).toBeGreaterThan(0);
        await server.stop();

        // A new container minutes later (no fetch shared with the last one) while secr is down.
        const later = { SECR_TOKEN: secrToken, SECR_API_URL: server.url, SECR_SHARE_WINDOW: "0" };
        const withoutVolume = await run(image, { ...later, SECR_CACHE_DIR: join(root, "container-fs-cache") });
        expect(withoutVolume.exitCode, withoutVolume.stderr).toBe(69); // the snapshot inside the container died with it
        const outage = await run(image, later);
        expect([outage.exitCode, outage.stdout], outage.stderr).toEqual([0, "DATABASE_URL is set"]);
        expect(outage.stderr).toMatch(/using the snapshot of acme\/shop\/production/);
        // The volume holds no value in clear.
        for (const file of readdirSync(image.volumes[0]!, { recursive: true }) as string[]) {
          const path = join(image.volumes[0]!, file);
          if (statSync(path).isFile()) expect(readFileSync(path).includes(DATABASE_URL.slice(13)), file).toBe(false);
        }
      },
      180_000,
    );
  }

  it("the guide has the full Dockerfile and the supervising alternative", () => {
    expect(dockerfiles.length).toBe(2);
    expect(dockerfiles[0]).toContain('ENTRYPOINT ["secr-run", "--exec", "--env", "production", "--"]');
    expect(dockerfiles[1]).toContain('ENTRYPOINT ["secr-run", "--env", "production", "--"]');
  });
});
