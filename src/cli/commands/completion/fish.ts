// The fish completion script: `__secr_run_path` finds the command path in the words typed so far
// (as the bash script does; `--nargs` counts the other words instead); each completion is offered
// under the path it belongs to. Options with fixed values take `-x`: their values, not files.
import { safeWord, type CompletionTree } from "./tree.js";

/** A description as a fish single-quoted string. */
function quote(text: string): string {
  return `'${text.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

export function fishScript(tree: CompletionTree): string {
  const lines = [
    "# secr-run completion for fish. Load with: secr-run completion fish | source",
    "function __secr_run_path",
    "    set -l words (commandline -opc)",
    "    set -l path",
    "    set -l skip 0",
    "    set -l nargs 0",
    "    for word in $words[2..-1]",
    "        if test $skip = 1; set skip 0; continue; end",
    '        if test "x$word" = x--; echo __child__; return; end',
    "        if string match -q -- '-*' $word",
    `            if contains -- $word ${tree.valueOptions.map(safeWord).join(" ")}; set skip 1; end`,
    "            continue",
    "        end",
    '        if contains -- $word (__secr_run_words "$path"); set -a path $word; else; set nargs (math $nargs + 1); end',
    "    end",
    '    if test "x$argv[1]" = x--nargs; echo $nargs; return; end',
    // Quoted: a list joined by spaces, and "" (one empty line) for the top level.
    '    echo "$path"',
    "end",
    "function __secr_run_words",
    '    switch "$argv[1]"',
    ...tree.nodes
      .filter((n) => n.words.length > 0)
      .flatMap((n) => [
        `        case ${quote(n.path)}`,
        `            printf '%s\\n' ${n.words.map(safeWord).join(" ")}`,
      ]),
    "    end",
    "end",
  ];
  for (const node of tree.nodes) {
    const condition = `test (__secr_run_path) = ${quote(node.path)}`;
    for (const word of node.words) lines.push(`complete -c secr-run -f -n ${quote(condition)} -a ${safeWord(word)}`);
    if (node.values.length > 0) {
      const before = `${condition}; and test (__secr_run_path --nargs) = 0`;
      lines.push(`complete -c secr-run -f -n ${quote(before)} -a ${quote(node.values.map(safeWord).join(" "))}`);
    }
    for (const def of node.options) {
      const parts = [`complete -c secr-run -n ${quote(condition)} -l ${safeWord(def.name)}`];
      if (def.alias !== undefined) parts.push(`-s ${safeWord(def.alias)}`);
      if (def.choices !== undefined) parts.push("-x");
      else if (def.kind !== "boolean" && !def.bare) parts.push("-r");
      if (def.choices !== undefined) parts.push(`-a ${quote(def.choices.join(" "))}`);
      parts.push(`-d ${quote(def.description)}`);
      lines.push(parts.join(" "));
    }
  }
  return `${lines.join("\n")}\n`;
}
