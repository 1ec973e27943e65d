#!/usr/bin/env bash
# Issue 3 benchmark: one cold `delib render` of the Dijon dossier (rapport,
# délibération, convention, annexe; Markdown, HTML and PDF), release build.
# Target on the 2-core reference machine: under 30 ms.
# Uses hyperfine when installed (apt-get install hyperfine), else a plain loop.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/delib
out=$(mktemp -d)
cmd="$bin render inputs/dijon/convention-pep21.toml -q -o $out/rendu"
if command -v hyperfine >/dev/null; then
    hyperfine --warmup 3 --runs 30 --prepare "rm -rf $out/rendu" --export-markdown "$out/result.md" "$cmd"
    cat "$out/result.md"
else
    runs=30
    start=$(date +%s%N)
    for _ in $(seq $runs); do rm -rf "$out/rendu"; $cmd; done
    end=$(date +%s%N)
    echo "mean: $(( (end - start) / runs / 1000000 )) ms over $runs runs (includes rm)"
fi
ls "$out/rendu"/*/ | tr '\n' ' '; echo
rm -rf "$out"
