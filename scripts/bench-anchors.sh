#!/usr/bin/env bash
# escrow-store side by side with the performance anchors (etcd, ZooKeeper, RheaKV): runs the anchors'
# own Driver against escrow-store, with the same workload and options, appending to the same
# $ANCHORS_WORK/results/results.csv. See docs/benchmarks.md.
#
#   scripts/bench-anchors.sh build          install escrow-store-api/-raft into ~/.m2 (SKIP_INSTALL=1 skips),
#                                           copy the anchors sources to $ANCHORS_WORK/build (as the anchors'
#                                           build.sh does), add the escrowstore module there, build it
#   scripts/bench-anchors.sh run [OPTS]     3 nodes in one JVM on 127.0.0.1:18191..18193, claim+blind at
#                                           1 (via follower, via leader), 16, 64 clients; OPTS go to the driver
#                                           (e.g. --duration 5 --clients 16 --max-attempts 1 --quiet-wait 0)
#   scripts/bench-anchors.sh all [OPTS]     build, then run
#
# JAVA_OPTS are added to the benchmark JVM's command line (none by default, as for the anchors'
# in-process RheaKV), e.g. JAVA_OPTS="-agentpath:.../libasyncProfiler.so=start,event=cpu,file=cpu.txt".
#
# The anchors are a separate checkout, not part of this repository: set ANCHORS_DIR to it. It is
# only read. Nothing of the anchors is kept in this repository except this script and the adapter
# in scripts/anchors/escrowstore/ (its pom is written below).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
A="${ANCHORS_DIR:?set ANCHORS_DIR to a checkout of the anchors (the benchmark harness of the peers)}"
A="$(cd "$A" && pwd)"
W="${ANCHORS_WORK:-/tmp/anchors}"; export ANCHORS_WORK="$W"
B="$W/build"

version() { # project version of escrow-store, from the root pom
  sed -n 's:^  <version>\(.*\)</version>:\1:p' "$ROOT/pom.xml" | head -1
}

build() {
  if [ "${SKIP_INSTALL:-0}" != 1 ]; then
    (cd "$ROOT" && mvn -B -q install -DskipTests -pl escrow-store-api,escrow-store-raft -am)
  fi
  mkdir -p "$B"
  # the anchors' sources, exactly as their build.sh copies them (not their target dirs)
  tar -C "$A" --exclude='*/target' -cf - pom.xml common etcd zk rheakv | tar -C "$B" -xf -
  # our adapter as one more module
  rm -rf "$B/escrowstore/src"; mkdir -p "$B/escrowstore"
  cp -r "$HERE/anchors/escrowstore/src" "$B/escrowstore/"
  cat > "$B/escrowstore/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 http://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>anchors</groupId>
    <artifactId>anchors-parent</artifactId>
    <version>1.0</version>
  </parent>
  <artifactId>anchors-escrowstore</artifactId>
  <description>escrow-store (installed jars) under the anchors driver; written by escrow-store's scripts/bench-anchors.sh.</description>
  <dependencies>
    <dependency>
      <groupId>anchors</groupId>
      <artifactId>anchors-common</artifactId>
      <version>1.0</version>
    </dependency>
    <dependency>
      <groupId>io.escrowstore</groupId>
      <artifactId>escrow-store-raft</artifactId>
      <version>$(version)</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-simple</artifactId>
      <version>2.0.16</version>
    </dependency>
  </dependencies>
</project>
POM
  # the copied parent pom lists etcd, zk, rheakv; add our module (the copy only, never the anchors' own)
  grep -q '<module>escrowstore</module>' "$B/pom.xml" || \
    sed -i 's:    <module>rheakv</module>:    <module>rheakv</module>\n    <module>escrowstore</module>:' "$B/pom.xml"
  grep -q '<module>escrowstore</module>' "$B/pom.xml" || { echo "could not add the escrowstore module to $B/pom.xml" >&2; exit 1; }
  rm -rf "$B/escrowstore/target/dependency"   # no stale escrow-store jars on the class path
  (cd "$B" && mvn -q -B -DskipTests -pl escrowstore -am package dependency:copy-dependencies -DincludeScope=runtime)
  echo "built $B/escrowstore"
}

run() {
  [ -d "$B/escrowstore/target/classes" ] || { echo "not built: run $0 build first" >&2; exit 1; }
  local R="$W/results" D="$W/escrowstore"
  mkdir -p "$R"; rm -rf "$D"; mkdir -p "$D"
  cd "$B/escrowstore"
  # same driver options and JVM flags (none) as the anchors' run-rheakv.sh, the other in-process store
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  timeout 1800 java ${JAVA_OPTS:-} -cp "target/classes:target/dependency/*" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    anchors.escrowstore.EscrowStoreBench --data "$D" --ports 18191,18192,18193 \
    --warmup 5 --duration 15 --clients 1,16,64 --modes claim,blind \
    --single-target follower,leader --out "$R/results.csv" "$@" 2>&1 | tee "$R/escrowstore-driver.log"
  rm -rf "$D"
}

cmd="${1:-}"; shift || true
case "$cmd" in
  build) build ;;
  run) run "$@" ;;
  all) build; run "$@" ;;
  *) echo "usage: $0 build | run [driver options] | all [driver options]" >&2; exit 2 ;;
esac
