#!/usr/bin/env bash
# Makes the pictures of the guide from the examples, so that they show what
# delib makes today: a page of a délibération (pdftoppm, Debian poppler-utils),
# the preview of `delib serve` and the published site (headless Chromium).
# Run from anywhere, after a change to what they show:
#   bash docs/guide/images/make.sh [OUT_DIR]      (default: docs/guide/images)
# then look at them and commit them. .ci/run runs it into target/ to check
# that it still works.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${1:-$here}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$root"
cargo build --quiet
delib=$root/target/debug/delib
work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

shot() { # URL FILE WIDTH HEIGHT
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$work/chromium" --window-size="$3,$4" \
    --screenshot="$2" "$1" >/dev/null 2>&1
  test -s "$2"
}

# 1. The first page of the Dijon délibération of 27 June 2016, as printed.
"$delib" render inputs/dijon -o "$work/rendu" -q
pdftoppm -png -r 60 -f 1 -l 1 -singlefile \
  "$work/rendu/convention-pep21/deliberation.pdf" "$out/deliberation"

# 2. The preview: the index of the examples, then the délibération in it.
cp -r inputs "$work/inputs"
"$delib" serve "$work/inputs" --port 0 2>"$work/serve.log" &
server=$!
for _ in $(seq 100); do
  grep -q "http://" "$work/serve.log" && break
  sleep 0.1
done
url=$(grep -o "http://[0-9.:]*" "$work/serve.log" | head -1)
shot "$url/" "$out/apercu.png" 1100 900
shot "$url/dijon/convention-pep21/deliberation.html" "$out/apercu-deliberation.png" 1100 900
kill "$server"
server=""

# 3. The published site of the examples, opened from the disk.
"$delib" publish inputs -o "$work/site" --date 2026-12-01 -q
shot "file://$work/site/index.html" "$out/site.png" 1100 800

ls -l "$out"/*.png
