// The option layer: declare a command's options once (Option.*), get typed parsing and --help.
// See docs/design/cli-architecture.md.
export { Option, type AnyOption, type OptionDef, type OptionFlags, type ValueOf } from "./option.js";
export {
  defineCommand,
  splitAtDoubleDash,
  type CommandDefinition,
  type ExitCodeRow,
  type Options,
  type Parsed,
  type PositionalDef,
} from "./command.js";
export { closest, didYouMean, editDistance } from "../../core/suggest.js";
