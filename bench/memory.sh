#!/usr/bin/env bash
# Issue 22, point 10: peak resident memory at scale, release build,
# /usr/bin/time -v. Targets: a séance of 300 acts (its recueil of some
# 2 100 pages) < 128 MB; a partners CSV of 20 000 rows < 256 MB; a 2 MB
# dossier of short paragraphs: reported. Usage: bench/memory.sh [scale]
# (scale 1: the sizes above; 0.1 for a quick look). Prints each case's
# peak, time, files written and a hash of its recueil or of every output,
# to compare two builds byte for byte.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-1}
cargo build --release --quiet
bin=$PWD/target/release/delib
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n() { python3 -c "print(max(1, round($1 * $scale)))"; }
acts=$(n 300)
rows=$(n 20000)
paras=$(n 40000)

# A séance of $acts copies of the Dijon dossier (as bench/batch.sh makes them).
mkdir -p "$work/seance/seances"
cp inputs/dijon/delib.toml "$work/seance/"
sed '/^# Inventé lui aussi/,$d' inputs/dijon/seances/2016-06-27.toml > "$work/seance/seances/2016-06-27.toml"
# The Alsace dossier with $rows partners (the CSV's rows repeated, numbered).
mkdir -p "$work/partners"
cp inputs/alsace/delib.toml inputs/alsace/soutien-parentalite.toml "$work/partners/"
# A dossier whose exposé is $paras short paragraphs (about 2 MB at scale 1).
mkdir -p "$work/long"
cp inputs/dijon/delib.toml "$work/long/"
cp -r "$work/seance/seances" "$work/long/"
python3 - "$work" "$acts" "$rows" "$paras" <<'PY'
import re, sys
work, acts, rows, paras = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
src = open("inputs/dijon/convention-pep21.toml", encoding="utf-8").read()
for i in range(acts):
    t = src.replace('numero = "2016-06-27/12"', f'numero = "2016-06-27/{1000 + i}"')
    t = t.replace("L'association les PEP 21", f"L'association les PEP 21 (antenne {i})")
    open(f"{work}/seance/dossier-{i:04}.toml", "w", encoding="utf-8").write(t)
lines = open("inputs/alsace/partenaires.csv", encoding="utf-8").read().splitlines()
with open(f"{work}/partners/partenaires.csv", "w", encoding="utf-8") as f:
    f.write(lines[0] + "\n")
    for i in range(rows):
        cells = lines[1 + i % (len(lines) - 1)].split(";")
        cells[0] = f"{cells[0]} n° {i + 1}"
        f.write(";".join(cells) + "\n")
body = "\n\n".join(f"Paragraphe {i} : le conseil en a délibéré." for i in range(paras))
t = re.sub(r'expose = """.*?"""', lambda m: 'expose = """\n' + body + '\n"""', src, count=1, flags=re.S)
open(f"{work}/long/long.toml", "w", encoding="utf-8").write(t)
PY
cd "$work"
measure() { # label, output folder, then the command
    local label=$1 out=$2; shift 2
    sync
    /usr/bin/time -v -o time.txt "$@" -o "$out" -q 2> log.txt || { cat log.txt; exit 1; }
    local kb secs files sum
    kb=$(awk -F': ' '/Maximum resident/ {print $2}' time.txt)
    secs=$(awk -F': ' '/Elapsed/ {print $2}' time.txt)
    files=$(find "$out" -type f ! -name '.delib*' | wc -l)
    sum=$(find "$out" -type f ! -name '.delib*' -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-16)
    printf '%-44s peak %4d MB   %8s   %6d files   outputs %s\n' "$label" $((kb / 1024)) "$secs" "$files" "$sum"
}
echo "delib, peak memory at scale $scale ($(nproc) cores)"
measure "séance of $acts acts (--only seance)" out-seance "$bin" render seance --only seance
measure "$rows partners, every document" out-partners "$bin" render partners
measure "a dossier of $paras short paragraphs" out-long "$bin" render long/long.toml
