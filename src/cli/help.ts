// --help for every command. Light on purpose: yargs and static text, no client, undici or execa.
import { helpText, type CommandName } from "./options.js";

export async function printHelp(kind: CommandName): Promise<number> {
  process.stdout.write(`${await helpText(kind)}\n`);
  return 0;
}
