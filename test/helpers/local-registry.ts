// A package registry on 127.0.0.1 (port 0) serving the runtime dependencies from this checkout's
// node_modules, packed once: installs of the packed secr-run (npm install -g, npm ci) resolve them
// with no network. Only what npm asks for an install: the packument and the tarball.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { ROOT } from "./cli.js";
import { tempDir } from "./temp.js";

export interface LocalRegistry {
  url: string;
  close(): Promise<void>;
}

export async function localRegistry(
  names: readonly string[] = Object.keys(
    (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> })
      .dependencies,
  ),
): Promise<LocalRegistry> {
  const dir = tempDir("secr-run-registry-");
  const packed = new Map<
    string,
    { manifest: Record<string, unknown>; file: string; integrity: string; shasum: string }
  >();
  for (const name of names) {
    const source = join(ROOT, "node_modules", name);
    const [info] = JSON.parse(
      execFileSync("npm", ["pack", source, "--json", "--ignore-scripts", "--pack-destination", dir.path], {
        encoding: "utf8",
        cwd: dir.path,
      }),
    ) as Array<{
      filename: string;
      integrity: string;
      shasum: string;
    }>;
    packed.set(name, {
      manifest: JSON.parse(readFileSync(join(source, "package.json"), "utf8")) as Record<string, unknown>,
      file: join(dir.path, info!.filename),
      ...info!,
    });
  }
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname).slice(1);
    const entry = packed.get(path.split("/-/")[0]!);
    if (entry === undefined)
      return void response.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
    const version = entry.manifest.version as string;
    const tarball = `${url}/${entry.manifest.name as string}/-/${entry.file.split("/").pop()!}`;
    if (path.includes("/-/"))
      return void response.writeHead(200, { "content-type": "application/octet-stream" }).end(readFileSync(entry.file));
    const manifest = { ...entry.manifest, dist: { tarball, integrity: entry.integrity, shasum: entry.shasum } };
    response.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        name: entry.manifest.name,
        "dist-tags": { latest: version },
        versions: { [version]: manifest },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        dir.remove();
      }),
  };
}
