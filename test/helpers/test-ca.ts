// A throwaway CA and a server certificate for 127.0.0.1 signed by it, made with openssl at test
// time (nothing fixed in the repository). Test files skip when openssl is absent.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface TestCa {
  caFile: string;
  certFile: string;
  keyFile: string;
}

export function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export function makeTestCa(dir: string): TestCa {
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  const p = (name: string) => join(dir, name);
  run(
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=secr-run test CA",
    "-keyout",
    p("ca.key"),
    "-out",
    p("ca.crt"),
  );
  run(
    "req",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-subj",
    "/CN=127.0.0.1",
    "-keyout",
    p("node.key"),
    "-out",
    p("node.csr"),
  );
  writeFileSync(p("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n");
  run(
    "x509",
    "-req",
    "-in",
    p("node.csr"),
    "-CA",
    p("ca.crt"),
    "-CAkey",
    p("ca.key"),
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    p("ext.cnf"),
    "-out",
    p("node.crt"),
  );
  return { caFile: p("ca.crt"), certFile: p("node.crt"), keyFile: p("node.key") };
}
