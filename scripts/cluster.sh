#!/usr/bin/env bash
# A local cluster of the mesh: one process per worker, as `docker compose --scale` would run them.
#   make cluster FILTER=3 STATISTICS=2 TIMELINE=2 LAUNCHER=2 [API=1]
# Logs go to .cluster/<service>-<n>.log; Ctrl-C stops every worker with SIGTERM (each drains first).
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A workers=([api]="${API:-1}" [launcher]="${LAUNCHER:-1}" [filter]="${FILTER:-1}" [statistics]="${STATISTICS:-1}" [timeline]="${TIMELINE:-1}")
mkdir -p .cluster
pids=()

stop() {
  echo "cluster: stopping ${#pids[@]} workers (SIGTERM, each drains)"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  exit 0
}
trap stop INT TERM

for service in api launcher filter statistics timeline; do
  for n in $(seq 1 "${workers[$service]}"); do
    port=$(( ${PORT:-8004} + n - 1 ))
    SERVICES=$service NODE_ID="${NAMESPACE:+$NAMESPACE-}$service-$n" PORT=$port node dist/bin/server.js >".cluster/$service-$n.log" 2>&1 &
    pids+=($!)
    if [ "$service" = api ]; then echo "cluster: gateway $n on :$port"; fi
  done
done
echo "cluster: ${#pids[@]} workers (${workers[api]} api, ${workers[launcher]} launcher, ${workers[filter]} filter, ${workers[statistics]} statistics, ${workers[timeline]} timeline); logs in .cluster/"
wait "${pids[@]}"
