#!/usr/bin/env bash
# Speed and memory of the analyzer (issue 6), and the 50 MB robustness input in release.
#
#   scripts/bench.sh            # the fixed corpus of real crates from cargo's registry
#   scripts/bench.sh DIR ...    # any source trees
#   RUNS=3 scripts/bench.sh     # fewer timed runs (the minimum of RUNS is reported)
#
# 1. analyzer/benches/scan.rs: bare `syn::parse_file` vs the full `racewise check` (all rules,
#    JSON rendered into a sink) over the same files, on 1 thread and on all cores: MB/s, files/s,
#    full/parse ratio (target <= 1.3) and scaling (target: 2 threads >= 1.7x one).
#    Without DIRs, once over the library corpus and once over the service corpus (`--services`:
#    pingora-proxy, pingora-core, atuin-server, rathole at pinned versions), which this script
#    first fetches into cargo's registry with `cargo fetch` over a throwaway manifest in
#    target/bench-services/ (cargo only; nothing is copied into the repository).
# 2. Peak RSS of the real CLI (`/usr/bin/time`), per thread count, next to the corpus size
#    (target: < 2x source size + the fixed overhead of a run over one tiny file).
# 3. The same figures for the tokio crate alone (issue 2's closing note).
# 4. The ignored 50 MB generated-file test, in release.
# 5. analyzer/benches/reporters.rs: findings per second of every output format for one file
#    holding 100,000 findings (issue 13: the human and Markdown reporters were quadratic).
#
# Timings are wall-clock: on a shared machine run it when the cores are idle.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-5}"

cargo build --release -p racewise
cargo bench -p racewise --bench scan --no-run
scan() { cargo bench -q -p racewise --bench scan -- "$@" 2>/dev/null; }

# The service corpus: the versions must match `SERVICES` in analyzer/benches/scan.rs.
fetch_services() {
    local dir=target/bench-services
    mkdir -p "$dir/src"
    : > "$dir/src/lib.rs"
    cat > "$dir/Cargo.toml" <<'EOF'
[package]
name = "bench-services"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
pingora-proxy = "=0.9.1"
pingora-core = "=0.9.1"
atuin-server = "=18.24.4"
rathole = "=0.5.0"
EOF
    cargo fetch -q --manifest-path "$dir/Cargo.toml"
}

echo "== 1. throughput"
scan --runs "$RUNS" "$@"
if [ $# -eq 0 ]; then
    echo
    echo "== 1b. throughput on service code"
    if fetch_services; then scan --runs "$RUNS" --services; else echo "cargo fetch failed: skipped"; fi
fi

echo
echo "== 2. peak RSS of racewise check --format json"
mapfile -t DIRS < <(scan --list "$@")
bytes=$(find "${DIRS[@]}" -name '*.rs' -type f -print0 | du -cb --files0-from=- | tail -1 | cut -f1)
tiny=$(mktemp -d)
echo 'fn main() {}' > "$tiny/main.rs"
/usr/bin/time -f "%M" -o "$tiny/rss" target/release/racewise check "$tiny" --format json -o /dev/null
fixed=$(cat "$tiny/rss")
echo "source: $((bytes / 1024)) KiB; fixed overhead (a run over one tiny file): $fixed KiB"
for jobs in 1 "$(nproc)"; do
    /usr/bin/time -f "%M %e" -o "$tiny/rss" \
        target/release/racewise check "${DIRS[@]}" --format json -o /dev/null --fail-on never --jobs "$jobs"
    read -r kib secs < "$tiny/rss"
    echo "jobs=$jobs: peak RSS $kib KiB = fixed + $(( (kib - fixed) * 100 / (bytes / 1024) ))% of the source size (${secs}s)"
done
rm -rf "$tiny"

if [ $# -eq 0 ]; then
    echo
    echo "== 3. tokio alone (issue 2)"
    tokio=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/tokio-1.* 2>/dev/null | sort -V | tail -1 || true)
    if [ -n "$tokio" ]; then scan --runs "$RUNS" "$tokio"; else echo "tokio is not in cargo's registry: skipped"; fi
fi

echo
echo "== 4. 50 MB generated file (release)"
cargo test --release -p racewise-tests --test robustness -- --ignored

echo
echo "== 5. reporters: findings/s per format, 100,000 findings in one file (issue 13)"
cargo bench -q -p racewise --bench reporters 2>/dev/null
