// An apiUrl as the request would see its host: a host with non-ASCII characters can imitate
// another name (`api.sеcr.dev` with a Cyrillic "е"), so trust messages show the ASCII (punycode)
// name and say that it is an international one (docs/design/trust.md, "Messages").
import { domainToUnicode } from "node:url";

/** scheme://[userinfo@]host — the host as written (group 1). */
const WRITTEN_HOST = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/;

export interface AsciiApiUrl {
  /** The URL with its host as the ASCII name it resolves to; the rest as written. */
  url: string;
  /** Set when the host is not ASCII (written so, or in punycode): the ASCII and the Unicode name. */
  international?: { ascii: string; unicode: string };
}

/** Pure. A URL that does not parse is returned as is (it is refused elsewhere). */
export function asciiApiUrl(apiUrl: string): AsciiApiUrl {
  let host: string;
  try {
    host = new URL(apiUrl).hostname;
  } catch {
    return { url: apiUrl };
  }
  const written = WRITTEN_HOST.exec(apiUrl);
  const unicode = domainToUnicode(host);
  const nonAscii = /[^\x20-\x7e]/.test(written?.[1] ?? "") || (unicode !== "" && unicode !== host);
  if (!nonAscii || written === null) return { url: apiUrl };
  return {
    url: `${apiUrl.slice(0, written[0].length - written[1]!.length)}${host}${apiUrl.slice(written[0].length)}`,
    international: { ascii: host, unicode },
  };
}
