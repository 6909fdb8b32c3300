// The three undici parts the client uses, imported by deep path: undici's index loads every
// dispatcher, mock and cache module (≈ 80-95 ms); these load in ≈ 30 ms. undici has no
// "exports" map, so the paths resolve for Node and esbuild alike; types come from undici's own.
import type { Agent as AgentType, Dispatcher, EnvHttpProxyAgent as EnvHttpProxyAgentType } from "undici";
// @ts-expect-error -- deep path without its own declaration; typed below
import AgentImpl from "undici/lib/dispatcher/agent.js";
// @ts-expect-error -- deep path without its own declaration; typed below
import EnvHttpProxyAgentImpl from "undici/lib/dispatcher/env-http-proxy-agent.js";
// @ts-expect-error -- deep path without its own declaration; typed below
import requestImpl from "undici/lib/api/api-request.js";

export type { Dispatcher };
export const Agent = AgentImpl as typeof AgentType;
export const EnvHttpProxyAgent = EnvHttpProxyAgentImpl as typeof EnvHttpProxyAgentType;
/** undici's `Dispatcher.prototype.request`, which only undici's index installs: call it with the dispatcher as `this`. */
export const request = requestImpl as (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
