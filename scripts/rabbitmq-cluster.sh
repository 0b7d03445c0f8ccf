#!/usr/bin/env bash
# A 3-node RabbitMQ cluster on this machine, beside any RabbitMQ already running here (issue #17):
#   scripts/rabbitmq-cluster.sh start          # starts and clusters the nodes; prints their amqp:// URLs, one per line
#   scripts/rabbitmq-cluster.sh pids           # each node's OS process id, in the same order (kill one to test failover)
#   scripts/rabbitmq-cluster.sh stop [--clean] # stops every node; --clean also removes the state folder
#   scripts/rabbitmq-cluster.sh ctl ARGS...    # rabbitmqctl with the cluster's cookie and epmd, e.g.
#                                              #   ctl -n tweetmesh-1@localhost cluster_status
# Only the URLs and pids go to stdout; progress goes to stderr. `start` is idempotent: it starts the nodes
# that are not running (a node that was a member rejoins by itself) and joins those that are not members.
#
# Each node has its own name, ports, data and log folders under the state folder, and the nodes share an
# Erlang cookie of their own: the CLI and the nodes run with HOME set to the state folder, whose
# .erlang.cookie they read, so the system node's cookie (/var/lib/rabbitmq, ~/.erlang.cookie) is never read
# nor created. They also register with an epmd of their own, which `stop` ends. Plugins are off.
#
# Settings (environment):
#   RABBITMQ_CLUSTER_PORT_BASE  AMQP port of node 1 (default 5681; nodes 2 and 3 take the next two)
#   RABBITMQ_CLUSTER_DIST_BASE  Erlang distribution port of node 1 (default PORT_BASE + 20000)
#   RABBITMQ_CLUSTER_EPMD_PORT  port of the cluster's epmd (default DIST_BASE - 1); the CLI takes DIST_BASE + 10..29
#   RABBITMQ_CLUSTER_STATE      state folder (default .brokers/rabbitmq in the project)
#   RABBITMQ_CLUSTER_NAME       node name prefix (default tweetmesh: tweetmesh-1@localhost, …)
#   RABBITMQ_CLUSTER_TIMEOUT    seconds to wait for the nodes and the cluster (default 240)
#   RABBITMQ_SCRIPTS_DIR        folder of the real rabbitmq-server and rabbitmqctl (default: found below)
set -euo pipefail
cd "$(dirname "$0")/.."

readonly nodes=3
port_base=${RABBITMQ_CLUSTER_PORT_BASE:-5681}
dist_base=${RABBITMQ_CLUSTER_DIST_BASE:-$((port_base + 20000))}
epmd_port=${RABBITMQ_CLUSTER_EPMD_PORT:-$((dist_base - 1))}
name=${RABBITMQ_CLUSTER_NAME:-tweetmesh}
timeout=${RABBITMQ_CLUSTER_TIMEOUT:-240}
state=${RABBITMQ_CLUSTER_STATE:-.brokers/rabbitmq}

say() { echo "rabbitmq-cluster: $*" >&2; }
fail() {
  say "$*"
  exit 1
}

