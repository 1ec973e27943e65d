#!/usr/bin/env python3
"""Typesetting report over PDFs (issue 9): reads `pdftotext -bbox-layout`.

For each PDF, and in total:
  hyph       lines ending in a hyphen followed by a word on the next line
             (hyphenation, or a break after a compound's own hyphen)
  frag       paragraphs whose last line is a lone fragment of a hyphenated word
  civ        lines ending on a civility or title (M., Mme, MM., Me, Dr...)
  space>2x   justified lines whose widest word space is over 2x the normal space
  maxspace   widest word space of any justified line, in normal spaces
  sigpage    pages (after the first) holding only a signature block: at most
             4 short lines of body text
  pages      page count
Usage: typeset.py FILE.pdf... (prints one row per file, then the totals).
Normal space: 0.25 em (Liberation Serif and Sans); size from the word box
height, which poppler makes ascent + descent = 1.107 em for these fonts.
"""
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

CIVILITIES = {"M.", "MM.", "Mme", "Mmes", "Mlle", "Me", "Dr", "Pr", "Mgr"}
EM_BOX = 1.107
NS = "{http://www.w3.org/1999/xhtml}"


def lines_of(pdf):
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", pdf, "-"], capture_output=True, check=True
    ).stdout.decode()
    # The XHTML has entities ET does not know.
    out = re.sub(r"<!DOCTYPE[^>]*>", "", out)
    root = ET.fromstring(out)
    pages = []
    for page in root.iter(NS + "page"):
        plines = []
        for block in page.iter(NS + "block"):
            blines = []
            for line in block.iter(NS + "line"):
                words = [
                    (
                        float(w.get("xMin")),
                        float(w.get("xMax")),
                        float(w.get("yMin")),
                        float(w.get("yMax")),
                        w.text or "",
                    )
                    for w in line.iter(NS + "word")
                ]
                if words:
                    blines.append(words)
            for i, l in enumerate(blines):
                plines.append((l, i + 1 == len(blines), blines[i + 1] if i + 1 < len(blines) else None))
        pages.append((float(page.get("width")), float(page.get("height")), plines))
    return pages


def is_hyphenated(words, nxt):
    last = words[-1][4]
    if not last.endswith(("-", "\u2010", "\u00ad")) or len(last) < 3:
        return False
    if not last[-2].isalpha():
        return False
    return nxt is not None and nxt[0][4][:1].isalpha()


def report(pdf):
    r = dict(hyph=0, frag=0, civ=0, wide=0, maxspace=0.0, sigpage=0, pages=0)
    pages = lines_of(pdf)
    r["pages"] = len(pages)
    for pno, (pw, ph, plines) in enumerate(pages):
        body = [l for l in plines if l[0][0][2] < ph - 60]  # above the footer
        body = [l for l in body if not re.fullmatch(r"[PROJET ]+", " ".join(w[4] for w in l[0]))]
        right = max((l[0][-1][1] for l in body), default=0)
        for words, last_in_block, nxt in body:
            if words[-1][4] in CIVILITIES:
                r["civ"] += 1
            if is_hyphenated(words, nxt):
                r["hyph"] += 1
                if len(nxt) == 1:
                    r["frag"] += 1
            # Justified: reaches the right edge of the column and is not the
            # last line of its block.
            if len(words) >= 2 and not last_in_block and abs(words[-1][1] - right) < 1.0:
                size = (words[0][3] - words[0][2]) / EM_BOX
                normal = 0.25 * size
                # The gap after a list marker is an indent, not a space.
                if re.fullmatch(r"\u2022|\d+\.", words[0][4]):
                    words = words[1:]
                if len(words) < 2:
                    continue
                widest = max(b[0] - a[1] for a, b in zip(words, words[1:]))
                ratio = widest / normal
                r["maxspace"] = max(r["maxspace"], ratio)
                # pdftotext rounds coordinates to 0.001 pt.
                if ratio > 2.0 + 1e-3:
                    r["wide"] += 1
        if pno > 0:
            width = pw - 2 * 56.69
            short = all((l[0][-1][1] - l[0][0][0]) < width * 0.6 for l in body)
            if 0 < len(body) <= 4 and short:
                r["sigpage"] += 1
    return r


def main(files):
    cols = ["pages", "hyph", "frag", "civ", "wide", "maxspace", "sigpage"]
    head = ["pages", "hyph", "frag", "civ", "space>2x", "maxspace", "sigpage"]
    print(f"{'file':60} " + " ".join(f"{h:>8}" for h in head))
    tot = dict.fromkeys(cols, 0)
    for f in files:
        r = report(f)
        for c in cols:
            tot[c] = max(tot[c], r[c]) if c == "maxspace" else tot[c] + r[c]
        print(f"{f[-60:]:60} " + " ".join(
            f"{r[c]:>8.2f}" if c == "maxspace" else f"{r[c]:>8}" for c in cols))
    print(f"{'TOTAL (' + str(len(files)) + ' PDFs)':60} " + " ".join(
        f"{tot[c]:>8.2f}" if c == "maxspace" else f"{tot[c]:>8}" for c in cols))


if __name__ == "__main__":
    main(sys.argv[1:])
