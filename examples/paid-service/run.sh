#!/usr/bin/env bash
# Runs the paid-service example from a fresh checkout: installs the local chain's npm packages,
# builds the example and the library in the reactor (no install), then runs
#   ./run.sh          the story (prints it; exit 1 if the final balance check fails)
#   ./run.sh bench    the measurements of docs/benchmarks.md
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
case "${1:-story}" in
  story) main=io.escrowstore.example.paid.story.PaidServiceStory ;;
  bench) main=io.escrowstore.example.paid.story.PaidServiceBench ;;
  *) echo "usage: $0 [story|bench] [bench arguments]" >&2; exit 2 ;;
esac
shift || true
(cd "$here/chain" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
(cd "$root" && mvn -B -q -pl examples/paid-service -am -DskipTests compile dependency:build-classpath \
  -Dmdep.outputFile=target/run-classpath.txt -Dmdep.includeScope=runtime)
exec java -Dpaid.chain.dir="$here/chain" \
  -cp "$here/target/classes:$(cat "$here/target/run-classpath.txt")" "$main" "$@"
