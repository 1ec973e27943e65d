#!/usr/bin/env bash
# Issue 26: delib against typst per délibération PDF, each run the way its
# users run it, side by side in one run, same text, same fonts, same variants.
#
# Warm (a batch):
#   delib  N dossiers of one séance (the Dijon convention, numbered 100, 101…,
#          objet « Point i : … »), `render -j 1 --only deliberation --format pdf`:
#          the process's CPU time (user + system) divided by N. Includes finding
#          and loading the dossiers, the séance, the checks, the model, the
#          templates, the Markdown, layout, the PDF/A-2u tagged file and its write.
#   typst  one `typst.Compiler` kept for the whole batch (fonts loaded once,
#          its incremental engine warm), the source rewritten before each compile
#          with the same variant delib renders (delib's own Markdown of that
#          dossier turned into typst markup by bench/md2typ.py), the PDF written
#          to a file: wall and CPU time per compile, median over the batch.
#          Default PDF (tagged) and PDF/A-2u as delib writes.
# Cold (one document, a fresh process each time):
#   delib  `render inputs/dijon/convention-pep21.toml --only deliberation
#          --format pdf`: the whole process, hyperfine median.
#   typst  the first compile of a fresh Python process (fonts found and loaded,
#          the document laid out and written), interpreter start-up excluded:
#          median over 15 processes, default PDF and PDF/A-2u.
# Usage: bench/race.sh [N]   (N dossiers in the batch, default 200);
#        DELIB=path/to/delib bench/race.sh  races that build instead.
# Needs python3 with typst (pip install typst) and hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
# DELIB=path/to/delib races another build (before/after a change).
if [ -z "${DELIB:-}" ]; then cargo build --release --quiet; fi
bin=$(realpath "${DELIB:-target/release/delib}")
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -c 'import typst' 2>/dev/null || { echo "typst absent: pip install typst" >&2; exit 1; }

# The batch: N dossiers of one séance, without the arrival before point 13
# (a point the batch has not).
mkdir -p "$work/p/seances"
cp inputs/dijon/delib.toml "$work/p/"
sed '/^# Inventé lui aussi/,$d' inputs/dijon/seances/2016-06-27.toml >"$work/p/seances/2016-06-27.toml"
python3 - "$n" "$work/p" <<'PY'
import re, sys
n, p = int(sys.argv[1]), sys.argv[2]
src = open("inputs/dijon/convention-pep21.toml", encoding="utf-8").read()
for i in range(n):
    v = re.sub(r'(?m)^numero = .*', f'numero = "2016-06-27/{100 + i}"', src, count=1)
    v = re.sub(r'(?m)^objet = "Convention', f'objet = "Point {i} : Convention', v, count=1)
    open(f"{p}/d{i:04}.toml", "w", encoding="utf-8").write(v)
