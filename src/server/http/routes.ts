// URL matching: method + path → a route name with decoded path parameters. Path segments
// are split before percent-decoding, so a key containing "/" (sent as %2F) stays one segment.
import { ApiError } from "../store/errors.js";

export type RouteName =
  | "pull"
  | "keys"
  | "put"
  | "bulk"
  | "deleteSecret"
  | "promote"
  | "listTemplates"
  | "createTemplate"
  | "deleteTemplate"
  | "validate"
  | "createToken"
  | "listTokens"
  | "revokeToken"
  | "createProject"
  | "listEnvironments"
  | "createEnvironment"
  | "deleteEnvironment";

export interface RouteMatch {
  name: RouteName;
  params: Record<string, string>;
}

interface Route {
  method: string;
  name: RouteName;
  collection: "secrets" | "templates" | "tokens" | "projects";
  /** One name per segment after the collection; a name in quotes is a fixed segment. */
  segments: string[];
}

const routes: Route[] = [
  { method: "GET", name: "pull", collection: "secrets", segments: ["org", "project", "env"] },
  { method: "PUT", name: "put", collection: "secrets", segments: ["org", "project", "env"] },
  { method: "POST", name: "promote", collection: "secrets", segments: ["org", "project", "'promote'"] },
  { method: "GET", name: "keys", collection: "secrets", segments: ["org", "project", "env", "'keys'"] },
  { method: "POST", name: "bulk", collection: "secrets", segments: ["org", "project", "env", "'bulk'"] },
  { method: "DELETE", name: "deleteSecret", collection: "secrets", segments: ["org", "project", "env", "key"] },
  { method: "GET", name: "listTemplates", collection: "templates", segments: ["org", "project"] },
  { method: "POST", name: "createTemplate", collection: "templates", segments: ["org", "project"] },
  { method: "DELETE", name: "deleteTemplate", collection: "templates", segments: ["org", "project", "key"] },
  { method: "GET", name: "validate", collection: "templates", segments: ["org", "project", "'validate'", "env"] },
  { method: "POST", name: "createToken", collection: "tokens", segments: [] },
  { method: "GET", name: "listTokens", collection: "tokens", segments: [] },
  { method: "DELETE", name: "revokeToken", collection: "tokens", segments: ["id"] },
  { method: "POST", name: "createProject", collection: "projects", segments: ["org"] },
  { method: "GET", name: "listEnvironments", collection: "projects", segments: ["org", "project", "'environments'"] },
  { method: "POST", name: "createEnvironment", collection: "projects", segments: ["org", "project", "'environments'"] },
  {
    method: "DELETE",
    name: "deleteEnvironment",
    collection: "projects",
    segments: ["org", "project", "'environments'", "env"],
  },
];

function fits(route: Route, collection: string, rest: string[]): boolean {
  if (route.collection !== collection || route.segments.length !== rest.length) return false;
  return route.segments.every((name, i) => !name.startsWith("'") || name === `'${rest[i]}'`);
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError("bad_request", "malformed percent-encoding in the path");
  }
}

export function matchRoute(method: string, pathname: string): RouteMatch {
  const [empty, version, collection = "", ...rest] = pathname.split("/");
  const valid = empty === "" && version === "v1" && rest.every((segment) => segment !== "");
  const candidates = valid ? routes.filter((route) => fits(route, collection, rest)) : [];
  const route = candidates.find((candidate) => candidate.method === method);
  if (!route) {
    if (candidates.length > 0) {
      const allow = [...new Set(candidates.map((c) => c.method))].join(", ");
      throw new ApiError("method_not_allowed", `${method} is not allowed on this path (allowed: ${allow})`, { allow });
    }
    throw new ApiError("not_found", `no route for ${method} ${pathname}`);
  }
  const params: Record<string, string> = {};
  route.segments.forEach((name, i) => {
    if (!name.startsWith("'")) params[name] = decode(rest[i]!);
  });
  return { name: route.name, params };
}
