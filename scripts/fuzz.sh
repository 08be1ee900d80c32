#!/usr/bin/env bash
# Fuzzing with cargo-fuzz (libFuzzer) on the stable toolchain (RUSTC_BOOTSTRAP=1).
#   scripts/fuzz.sh smoke            every target for FUZZ_SECONDS (default 5) each, from the seeds
#   scripts/fuzz.sh run TARGET [S]   one target for S seconds (default 600), corpus kept in fuzz/corpus/TARGET
# Targets: manifest blob checklist_toml content_csv hours upload_body record_block compiled_lexicon (fuzz/fuzz_targets/).
# One build serves all targets. No sanitizer (-s none: the code under test is
# safe Rust; overflow checks on with -a). A crash stops with the input saved
# under fuzz/artifacts/TARGET/ and a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."
export RUSTC_BOOTSTRAP=1
TARGETS=(manifest blob checklist_toml content_csv hours upload_body record_block compiled_lexicon)
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi
FLAGS=(-s none -a)
mode="${1:-smoke}"
cargo fuzz build "${FLAGS[@]}"
case "$mode" in
smoke)
    secs="${FUZZ_SECONDS:-5}"
    for t in "${TARGETS[@]}"; do
        work="$(mktemp -d)"
        out="$(cargo fuzz run "${FLAGS[@]}" "$t" "$work" "fuzz/seeds/$t" -- \
            -max_total_time="$secs" -print_final_stats=1 2>&1)" || {
            echo "$out" | tail -40
            rm -rf "$work"
            echo "fuzz.sh: $t crashed (input saved under fuzz/artifacts/$t/)"
            exit 1
        }
        rm -rf "$work"
        execs="$(echo "$out" | sed -n 's/^stat::number_of_executed_units: *//p')"
        echo "fuzz $t: ${execs:-?} executions in ${secs} s, no crash"
    done
    ;;
run)
    t="${2:?fuzz.sh run TARGET [SECONDS]}"
    secs="${3:-600}"
    mkdir -p "fuzz/corpus/$t"
    cargo fuzz run "${FLAGS[@]}" "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
        -max_total_time="$secs" -print_final_stats=1
    ;;
*)
    echo "usage: scripts/fuzz.sh smoke | run TARGET [SECONDS]" >&2
    exit 2
    ;;
esac
