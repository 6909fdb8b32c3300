// The undici parts the client uses, imported by deep path: undici's index loads every
// dispatcher, mock and cache module (≈ 80-95 ms); these load in ≈ 30 ms. undici has no
// "exports" map, so the paths resolve for Node and esbuild alike; types come from undici's own.
import type {
  Agent as AgentType,
  buildConnector as buildConnectorType,
  Dispatcher,
  EnvHttpProxyAgent as EnvHttpProxyAgentType,
} from "undici";
// @ts-expect-error -- deep path without its own declaration; typed below
import AgentImpl from "undici/lib/dispatcher/agent.js";
// @ts-expect-error -- deep path without its own declaration; typed below
import EnvHttpProxyAgentImpl from "undici/lib/dispatcher/env-http-proxy-agent.js";
// @ts-expect-error -- deep path without its own declaration; typed below
import DispatcherImpl from "undici/lib/dispatcher/dispatcher.js";
// @ts-expect-error -- deep path without its own declaration; typed below
import requestImpl from "undici/lib/api/api-request.js";
// @ts-expect-error -- deep path without its own declaration; typed below
import connectImpl from "undici/lib/api/api-connect.js";
// @ts-expect-error -- deep path without its own declaration; typed below
import buildConnectorImpl from "undici/lib/core/connect.js";

// undici's index installs its API methods on Dispatcher.prototype; without the index we do it
// for the two we need: `request` (ours) and `connect` (ProxyAgent opens CONNECT tunnels with it).
// The same functions the index would install, so loading the index later changes nothing.
const proto = (DispatcherImpl as { prototype: Record<string, unknown> }).prototype;
proto.request ??= requestImpl;
proto.connect ??= connectImpl;

export type { Dispatcher };
export const Agent = AgentImpl as typeof AgentType;
export const EnvHttpProxyAgent = EnvHttpProxyAgentImpl as typeof EnvHttpProxyAgentType;
export const buildConnector = buildConnectorImpl as typeof buildConnectorType;
export type Connector = buildConnectorType.connector;
