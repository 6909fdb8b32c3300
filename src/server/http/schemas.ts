// Request shapes (zod). A body of the wrong shape is a 400; rules about keys and values
// (length, control characters, size) are checked by the store and answered with 422.
import { z } from "zod";
import { ApiError } from "../store/errors.js";

export const putBody = z.object({ key: z.string(), value: z.string(), description: z.string().optional() });
export const bulkBody = z.object({
  secrets: z.array(z.object({ key: z.string(), value: z.string(), description: z.string().optional() })),
});
export const promoteBody = z.object({
  fromEnv: z.string().min(1),
  toEnv: z.string().min(1),
  keys: z.array(z.string()).optional(),
  overwrite: z.boolean().optional(),
});
export const templateBody = z.object({
  key: z.string(),
  description: z.string().nullable().optional(),
  required: z.boolean().optional(),
});

export const createTokenBody = z.object({
  name: z.string(),
  role: z.enum(["admin", "viewer"]),
  org: z.string().min(1).optional(),
  project: z.string().min(1).optional(),
  env: z.string().min(1).optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export const slugBody = z.object({ slug: z.string() });

const count = (name: string, min: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a non-negative integer`)
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n) && n >= min, `${name} must be an integer >= ${min}`)
    .optional();

export const listQuery = z.object({
  limit: count("limit", 1),
  offset: count("offset", 0),
  search: z.string().optional(),
});

export function parseWith<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? ` at ${issue.path.map(String).join(".")}` : "";
  throw new ApiError("bad_request", `invalid ${what}${where}: ${issue.message}`);
}
