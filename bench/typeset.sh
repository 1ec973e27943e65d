#!/usr/bin/env bash
# Typesetting report (issue 9): renders every example, measures every PDF
# with bench/typeset.py (pdftotext -bbox-layout), then sets the Dijon
# délibération with typst (pip install typst) in the same font, size and
# margins and measures it the same way.
# Usage: bench/typeset.sh [OUT_DIR]   (PDFs and PNGs stay in OUT_DIR, default a temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
out=${1:-$(mktemp -d)}
rm -rf "$out/rendu"
target/release/delib render inputs -q -o "$out/rendu"
mapfile -t pdfs < <(find "$out/rendu" -name '*.pdf' | sort)
echo "== delib: ${#pdfs[@]} example PDFs"
python3 bench/typeset.py "${pdfs[@]}"
if python3 -c 'import typst' 2>/dev/null; then
    python3 bench/md2typ.py "$out/rendu/dijon/convention-pep21/deliberation.md" >"$out/dijon.typ"
    python3 - "$out/dijon.typ" "$out/dijon-typst.pdf" <<'PY'
import sys, typst
open(sys.argv[2], "wb").write(typst.compile(sys.argv[1], font_paths=["fonts"]))
PY
    echo "== typst $(python3 -c 'import typst; print(typst.__version__)'): the Dijon délibération"
    python3 bench/typeset.py "$out/dijon-typst.pdf" 2>/dev/null
    echo "== delib: the Dijon délibération"
    python3 bench/typeset.py "$out/rendu/dijon/convention-pep21/deliberation.pdf"
else
    echo "(typst not installed: pip install typst)"
fi
echo "PDFs in $out"
