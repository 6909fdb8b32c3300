// A TypeScript fixture bundled (esbuild) into one ESM file, so a real child process can run our
// sources as they are.
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export interface BundleOptions {
  /** Give the bundle a `require` (for CommonJS dependencies that require Node built-ins). */
  require?: boolean;
}

/** Bundle `entry` (a path or file URL) to `outfile`; returns outfile. */
export async function bundleFixture(
  entry: string | URL,
  outfile: string,
  options: BundleOptions = {},
): Promise<string> {
  await build({
    entryPoints: [entry instanceof URL ? fileURLToPath(entry) : entry],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "warning",
    ...(options.require
      ? {
          banner: {
            js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
          },
        }
      : {}),
  });
  return outfile;
}
