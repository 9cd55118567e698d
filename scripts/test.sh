#!/usr/bin/env bash
# The whole test suite: std tests, then the shuttle and loom model checks, each in its own target dir
# so the cfg'd builds never invalidate the normal one. Ends with one line totalling every test
# binary's result.
set -euo pipefail
cd "$(dirname "$0")/.."

# A clean checkout (CI) gains nothing from incremental caches, and they are a third of the disk
# a build takes there.
if [[ -n "${CI:-}" ]]; then
    export CARGO_INCREMENTAL=0
fi

# The Redis stress tests need a redis-server binary (they start their own on loopback).
./scripts/ensure-redis.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT

run() {
    echo "== $*"
    "$@" 2>&1 | tee -a "$log"
}

run cargo test --workspace
RUSTFLAGS="--cfg shuttle" run cargo test -p racewise-models --release --target-dir target/shuttle
RUSTFLAGS="--cfg loom" run cargo test -p racewise-models --release --target-dir target/loom

awk '/^test result:/ {
        for (i = 1; i <= NF; i++) {
            if ($(i+1) ~ /^passed/) p += $i
            if ($(i+1) ~ /^failed/) f += $i
            if ($(i+1) ~ /^ignored/) s += $i
        }
    }
    END { printf "all suites: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
