// The bash completion script (zsh loads the same through bashcompinit). Portable to bash 3.2
// (macOS): case statements, no associative arrays. The script walks the words typed so far
// to find the command path (skipping options and the values of value-taking options), then
// offers the fixed values of the option before the cursor, the path's options, or its subcommands
// and (before any other word) its first positional's fixed values; after `--` the words belong to
// the program, so bash's default (file) completion applies.
import { safeWord, type CompletionTree } from "./tree.js";

const FUNCTION = "_secr_run_complete";

function caseArms(entries: ReadonlyArray<readonly [string, string[]]>, indent: string): string {
  return entries
    .filter(([, words]) => words.length > 0)
    .map(([pattern, words]) => `${indent}${pattern}) echo "${words.map(safeWord).join(" ")}" ;;`)
    .join("\n");
}

export function bashScript(tree: CompletionTree): string {
  const quoted = (path: string) => `"${path.split(" ").filter(Boolean).map(safeWord).join(" ")}"`;
  const words = caseArms(
    tree.nodes.map((node) => [quoted(node.path), node.words] as const),
    "    ",
  );
  const options = caseArms(
    tree.nodes.map(
      (node) =>
        [
          quoted(node.path),
          node.options.flatMap((def) => [`--${def.name}`, ...(def.alias === undefined ? [] : [`-${def.alias}`])]),
        ] as const,
    ),
    "    ",
  );
  const choices = caseArms(
    tree.choices.map(
      (c) => [c.words.map((w) => `${quoted(c.path).slice(0, -1)}:${safeWord(w)}"`).join("|"), [...c.values]] as const,
    ),
    "    ",
  );
  const values = caseArms(
    tree.nodes.map((node) => [quoted(node.path), node.values] as const),
    "    ",
  );
  const valueOptions = tree.valueOptions.map(safeWord).join("|");
  return `# secr-run completion for bash. Load with: eval "$(secr-run completion bash)"
_secr_run_words() {
  case "$1" in
${words}
  esac
}
_secr_run_options() {
  case "$1" in
${options}
  esac
}
_secr_run_choices() {
  case "$1" in
${choices}
  esac
}
_secr_run_values() {
  case "$1" in
${values}
  esac
}
${FUNCTION}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" path="" word next i skip=0 args=0 found
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if [[ $skip == 1 ]]; then skip=0; continue; fi
    [[ $word == -- ]] && return 0
    if [[ $word == -* ]]; then
      case "$word" in ${valueOptions}) skip=1 ;; esac
      continue
    fi
    found=0
    for next in $(_secr_run_words "$path"); do
      if [[ $next == "$word" ]]; then path="\${path:+$path }$word"; found=1; break; fi
    done
    [[ $found == 1 ]] || args=$((args + 1))
  done
  (( COMP_CWORD > 1 )) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local values
  values="$(_secr_run_choices "$path:$prev")"
  if [[ -n $values ]]; then
    COMPREPLY=($(compgen -W "$values" -- "$cur"))
  elif [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_secr_run_options "$path")" -- "$cur"))
  else
    values="$(_secr_run_words "$path")"
    [[ $args == 0 ]] && values="$values $(_secr_run_values "$path")"
    COMPREPLY=($(compgen -W "$values" -- "$cur"))
  fi
  return 0
}
complete -o default -F ${FUNCTION} secr-run
`;
}

export function zshScript(tree: CompletionTree): string {
  // compinit only when the user's startup file has not run it: a second run costs time, and
  // without -u it asks about insecure directories.
  return `# secr-run completion for zsh (bash's, through bashcompinit). Load with: eval "$(secr-run completion zsh)"
(( $+functions[compdef] )) || { autoload -U +X compinit && compinit }
autoload -U +X bashcompinit && bashcompinit
${bashScript(tree).split("\n").slice(1).join("\n")}`;
}
