// Secrets keyed by name, in objects without a prototype. A secret may be named `__proto__`,
// `constructor` or `toString` (all valid environment variable names): on a plain `{}`,
// `obj["__proto__"] = value` changes the prototype instead of storing the value (the secret is
// silently lost), and `"constructor" in obj` is true before anything is stored. With no
// prototype, every name is an ordinary own property.

export type Dictionary<T = string> = Record<string, T>;

export function dictionary<T = string>(entries?: Iterable<readonly [string, T]>): Dictionary<T> {
  const out = Object.create(null) as Dictionary<T>;
  if (entries !== undefined) for (const [key, value] of entries) out[key] = value;
  return out;
}
