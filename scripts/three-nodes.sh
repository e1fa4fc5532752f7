#!/usr/bin/env bash
# Three escrow-store nodes as three processes on loopback, for trying the launcher, its admin
# commands and the operations procedures (docs/operations.md, docs/launcher.md).
#
#   scripts/three-nodes.sh start    build (SKIP_BUILD=1 skips), start nodes 1-3, wait for a leader
#   scripts/three-nodes.sh status   the launcher's `status` of every node (lag per member from the leader)
#   scripts/three-nodes.sh join     start node 4 with --join and add it (add-member): the grow procedure
#   scripts/three-nodes.sh stop     SIGTERM every node this script started, SIGKILL after 15 s
#   scripts/three-nodes.sh cpu [S]  CPU time each running node used per second over S seconds (default 60)
#   scripts/three-nodes.sh demo     start, status, join, status, stop (stops on any failure or Ctrl-C)
#
# Environment: DEMO_DIR (default /tmp/escrow-three-nodes: properties, data, logs, pid files),
# BASE_PORT (default 17101: nodes use BASE_PORT..BASE_PORT+3 on 127.0.0.1), START_TIMEOUT (seconds
# to wait for a leader, default 90), MVN_FLAGS (e.g. -o), NODE_FLAGS (extra launcher flags for every
# node, e.g. --heartbeat-interval=100ms), JAVA_OPTS (JVM options for every node, e.g.
# -Dorg.slf4j.simpleLogger.log.com.alipay=info). Only processes whose pid files this script
# wrote are ever signalled.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="${DEMO_DIR:-/tmp/escrow-three-nodes}"
BASE="${BASE_PORT:-17101}"
START_TIMEOUT="${START_TIMEOUT:-90}"
GROUP_ID="0x$(printf 'ab%.0s' $(seq 32))"
JAR="$ROOT/escrow-store-launcher/target/escrow-store-launcher-0.1.0-SNAPSHOT.jar" # its dependencies: target/lib

port() { echo $((BASE + $1 - 1)); }
members() { echo "127.0.0.1:$(port 1),127.0.0.1:$(port 2),127.0.0.1:$(port 3)"; }
launcher() { java -jar "$JAR" "$@"; }

build() {
  if [ "${SKIP_BUILD:-0}" = 1 ] && [ -f "$JAR" ]; then return; fi
  echo "building escrow-store-launcher ..."
  (cd "$ROOT" && mvn -B -q ${MVN_FLAGS:-} -pl escrow-store-launcher -am package -DskipTests)
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_node() { # start_node N [extra launcher flags...]
  local n=$1; shift
  local pidfile="$DIR/n$n.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "node $n already runs (pid $(cat "$pidfile"))"; return
  fi
  port_free "$(port "$n")" || { echo "port $(port "$n") is taken; set BASE_PORT" >&2; exit 1; }
  mkdir -p "$DIR/data"
  cat > "$DIR/n$n.properties" <<PROPS
self=127.0.0.1:$(port "$n")
members=$(members)
data-dir=$DIR/data/n$n
group-id=$GROUP_ID
status-interval=30s
# loopback demo only: production members configure tls-* keys (docs/security.md)
unsafe-plaintext=true
PROPS
  java ${JAVA_OPTS:-} -jar "$JAR" --config "$DIR/n$n.properties" ${NODE_FLAGS:-} "$@" \
      >"$DIR/n$n.log" 2>&1 &
  echo $! > "$pidfile"
  echo "node $n: pid $!, 127.0.0.1:$(port "$n"), log $DIR/n$n.log"
}

leader() { # prints the leader's node number, if a node reports one
  for n in 1 2 3 4; do
    [ -f "$DIR/n$n.pid" ] || continue
    if launcher status --unsafe-plaintext --node "127.0.0.1:$(port "$n")" --timeout 2s 2>/dev/null | grep -q '^state *STATE_LEADER'; then
      echo "$n"; return 0
    fi
  done
  return 1
}

await_leader() {
  local deadline=$((SECONDS + START_TIMEOUT))
  until leader >/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      echo "no leader within ${START_TIMEOUT}s; see $DIR/n*.log" >&2; return 1
    fi
    sleep 1
  done
  echo "leader: node $(leader) after $((SECONDS - started))s"
}

cmd_start() {
  build
  export SKIP_BUILD=1
  mkdir -p "$DIR"
  started=$SECONDS
  for n in 1 2 3; do start_node "$n"; done
  await_leader
}

cmd_status() {
  for n in 1 2 3 4; do
    [ -f "$DIR/n$n.pid" ] || continue
    echo "== node $n (127.0.0.1:$(port "$n"))"
    launcher status --unsafe-plaintext --node "127.0.0.1:$(port "$n")" --timeout 3s || echo "(no answer)"
    echo
  done
}

cmd_join() {
  build
  start_node 4 --join
  echo "adding 127.0.0.1:$(port 4) through node 1 (it hands the request to the leader) ..."
  launcher add-member --unsafe-plaintext --node "127.0.0.1:$(port 1)" --timeout 60s "127.0.0.1:$(port 4)"
}

cmd_stop() {
  local pids=()
  for n in 1 2 3 4; do
    local pidfile="$DIR/n$n.pid"
    [ -f "$pidfile" ] || continue
    local pid; pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; pids+=("$pid"); fi
    rm -f "$pidfile"
  done
  local deadline=$((SECONDS + 15))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null; do
      if [ $SECONDS -ge $deadline ]; then kill -KILL "$pid" 2>/dev/null || true; break; fi
      sleep 0.2
    done
  done
  echo "stopped ${#pids[@]} node(s); data and logs stay in $DIR"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime of a process, in clock ticks

cmd_cpu() {
  local secs="${1:-60}" hz; hz="$(getconf CLK_TCK)"
  local nodes=() pids=() before=()
  for n in 1 2 3 4; do
    local pidfile="$DIR/n$n.pid"
    [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null || continue
    nodes+=("$n"); pids+=("$(cat "$pidfile")"); before+=("$(cpu_ticks "$(cat "$pidfile")")")
  done
  [ ${#nodes[@]} -gt 0 ] || { echo "no node runs" >&2; return 1; }
  sleep "$secs"
  for i in "${!nodes[@]}"; do
    local used=$(( $(cpu_ticks "${pids[$i]}") - before[i] ))
    echo "node ${nodes[$i]}: $(( used * 1000 / hz / secs )) ms of CPU per second over ${secs} s"
  done
}

case "${1:-}" in
  start) cmd_start ;;
  cpu) cmd_cpu "${2:-60}" ;;
  status) cmd_status ;;
  join) cmd_join ;;
  stop) cmd_stop ;;
  demo)
    trap cmd_stop EXIT
    cmd_start
    cmd_status
    cmd_join
    cmd_status
    ;;
  *) sed -n '2,16p' "$0"; exit 2 ;;
esac
