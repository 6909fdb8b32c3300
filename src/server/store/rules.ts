// Limits on keys, values and pages (docs/design/wire-contract.md, "Secrets", "Key names").
import { ApiError } from "./errors.js";

export const MAX_KEY_LENGTH = 256;
export const MAX_VALUE_BYTES = 64 * 1024;
export const MAX_DESCRIPTION_BYTES = 4 * 1024;
export const MAX_PAGE_SIZE = 1000;

// C0, DEL and C1 controls.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

/** 422 for a key the contract forbids: 1–256 characters (code points), no control characters. */
export function checkKey(key: string): void {
  const length = [...key].length;
  if (length < 1 || length > MAX_KEY_LENGTH) {
    throw new ApiError("validation_error", `key must be 1 to ${MAX_KEY_LENGTH} characters long (got ${length})`);
  }
  if (CONTROL.test(key)) throw new ApiError("validation_error", "key must not contain control characters");
}

/** 422 for a value over 64 KiB of UTF-8. The message names the key, never the value. */
export function checkValue(key: string, value: string): void {
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes > MAX_VALUE_BYTES) {
    throw new ApiError("validation_error", `value of ${key} is ${bytes} bytes; the limit is ${MAX_VALUE_BYTES} bytes`);
  }
}

export function checkDescription(description: string): void {
  if (Buffer.byteLength(description, "utf8") > MAX_DESCRIPTION_BYTES) {
    throw new ApiError("validation_error", `description is longer than ${MAX_DESCRIPTION_BYTES} bytes`);
  }
}

/** 422 unless a token name is 1–256 characters without control characters. */
export function checkName(name: string): void {
  const length = [...name].length;
  if (length < 1 || length > 256)
    throw new ApiError("validation_error", `name must be 1 to 256 characters long (got ${length})`);
  if (CONTROL.test(name)) throw new ApiError("validation_error", "name must not contain control characters");
}

// Slugs of projects and environments created through the API (seeds may use any 1–256 characters).
const SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** 422 unless a slug is 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit. */
export function checkSlug(what: string, slug: string): void {
  if (!SLUG.test(slug)) {
    throw new ApiError(
      "validation_error",
      `${what} slug must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
}
