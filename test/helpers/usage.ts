// The message of the usage error (exit 64) a call throws; fails the test if it throws none or another.
import { expect } from "vitest";
import { Failure } from "../../src/core/failure.js";

export function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(Failure);
    expect((error as Failure).exitCode).toBe(64);
    return (error as Failure).message;
  }
  throw new Error("expected a usage error");
}
