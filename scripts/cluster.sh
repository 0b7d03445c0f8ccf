#!/usr/bin/env bash
# A local cluster of the mesh: one process per worker, as `docker compose --scale` would run them.
#   make cluster FILTER=3 STATISTICS=2 TIMELINE=2 LAUNCHER=2 [API=2] [ARCHIVE=2]
# The archive worker writes to PostgreSQL when DATABASE_URL is set, and keeps the archive off without it.
# Logs go to .cluster/<node id>.log, and the workers to .cluster/workers (service, node id, pid,
# probe port), which `make rolling-deploy` reads and rewrites as it replaces them. Gateways share
# PORT (GATEWAY_SHARE_PORT=true: SO_REUSEPORT on Linux). Ctrl-C stops every worker with SIGTERM (each drains first).
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A workers=([api]="${API:-1}" [launcher]="${LAUNCHER:-1}" [filter]="${FILTER:-1}" [statistics]="${STATISTICS:-1}" [timeline]="${TIMELINE:-1}" [archive]="${ARCHIVE:-1}")
state=.cluster/workers
probe_port=${PROBE_PORT_BASE:-9100}
mkdir -p .cluster
: >"$state"
# Heap limits of a worker (see config/worker-node-options): V8 otherwise grows its heap with the machine's memory.
export NODE_OPTIONS="${NODE_OPTIONS:-$(cat config/worker-node-options)}"

live_pids() {
  local pid
  for pid in $(awk '{print $3}' "$state"); do
    if kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
  done
}

stop() {
  local pids
  pids=$(live_pids)
  echo "cluster: stopping $(echo "$pids" | wc -w) workers (SIGTERM, each drains)"
  # shellcheck disable=SC2086 # one pid per word
  kill -TERM $pids 2>/dev/null || true
  while [ -n "$(live_pids)" ]; do sleep 0.2; done
  exit 0
}
trap stop INT TERM

for service in api launcher filter statistics timeline archive; do
  for n in $(seq 1 "${workers[$service]}"); do
    node_id="${NAMESPACE:+$NAMESPACE-}$service-$n"
    SERVICES=$service NODE_ID=$node_id PORT=${PORT:-8004} GATEWAY_SHARE_PORT=true HEALTH_PORT=$probe_port node dist/bin/server.js >".cluster/$node_id.log" 2>&1 &
    echo "$service $node_id $! $probe_port" >>"$state"
    probe_port=$((probe_port + 1))
  done
done
echo "cluster: ${workers[api]} api (on :${PORT:-8004}), ${workers[launcher]} launcher, ${workers[filter]} filter, ${workers[statistics]} statistics, ${workers[timeline]} timeline, ${workers[archive]} archive; logs and $state in .cluster/"
# Runs until every worker has exited; a rolling deploy replaces them meanwhile, so follow the state file.
while [ -n "$(live_pids)" ]; do sleep 1 & wait $!; done
