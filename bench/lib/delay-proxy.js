// `node bench/lib/delay-proxy.js <target URL> <rtt ms>`: prints its own URL on stdout, then
// forwards TCP connections to the target with added latency until SIGTERM.
import { once } from "node:events";
import net from "node:net";

/**
 * A TCP proxy in front of `target` that adds `rttMs` of round-trip time: a new connection's
 * bytes are held for one RTT (the TCP handshake a real network costs), and every chunk is held
 * rttMs / 2 in each direction, in order. Bytes pass through untouched, so keep-alive and
 * pipelining behave as they would over a slow link.
 */
async function delayProxy(target, rttMs) {
  const upstream = new URL(target);
  const later = (fn, ms) => setTimeout(fn, ms);
  const server = net.createServer((client) => {
    const connected = Date.now() + rttMs;
    const origin = net.connect(Number(upstream.port), upstream.hostname);
    // One queue per direction, drained by one timer at a time: chunks with different delays
    // (during the handshake) must still arrive in order, as TCP delivers them.
    const forward = (from, to, extraUntil) => {
      const queue = [];
      let pumping = false;
      const pump = () => {
        while (queue.length > 0 && queue[0].due <= Date.now()) {
          const { chunk } = queue.shift();
          if (!to.destroyed) to.write(chunk);
        }
        pumping = queue.length > 0;
        if (pumping) later(pump, queue[0].due - Date.now());
      };
      from.on("data", (chunk) => {
        queue.push({ chunk, due: Math.max(Date.now(), extraUntil()) + rttMs / 2 });
        if (!pumping) {
          pumping = true;
          later(pump, queue[0].due - Date.now());
        }
      });
    };
    forward(client, origin, () => connected);
    forward(origin, client, () => 0);
    const close = (other) => () => later(() => other.destroy(), rttMs / 2);
    client.on("close", close(origin));
    origin.on("close", close(client));
    client.on("error", () => origin.destroy());
    origin.on("error", () => client.destroy());
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${server.address().port}`,
  };
}

const [target, rtt] = process.argv.slice(2);
const { url } = await delayProxy(target, Number(rtt));
process.stdout.write(`${url}\n`);
