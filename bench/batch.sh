#!/usr/bin/env bash
# Issue 5 benchmark: N synthetic dossiers (default 1000), each with a rapport,
# a délibération, a convention and an annexe, in Markdown, HTML and PDF.
# Measures a full batch, a no-change re-run and one changed template, with
# peak resident memory. The race with typst is bench/race.sh.
# Targets (2 cores, release): full < 10 s, no-change < 0.5 s, peak RSS < 200 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
cargo build --release --quiet
bin=$PWD/target/release/delib
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# N copies of the Dijon dossier, each with its own act number; one shared
# séance, without M. HOUPERT's arrival before point 13, a point the batch
# has not (mouvement-point-inconnu would fail the run, and leave no re-run
# record to measure).
mkdir -p "$work/inputs/seances" "$work/inputs/templates"
cp inputs/dijon/delib.toml "$work/inputs/"
sed '/^# Inventé lui aussi/,$d' inputs/dijon/seances/2016-06-27.toml > "$work/inputs/seances/2016-06-27.toml"
# The same, each sentence of the clerk's text (exposé, préambule, articles)
# ending with the dossier's own reference: no paragraph of one dossier is
# found in another, only the templates' own text repeats. The worst case for
# delib's memory of paragraphs already set (docs/speed.md).
mkdir -p "$work/varied/seances"
cp inputs/dijon/delib.toml "$work/varied/"
cp "$work/inputs/seances/2016-06-27.toml" "$work/varied/seances/"
python3 - "$n" "$work" <<'PY'
import re, sys
n, work = int(sys.argv[1]), sys.argv[2]
src = open("inputs/dijon/convention-pep21.toml", encoding="utf-8").read()
quoted = re.compile('"' * 3 + '(.*?)' + '"' * 3, re.S)
for i in range(n):
    text = src.replace('numero = "2016-06-27/12"', f'numero = "2016-06-27/{1000 + i}"')
    text = text.replace("L'association les PEP 21", f"L'association les PEP 21 (antenne {i})")
    open(f"{work}/inputs/dossier-{i:04}.toml", "w", encoding="utf-8").write(text)
    # Each sentence ending a line of a multi-line text gets the dossier's reference.
    varied = quoted.sub(lambda m: m.group(0).replace(m.group(1), re.sub(r"\.$", f" (réf. {i}).", m.group(1), flags=re.M)), text)
    open(f"{work}/varied/dossier-{i:04}.toml", "w", encoding="utf-8").write(varied)
PY
cd "$work"
docs_per_dossier=4
measure() { # label, then the command
    local label=$1; shift
    # What the last step wrote goes to disk first, not during this one.
    sync
    /usr/bin/time -f "%e %M" -o time.txt "$@" 2> log.txt || { cat log.txt; exit 1; }
    read -r secs kb < time.txt
    printf '%-28s %7.2f s   peak RSS %4d MB   %s\n' "$label" "$secs" $((kb / 1024)) "$(tail -n 1 log.txt)"
    echo "$secs" > last.txt
}
echo "delib: $n dossiers x $docs_per_dossier documents x 3 formats, $(nproc) cores"
# The acts only: the N dossiers share one séance, whose documents (a recueil
# of N acts) are measured apart below, on a séance of realistic size.
acts=(--only rapport,deliberation,convention,annexe)
measure "full batch" "$bin" render inputs -o out "${acts[@]}"
full=$(cat last.txt)
measure "full batch, varied text" "$bin" render varied -o out-varied "${acts[@]}"
measure "no-change re-run" "$bin" render inputs -o out "${acts[@]}"
"$bin" templates inputs/templates > /dev/null
echo "Article ajouté pour le banc d'essai." >> inputs/templates/annexe.md.tera
measure "one template changed" "$bin" render inputs -o out "${acts[@]}"
python3 -c "print(f'throughput: {$n / $full:.0f} dossiers/s, {$n * $docs_per_dossier * 3 / $full:.0f} files/s')"

# The documents of one séance of 50 items (convocation, liste, procès-verbal,
# register sheet in three formats, and the recueil of the 50 acts: ~350 pages).
k=$(( n < 50 ? n : 50 ))
mkdir -p seance50/seances
cp inputs/delib.toml seance50/
cp inputs/seances/2016-06-27.toml seance50/seances/
for i in $(seq -f '%04g' 0 $((k - 1))); do cp "inputs/dossier-$i.toml" seance50/; done
measure "séance of $k items" "$bin" render seance50 -o out50 --only seance
measure "séance, no-change re-run" "$bin" render seance50 -o out50 --only seance

# The race with typst (one délibération PDF, typst as its users run it: one
# Compiler kept warm for a batch, a fresh process for one document) is
# bench/race.sh. The figure this script printed before issue 26 called
# typst.compile() for every document, which loads and scans the fonts again
# each time: not how a batch is run with typst.
