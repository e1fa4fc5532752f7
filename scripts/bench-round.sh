#!/usr/bin/env bash
# One same-run round for the headline table (docs/benchmarks.md, "Full measurement"): etcd,
# escrow-store, escrow-store's engine floor and ZooKeeper one after the other on the same machine,
# each at 64 clients spread over the members and at 1 client via a follower and via the leader, in
# claim and blind mode, all rows under one label; then one cold row per JVM store (a fresh JVM or
# fresh servers, 64 clients, blind mode, no warm-up, 10 s, one attempt) under "<label>-cold". Run
# it on a quiet machine; the anchors' driver waits for quiet before each run and redoes a disturbed
# one (up to 3 attempts).
#
#   ANCHORS_DIR=... [ANCHORS_WORK=/tmp/anchors] scripts/bench-round.sh [--label L] [--warmup S]
#       [--duration S] [--skip-build] [--with-rheakv]
#
#   --label L        label of every row (default: round-<UTC time>); the cold rows get L-cold
#   --warmup S       warm-up of every run, seconds (default 30)
#   --duration S     measured window of every run, seconds (default 20)
#   --skip-build     use the anchors' and the adapter's existing builds in $ANCHORS_WORK/build
#   --with-rheakv    also run SOFAJRaft RheaKV (and its cold row)
#
# Results: rows appended to $ANCHORS_WORK/results/results.csv; each step's driver log is kept as
# $ANCHORS_WORK/results/round-<label>-<step>.log. Render with scripts/headline.py <label>.
# A failed step is reported and the round goes on; the exit code is 1 if any step failed.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
A="${ANCHORS_DIR:?set ANCHORS_DIR to a checkout of the anchors (the benchmark harness of the peers)}"
A="$(cd "$A" && pwd)"
export ANCHORS_DIR="$A"
W="${ANCHORS_WORK:-/tmp/anchors}"; export ANCHORS_WORK="$W"
R="$W/results"

LABEL="round-$(date -u +%Y%m%dT%H%M%SZ)"
WARMUP=30
DURATION=20
BUILD=1
RHEAKV=0
usage() { sed -n '/^#   ANCHORS_DIR/,/^#   --with-rheakv/p' "$0" | sed 's/^#//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --label) [ $# -ge 2 ] || usage; LABEL="$2"; shift 2 ;;
    --warmup) [ $# -ge 2 ] || usage; WARMUP="$2"; shift 2 ;;
    --duration) [ $# -ge 2 ] || usage; DURATION="$2"; shift 2 ;;
    --skip-build) BUILD=0; shift ;;
    --with-rheakv) RHEAKV=1; shift ;;
    *) usage ;;
  esac
done
case "$LABEL" in *,*|*' '*|'') echo "--label must be non-empty, without commas or spaces" >&2; exit 2 ;; esac
case "$WARMUP$DURATION" in *[!0-9]*) echo "--warmup and --duration take whole seconds" >&2; exit 2 ;; esac
mkdir -p "$R"

FAILED=()
# step NAME LOG COMMAND...: runs COMMAND, keeps the driver log $R/LOG as $R/round-$LABEL-NAME.log
step() {
  local name="$1" log="$2"; shift 2
  echo "=== $(date -u +%H:%M:%S) $name"
  if ! "$@"; then
    echo "=== step $name FAILED" >&2
    FAILED+=("$name")
  fi
  if [ -f "$R/$log" ]; then cp "$R/$log" "$R/round-$LABEL-$name.log"; fi
}

if [ "$BUILD" = 1 ]; then
  "$A/scripts/build.sh" || { echo "anchors build failed" >&2; exit 1; }
  "$HERE/bench-anchors.sh" build || { echo "escrow-store adapter build failed" >&2; exit 1; }
fi

FLOOR_OPTS="${JAVA_OPTS:+$JAVA_OPTS }-Descrowstore.bench.floor=true"
MAIN=(--modes claim,blind --clients 1,64 --single-target follower,leader
      --warmup "$WARMUP" --duration "$DURATION" --label "$LABEL" --max-attempts 3)
# one attempt only: the driver redoes a disturbed run in the same JVM, which is no longer cold
COLD=(--modes blind --clients 64 --warmup 0 --duration 10 --label "$LABEL-cold" --max-attempts 1)

# the round: stores one after the other, same options
step etcd etcd-driver.log env SKIP_CHECK_PERF=1 "$A/scripts/run-etcd.sh" "${MAIN[@]}"
step escrowstore escrowstore-driver.log "$HERE/bench-anchors.sh" run "${MAIN[@]}"
FLOOR=(--modes blind "${MAIN[@]:2}")   # the floor applies nothing: only its claim() path is meaningful
step floor escrowstore-driver.log env JAVA_OPTS="$FLOOR_OPTS" "$HERE/bench-anchors.sh" run "${FLOOR[@]}"
step zk zk-driver.log "$A/scripts/run-zk.sh" "${MAIN[@]}"
if [ "$RHEAKV" = 1 ]; then
  step rheakv rheakv-driver.log "$A/scripts/run-rheakv.sh" "${MAIN[@]}"
fi

# cold rows: each script starts a fresh JVM (and ZooKeeper fresh servers)
step escrowstore-cold escrowstore-driver.log "$HERE/bench-anchors.sh" run "${COLD[@]}"
step floor-cold escrowstore-driver.log env JAVA_OPTS="$FLOOR_OPTS" "$HERE/bench-anchors.sh" run "${COLD[@]}"
step zk-cold zk-driver.log "$A/scripts/run-zk.sh" "${COLD[@]}"
if [ "$RHEAKV" = 1 ]; then
  step rheakv-cold rheakv-driver.log "$A/scripts/run-rheakv.sh" "${COLD[@]}"
fi

echo
echo "rows (labels $LABEL and $LABEL-cold) appended to $R/results.csv"
echo "driver logs: $R/round-$LABEL-*.log"
echo "headline:    python3 $HERE/headline.py $LABEL $R/results.csv"
if [ ${#FAILED[@]} -gt 0 ]; then
  echo "FAILED steps: ${FAILED[*]}" >&2
  exit 1
fi
