// Which failed-authentication bucket a client address falls in. One host can use every address of
// 127.0.0.0/8 (and ::1), and one IPv6 subscriber gets a whole /64: counting each address alone let
// a guesser rotate source addresses past the limit (docs/server.md, "Rate limits").
import { isIPv4, isIPv6 } from "node:net";

/** The bucket id for a socket's remote address: "loopback", the IPv4 address, or an IPv6 /64 prefix. */
export function clientBucket(address: string | undefined): string {
  if (address === undefined || address === "") return "unknown";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const v4 = mapped ? mapped[1]! : address;
  if (isIPv4(v4)) return v4.startsWith("127.") ? "loopback" : v4;
  if (!isIPv6(address)) return address;
  const groups = expandIPv6(address.replace(/%.*$/, ""));
  if (groups.every((g, i) => g === (i === 7 ? 1 : 0))) return "loopback";
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (with `::` and a trailing dotted IPv4 part expanded). */
function expandIPv6(address: string): number[] {
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? (text.split("::") as [string, string]) : [text, undefined];
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const middle = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...middle, ...right].map((g) => parseInt(g, 16));
}
