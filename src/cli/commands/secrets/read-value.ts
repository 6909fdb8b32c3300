// Where `secrets set` gets a value without it ever touching argv: a file, a pipe, or the
// terminal with echo off (the value is never displayed, not even as asterisks).
import { readFile } from "node:fs/promises";
import { ExitCode } from "../../../core/exit-codes.js";
import { Failure } from "../../../core/failure.js";

/** Pure: bytes as text; a value that is not UTF-8 or holds a NUL byte could never be injected. */
export function valueFromBytes(bytes: Uint8Array, from: string): string {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new Failure(
      ExitCode.DATA,
      `the value from ${from} is not UTF-8 text; secrets are text (base64-encode binary data)`,
    );
  }
  if (text.includes("\0"))
    throw new Failure(
      ExitCode.DATA,
      `the value from ${from} contains a NUL byte, which no environment variable can hold`,
    );
  return text;
}

/** Pure: a piped value loses one final newline (`echo x |` sends "x\n"); --from-file keeps every byte. */
export function withoutFinalNewline(text: string): string {
  return text.endsWith("\r\n") ? text.slice(0, -2) : text.endsWith("\n") ? text.slice(0, -1) : text;
}

export async function readValueFromFile(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new Failure(
      ExitCode.USAGE,
      `--from-file: cannot read ${JSON.stringify(path)} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  return valueFromBytes(bytes, "--from-file");
}

export async function readValueFromPipe(stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(chunk as Buffer);
  return withoutFinalNewline(valueFromBytes(Buffer.concat(chunks), "stdin"));
}

/**
 * Reads one line from the terminal in raw mode, so the terminal echoes nothing; the prompt goes
 * to stderr. Ctrl-C or Ctrl-D on an empty line cancels; backspace edits.
 */
export function readValueFromTerminal(prompt: string, stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  // Echo off before the prompt appears: a value typed (or pasted) at once is never shown.
  stdin.setRawMode(true);
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = "";
    // One streaming decoder: a character split across two chunks is decoded whole.
    const decoder = new TextDecoder("utf-8");
    const finish = (error?: Failure) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      const text = decoder.decode(chunk, { stream: true });
      for (const char of text) {
        if (char === "\r" || char === "\n") return finish();
        if (char === "\u0003") return finish(new Failure(ExitCode.USAGE, "cancelled; nothing was changed"));
        if (char === "\u0004") {
          if (value === "") return finish(new Failure(ExitCode.USAGE, "cancelled; nothing was changed"));
          return finish();
        }
        if (char === "\u007f" || char === "\b") value = [...value].slice(0, -1).join("");
        else if (char === "\u0015")
          value = ""; // Ctrl-U
        else value += char;
      }
    };
    stdin.on("data", onData);
    stdin.resume();
  });
}