# Debian's /usr/sbin/rabbitmq-* wrappers switch to the rabbitmq user and write the system node's
# /var/log/rabbitmq/startup_log: call the scripts they wrap, as the generic and Homebrew installs ship them.
find_scripts() {
  local found
  if [ -n "${RABBITMQ_SCRIPTS_DIR:-}" ]; then
    echo "$RABBITMQ_SCRIPTS_DIR"
  elif [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
    echo /usr/lib/rabbitmq/bin
  elif found=$(command -v rabbitmq-server); then
    dirname "$(readlink -f "$found")"
  else
    fail "rabbitmq-server is not installed (Debian: apt-get install rabbitmq-server)"
  fi
}

node_name() { echo "$name-$1@localhost"; }
node_dir() { echo "$state/node$1"; }
amqp_port() { echo $((port_base + $1 - 1)); }
# RabbitMQ writes its pid file without a newline.
pid_of() {
  local pid
  pid=$(cat "$(node_dir "$1")/pid" 2>/dev/null) || true
  echo "$pid"
}

# The pid file is the node's own (written by RabbitMQ as it boots), so a live pid there is the node; a
# killed node can linger as a zombie until its parent (init) reaps it, and counts as stopped.
is_running() {
  local pid status
  pid=$(pid_of "$1")
  [ -n "$pid" ] && status=$(ps -o stat= -p "$pid") && [[ $status != Z* ]]
}

ctl() { "$scripts/rabbitmqctl" "$@"; }

# A CLI command whose output (the CLI's own log lines included) is shown only if it fails.
ctl_quietly() {
  local output
  output=$(ctl -q "$@" 2>&1) || fail "rabbitmqctl $* failed: $output"
}

# The cluster's epmd, the cookie's HOME, the CLI's ports, distribution on loopback only, and no
# rabbitmq-env.conf but ours (the system's one names the system node).
common_environment() {
  export HOME="$state"
  export ERL_EPMD_PORT="$epmd_port" ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_CONF_ENV_FILE="$state/rabbitmq-env.conf"
  export RABBITMQ_CTL_DIST_PORT_MIN=$((dist_base + 10)) RABBITMQ_CTL_DIST_PORT_MAX=$((dist_base + 29))
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
}

node_environment() {
  local dir
  dir=$(node_dir "$1")
  export RABBITMQ_NODENAME
  RABBITMQ_NODENAME=$(node_name "$1")
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT
  RABBITMQ_NODE_PORT=$(amqp_port "$1")
  export RABBITMQ_DIST_PORT=$((dist_base + $1 - 1))
  export RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/pid"
  export RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" ERL_CRASH_DUMP="$dir/erl_crash.dump"
}

# An absolute state folder (the nodes run in their own folders), and the environment that finds them.
locate() {
  [ -d "$state" ] || return 1
  state=$(cd "$state" && pwd)
  common_environment
}

prepare() {
  local n dir
  mkdir -p "$state"
  locate
  touch "$state/.rabbitmq-cluster" "$state/rabbitmq-env.conf"
  if [ ! -s "$state/.erlang.cookie" ]; then
    (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$state/.erlang.cookie")
  fi
  chmod 400 "$state/.erlang.cookie"
  for n in $(seq 1 "$nodes"); do
    dir=$(node_dir "$n")
    mkdir -p "$dir/mnesia" "$dir/log"
    echo "[]." >"$dir/enabled_plugins"
    # Management and every other plugin are off, so only the AMQP listener is configured.
    cat >"$dir/rabbitmq.conf" <<EOF
listeners.tcp.1 = 127.0.0.1:$(amqp_port "$n")
loopback_users.guest = true
log.console = false
log.file.level = info
disk_free_limit.absolute = 50MB
EOF
  done
}

start_node() {
  say "starting $(node_name "$1") on 127.0.0.1:$(amqp_port "$1") (logs in $(node_dir "$1")/log)"
  # A killed node's pid file names a dead process: gone, it cannot be mistaken for this boot's.
  rm -f "$(node_dir "$1")/pid"
  (cd "$(node_dir "$1")" && node_environment "$1" && "$scripts/rabbitmq-server" -detached >/dev/null 2>&1)
}

# RabbitMQ writes its pid file as it boots, then the node answers the CLI; a node that exited is reported with its log.
await_node() {
  local n=$1 node deadline started
  node=$(node_name "$n")
  started=$(date +%s)
  deadline=$((started + timeout))
  until ctl -q -n "$node" await_startup >/dev/null 2>&1; do
    if [ -f "$(node_dir "$n")/pid" ] && ! is_running "$n"; then
      tail -n 20 "$(node_dir "$n")/log/$node.log" >&2 2>/dev/null || true
      fail "$node exited while booting (log: $(node_dir "$n")/log/$node.log)"
    fi
    [ "$(date +%s)" -lt "$deadline" ] || fail "$node did not boot within ${timeout}s (log: $(node_dir "$n")/log)"
    say "waiting for $node ($(($(date +%s) - started))s)"
    sleep 2
  done
  say "$node is up"
}

# Node names in an Erlang list that `eval` printed, one per line.
node_names() { grep -oE "'?$name-[0-9]+@localhost'?" | tr -d "'" | sort; }

# Members (disc nodes, running or not) and running nodes of node 1's cluster, as node 1 sees them.
members() { ctl -q -n "$(node_name 1)" eval 'rabbit_mnesia:cluster_nodes(all).' | node_names; }
running_nodes() {
  ctl -q -n "$(node_name 1)" cluster_status --formatter erlang | tr -d ' \n' | grep -oE '\{running_nodes,\[[^]]*\]\}' | node_names
}

join_node() {
  local node
  node=$(node_name "$1")
  say "joining $node to $(node_name 1)"
  ctl_quietly -n "$node" stop_app
  ctl_quietly -n "$node" reset
  ctl_quietly -n "$node" join_cluster "$(node_name 1)"
  ctl_quietly -n "$node" start_app
}

start() {
  local n current deadline
  for n in $(seq 1 "$nodes"); do
    if is_running "$n"; then say "$(node_name "$n") is already running (pid $(pid_of "$n"))"; else start_node "$n"; fi
  done
  for n in $(seq 1 "$nodes"); do await_node "$n"; done
  current=$(members)
  for n in $(seq 2 "$nodes"); do
    grep -qxF "$(node_name "$n")" <<<"$current" || join_node "$n"
  done
  deadline=$(($(date +%s) + timeout))
  until [ "$(running_nodes | wc -l)" -eq "$nodes" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "the cluster has not got $nodes running nodes: $(running_nodes | xargs)"
    say "waiting for $nodes running nodes in the cluster"
    sleep 2
  done
  say "cluster of $(running_nodes | xargs) is running"
  for n in $(seq 1 "$nodes"); do echo "amqp://guest:guest@127.0.0.1:$(amqp_port "$n")"; done
}

pids() {
  local n
  for n in $(seq 1 "$nodes"); do
    is_running "$n" || fail "$(node_name "$n") is not running"
    pid_of "$n"
  done
}

# `rabbitmqctl stop <pid file>` returns once the process has exited; a node that does not answer is killed.
stop_node() {
  local n=$1 pid
  pid=$(pid_of "$n")
  say "stopping $(node_name "$n") (pid $pid)"
  if ! ctl -q -n "$(node_name "$n")" stop "$(node_dir "$n")/pid" >/dev/null 2>&1 && kill -0 "$pid" 2>/dev/null; then
    say "$(node_name "$n") does not answer: killing pid $pid"
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

stop() {
  local n stopping=()
  for n in $(seq 1 "$nodes"); do
    if is_running "$n"; then
      stop_node "$n" &
      stopping+=($!)
    fi
  done
  for n in "${stopping[@]}"; do wait "$n" || true; done
  epmd -port "$epmd_port" -kill >/dev/null 2>&1 || true
  if [ "${1:-}" = "--clean" ]; then
    [ -f "$state/.rabbitmq-cluster" ] || fail "$state is not a rabbitmq-cluster.sh state folder: not removing it"
    say "removing $state"
    rm -rf "$state"
  fi
  say "stopped"
}

scripts=$(find_scripts)
case "${1:-}" in
  start)
    prepare
    start
    ;;
  pids)
    locate || fail "no cluster in $state"
    pids
    ;;
  stop)
    if locate; then stop "${2:-}"; else say "no cluster in $state"; fi
    ;;
  ctl)
    locate || fail "no cluster in $state"
    shift
    ctl "$@"
    ;;
  *)
    echo "usage: $0 start|stop [--clean]|pids|ctl ARGS..." >&2
    exit 2
    ;;
esac