PY
# typst's sources: each dossier's délibération as delib writes it in Markdown,
# in typst markup (not timed).
"$bin" render "$work/p" -q -o "$work/md" --only deliberation --format md
mkdir -p "$work/typ" "$work/fonts"
cp fonts/*.ttf "$work/fonts/"
for i in $(seq -f '%04g' 0 $((n - 1))); do
    python3 bench/md2typ.py "$work/md/d$i/deliberation.md" >"$work/typ/d$i.typ"
done

echo "delib against typst $(python3 -c 'import typst; print(typst.__version__)'), one délibération PDF (3 pages A4), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# delib, warm: three batches, each into an emptied folder; the median.
for _ in 1 2 3; do
    rm -rf "$work/o"
    sync
    /usr/bin/time -f "%U %S %e" -o "$work/t.txt" \
        "$bin" render "$work/p" -q -o "$work/o" -j 1 --only deliberation --format pdf
    made=$(find "$work/o" -name deliberation.pdf | wc -l)
    [ "$made" -eq "$n" ] || { echo "delib wrote $made PDFs of $n" >&2; exit 1; }
    awk -v n="$n" '{printf "%.3f\n", ($1 + $2) * 1000 / n}' "$work/t.txt"
done | sort -n | sed -n 2p >"$work/delib-warm.txt"

# typst, warm: one Compiler, the variants in turn.
python3 - "$work" "$n" <<'PY' >"$work/typst-warm.txt"
import os, statistics, sys, time, typst
work, n = sys.argv[1], int(sys.argv[2])
main = f"{work}/main.typ"
srcs = [open(f"{work}/typ/d{i:04}.typ", encoding="utf-8").read() for i in range(n)]
for std in ([], "a-2u"):
    open(main, "w", encoding="utf-8").write(srcs[-1])
    comp = typst.Compiler(main, font_paths=[f"{work}/fonts"], ignore_system_fonts=True)
    comp.compile(output=f"{work}/warmup.pdf", pdf_standards=std)
    wall, cpu = [], []
    for i, s in enumerate(srcs):
        open(main, "w", encoding="utf-8").write(s)
        t, c = time.perf_counter(), time.process_time()
        comp.compile(output=f"{work}/t{i}.pdf", pdf_standards=std)
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - t) * 1000)
    print(f"{statistics.median(wall):.2f} {statistics.median(cpu):.2f}")
PY

# delib, cold: one délibération PDF, a fresh process each time.
hyperfine --warmup 3 --runs 30 --prepare "rm -rf $work/cold" --export-json "$work/cold.json" \
    "$bin render $root/inputs/dijon/convention-pep21.toml -q -o $work/cold --only deliberation --format pdf" >/dev/null
python3 - "$work/cold.json" <<'PY' >"$work/delib-cold.txt"
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"{statistics.median(r['times']) * 1000:.2f} {(r['user'] + r['system']) * 1000:.2f}")
PY

# typst, cold: the first compile of 15 fresh processes, default PDF and
# PDF/A-2u in turn; the median of each.
python3 bench/md2typ.py "$work/md/d0000/deliberation.md" >"$work/cold.typ"
for _ in $(seq 15); do
    for std in "" a-2u; do
        python3 - "$work" "$std" <<'PY'
import sys, time, typst
w, std = sys.argv[1], sys.argv[2] or []
t, c = time.perf_counter(), time.process_time()
typst.compile(f"{w}/cold.typ", output=f"{w}/cold.pdf", font_paths=[f"{w}/fonts"], ignore_system_fonts=True, pdf_standards=std)
print(f"{sys.argv[2] or 'default'} {(time.perf_counter() - t) * 1000:.2f} {(time.process_time() - c) * 1000:.2f}")
PY
    done
done >"$work/typst-cold-all.txt"
for std in default a-2u; do
    grep "^$std " "$work/typst-cold-all.txt" | cut -d' ' -f2- | sort -n | sed -n 8p
done >"$work/typst-cold.txt"

python3 - "$n" "$work" <<'PY'
import sys
n, w = sys.argv[1], sys.argv[2]
val = lambda f: [float(x) for x in open(f"{w}/{f}.txt").read().split()]
(dw,), (tw, twc, twa, twac), (dc, dcc), (tc, tcc, tca, tcac) = (
    val("delib-warm"), val("typst-warm"), val("delib-cold"), val("typst-cold"))
print(f"warm, per délibération PDF in a batch of {n}:")
print(f"  typst, one Compiler, default PDF  {tw:6.2f} ms wall {twc:6.2f} ms CPU")
print(f"  typst, one Compiler, PDF/A-2u     {twa:6.2f} ms wall {twac:6.2f} ms CPU")
print(f"  delib, -j 1, PDF/A-2u                             {dw:6.2f} ms CPU"
      f"   typst CPU / delib: {twc / dw:.2f} (PDF/A {twac / dw:.2f}; target 2)")
print("cold, one délibération PDF, fresh process:")
print(f"  typst, first compile, default PDF {tc:6.2f} ms wall {tcc:6.2f} ms CPU (interpreter start excluded)")
print(f"  typst, first compile, PDF/A-2u    {tca:6.2f} ms wall {tcac:6.2f} ms CPU")
print(f"  delib, whole process, PDF/A-2u    {dc:6.2f} ms wall {dcc:6.2f} ms CPU"
      f"   typst / delib (wall): {tc / dc:.2f} (PDF/A {tca / dc:.2f}; target 3)")
PY
