// `secr-run templates validate`: `check` under the templates group.
import type { Io } from "../../frame.js";
import { check } from "../check/main.js";
import { templatesValidateCommand } from "./command.js";

export function main(args: string[], io?: Io): Promise<number> {
  return check(templatesValidateCommand, args, io);
}
