#!/usr/bin/env bash
# A Redis Cluster on this machine: 3 primaries and 3 replicas, with AOF on (issue #17).
#   scripts/redis-cluster.sh start          # starts the nodes and creates the cluster; prints 127.0.0.1:7000,…,127.0.0.1:7005
#   scripts/redis-cluster.sh pids           # each node's OS process id, one per line, in port order
#   scripts/redis-cluster.sh stop [--clean] # stops every node; --clean also removes the state folder
# Only the node list and pids go to stdout; progress goes to stderr. `start` is idempotent: it starts the
# nodes that are not running (each finds the others again from its nodes.conf) and creates the cluster
# only once, then returns once every replica has synced with its primary (one that never synced would
# not take over when its primary dies). Each node binds 127.0.0.1 and keeps its AOF, nodes.conf, log and pid file in a folder of its own.
#
# Settings (environment):
#   REDIS_CLUSTER_PORT_BASE  port of the first node (default 7000; the others take the next five, and
#                            each node's cluster bus its port + 10000)
#   REDIS_CLUSTER_STATE      state folder (default .brokers/redis in the project)
#   REDIS_CLUSTER_TIMEOUT    seconds to wait for the nodes and the cluster (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."

readonly nodes=6
port_base=${REDIS_CLUSTER_PORT_BASE:-7000}
timeout=${REDIS_CLUSTER_TIMEOUT:-60}
state=${REDIS_CLUSTER_STATE:-.brokers/redis}

say() { echo "redis-cluster: $*" >&2; }
fail() {
  say "$*"
  exit 1
}

ports() { seq "$port_base" $((port_base + nodes - 1)); }
node_dir() { echo "$state/$1"; }
cli() {
  local port=$1
  shift
  redis-cli -h 127.0.0.1 -p "$port" "$@"
}
pid_of() {
  local pid
  pid=$(cat "$(node_dir "$1")/redis.pid" 2>/dev/null) || true
  echo "$pid"
}

# A live pid in the node's own pid file; a killed node can linger as a zombie until init reaps it.
is_running() {
  local pid status
  pid=$(pid_of "$1")
  [ -n "$pid" ] && status=$(ps -o stat= -p "$pid") && [[ $status != Z* ]]
}

deadline_passed() { [ "$(date +%s)" -ge "$1" ]; }

locate() {
  [ -d "$state" ] || return 1
  state=$(cd "$state" && pwd)
}

start_node() {
  local port=$1 dir
  dir=$(node_dir "$port")
  mkdir -p "$dir"
  say "starting 127.0.0.1:$port (log: $dir/redis.log)"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize yes --pidfile "$dir/redis.pid" \
    --logfile "$dir/redis.log" --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000 \
    --appendonly yes --save "" --repl-diskless-sync-delay 0
}

await_node() {
  local port=$1 deadline=$2
  until [ "$(cli "$port" ping 2>/dev/null)" = PONG ]; do
    # A node that could not bind its port (or its bus port, +10000) logs it and exits: no use waiting.
    tail -n 2 "$(node_dir "$port")/redis.log" 2>/dev/null | grep -q aborting &&
      fail "127.0.0.1:$port exited: $(tail -n 2 "$(node_dir "$port")/redis.log" | tr '\n' ' ')"
    deadline_passed "$deadline" && fail "127.0.0.1:$port does not answer (log: $(node_dir "$port")/redis.log)"
    sleep 0.2
  done
}

cluster_field() { cli "$1" cluster info 2>/dev/null | tr -d '\r' | sed -n "s/^$2://p"; }
replication_field() { cli "$1" info replication 2>/dev/null | tr -d '\r' | sed -n "s/^$2://p"; }

# A replica that has not synced once would not take over from its primary: wait for each link to be up.
await_replicas() {
  local port deadline=$1
  for port in $(ports); do
    [ "$(replication_field "$port" role)" = slave ] || continue
    until [ "$(replication_field "$port" master_link_status)" = up ]; do
      deadline_passed "$deadline" && fail "replica 127.0.0.1:$port has not synced with its primary"
      say "waiting for replica 127.0.0.1:$port to sync with its primary"
      sleep 1
    done
  done
}

start() {
  local port deadline addresses=()
  command -v redis-server >/dev/null || fail "redis-server is not installed (Debian: apt-get install redis-server)"
  mkdir -p "$state"
  locate
  touch "$state/.redis-cluster"
  for port in $(ports); do
    if is_running "$port"; then say "127.0.0.1:$port is already running (pid $(pid_of "$port"))"; else start_node "$port"; fi
    addresses+=("127.0.0.1:$port")
  done
  deadline=$(($(date +%s) + timeout))
  for port in $(ports); do await_node "$port" "$deadline"; done
  # A new node knows only itself; once created, the cluster is in each node's nodes.conf.
  if [ "$(cluster_field "$port_base" cluster_known_nodes)" != "$nodes" ]; then
    say "creating the cluster: 3 primaries, 3 replicas"
    redis-cli --cluster create "${addresses[@]}" --cluster-replicas 1 --cluster-yes >&2
  fi
  for port in $(ports); do
    until [ "$(cluster_field "$port" cluster_state)" = ok ]; do
      deadline_passed "$deadline" && fail "127.0.0.1:$port does not report cluster_state:ok"
      say "waiting for 127.0.0.1:$port to report cluster_state:ok"
      sleep 1
    done
  done
  await_replicas "$deadline"
  say "cluster of ${#addresses[@]} nodes is ok, replicas in sync"
  (
    IFS=,
    echo "${addresses[*]}"
  )
}

pids() {
  local port
  for port in $(ports); do
    is_running "$port" || fail "127.0.0.1:$port is not running"
    pid_of "$port"
  done
}

# SHUTDOWN writes the AOF out and exits; a node that does not answer is killed.
stop() {
  local port pid deadline
  for port in $(ports); do
    is_running "$port" || continue
    say "stopping 127.0.0.1:$port (pid $(pid_of "$port"))"
    cli "$port" shutdown >/dev/null 2>&1 || true
  done
  deadline=$(($(date +%s) + 20))
  for port in $(ports); do
    while is_running "$port"; do
      if deadline_passed "$deadline"; then
        pid=$(pid_of "$port")
        say "127.0.0.1:$port does not stop: killing pid $pid"
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.1
    done
  done
  if [ "${1:-}" = "--clean" ]; then
    [ -f "$state/.redis-cluster" ] || fail "$state is not a redis-cluster.sh state folder: not removing it"
    say "removing $state"
    rm -rf "$state"
  fi
  say "stopped"
}

case "${1:-}" in
  start) start ;;
  pids)
    locate || fail "no cluster in $state"
    pids
    ;;
  stop)
    if locate; then stop "${2:-}"; else say "no cluster in $state"; fi
    ;;
  *)
    echo "usage: $0 start|stop [--clean]|pids" >&2
    exit 2
    ;;
esac
