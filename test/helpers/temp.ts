// Temp directories for tests: made under the OS temp dir, always removed (they may hold test
// secrets). One definition for every test file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach } from "vitest";

export interface TempDir {
  path: string;
  /** Delete it and everything in it (never fails). */
  remove(): void;
}

/** A fresh directory; the caller removes it. */
export function tempDir(prefix = "secr-run-test-"): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

// Registered for each test file that imports this module (vitest loads it afresh per file); they
// run after the file's own after-hooks, so its servers and children are stopped first.
const perFile: TempDir[] = [];
const perTest: TempDir[] = [];
afterAll(() => {
  for (const dir of perFile.splice(0)) dir.remove();
});
afterEach(() => {
  for (const dir of perTest.splice(0)) dir.remove();
});

/** A fresh directory removed after this file's tests (call it at the top or in a test). */
export function fileTempDir(prefix?: string): TempDir {
  const dir = tempDir(prefix);
  perFile.push(dir);
  return dir;
}

/** A fresh directory for the running test, removed after it; returns its path. */
export function testTempDir(prefix?: string): string {
  const dir = tempDir(prefix);
  perTest.push(dir);
  return dir.path;
}
