#!/usr/bin/env bash
# Runs a command with Node >= 22 first on PATH. The system node is used when it is new enough;
# otherwise Node 22 comes from the npm registry's `node@22` package into .tools/node22, once.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
local_bin="$root/.tools/node22/node_modules/node/bin"

major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if command -v node >/dev/null && [ "$(major node)" -ge 22 ]; then
  :
elif [ -x "$local_bin/node" ] && [ "$(major "$local_bin/node")" -ge 22 ]; then
  export PATH="$local_bin:$PATH"
else
  echo "node.sh: system node is older than 22; installing node@22 from the npm registry into .tools/node22" >&2
  mkdir -p "$root/.tools/node22"
  npm install --no-save --no-package-lock --loglevel=error --prefix "$root/.tools/node22" node@22 >&2
  export PATH="$local_bin:$PATH"
fi
exec "$@"
