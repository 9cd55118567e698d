#!/usr/bin/env bash
# The whole test suite: std tests, then the shuttle and loom model checks, each in its own target dir
# so the cfg'd builds never invalidate the normal one.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== std: cargo test --workspace"
cargo test --workspace

echo "== shuttle: RUSTFLAGS=--cfg shuttle"
RUSTFLAGS="--cfg shuttle" cargo test -p racewise-models --release --target-dir target/shuttle

echo "== loom: RUSTFLAGS=--cfg loom"
RUSTFLAGS="--cfg loom" cargo test -p racewise-models --release --target-dir target/loom
