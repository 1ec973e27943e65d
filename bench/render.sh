#!/usr/bin/env bash
# Issue 3 benchmark: one cold `delib render` of the Dijon dossier (rapport,
# délibération, convention, annexe; Markdown, HTML and PDF), release build.
# Target on the 2-core reference machine (issue 10): 8 ms or less.
# Uses hyperfine when installed (apt-get install hyperfine), else a plain loop.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/delib
out=$(mktemp -d)
cmd="$bin render inputs/dijon/convention-pep21.toml -q -o $out/rendu"
if command -v hyperfine >/dev/null; then
    hyperfine --warmup 3 --runs 30 --prepare "rm -rf $out/rendu" --export-markdown "$out/result.md" \
        --export-json "$out/result.json" "$cmd"
    cat "$out/result.md"
    # The target is a median: the mean takes the machine's outliers in.
    python3 - "$out/result.json" <<'PY'
import json, statistics, sys
times = json.load(open(sys.argv[1]))["results"][0]["times"]
median = statistics.median(times) * 1000
print(f"delib, cold render of the Dijon dossier (12 files): median {median:.1f} ms over {len(times)} runs")
PY
else
    runs=30
    start=$(date +%s%N)
    for _ in $(seq $runs); do rm -rf "$out/rendu"; $cmd; done
    end=$(date +%s%N)
    echo "mean: $(( (end - start) / runs / 1000000 )) ms over $runs runs (includes rm)"
fi
ls "$out/rendu"/*/ | tr '\n' ' '; echo

# Peer, in the same run: typst (pip install typst) compiling the same
# délibération (bench/md2typ.py), cold: the first compile of a fresh process,
# fonts included, interpreter start-up excluded; median of 15 processes.
if python3 -c "import typst" 2>/dev/null; then
    mkdir -p "$out/typst"
    cp fonts/*.ttf "$out/typst/"
    python3 bench/md2typ.py "$out/rendu/convention-pep21/deliberation.md" >"$out/typst/peer.typ"
    version=$(python3 -c 'import typst; print(typst.__version__)')
    for _ in $(seq 15); do
        python3 - "$out/typst" <<'PY'
import sys, time, typst
d = sys.argv[1]
t = time.perf_counter()
typst.compile(f"{d}/peer.typ", output=f"{d}/peer.pdf", font_paths=[d])
print(f"{(time.perf_counter() - t) * 1000:.1f}")
PY
    done | sort -n | awk -v v="$version" '{a[NR] = $1}
        END {print "typst " v ", cold compile of the same délibération (PDF only): median " a[int((NR + 1) / 2)] " ms over " NR " processes"}'
fi
rm -rf "$out"
