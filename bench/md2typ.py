#!/usr/bin/env python3
"""Turn a delib Markdown document into a typst document set like delib's PDF
(A4, same margins, Liberation Serif 11 pt, justified, French hyphenation), to
compare the two typesetters on the same text (bench/typeset.sh). Rough on
purpose: paragraphs, headings, lists, bold and italic, line breaks, <sup>;
the header blocks and boxes become plain paragraphs."""
import re
import sys

PREAMBLE = """#set page(paper: "a4", margin: (x: 20mm, top: 20mm, bottom: 25mm))
#set text(font: "Liberation Serif", size: 11pt, lang: "fr")
#set par(justify: true, leading: 0.5em, spacing: 0.85em)
#show heading.where(level: 1): set align(center)
#show heading.where(level: 1): set text(size: 15pt)
#show heading.where(level: 2): set text(size: 12.5pt)
"""


def inline(s):
    s = s.replace("\\", "\u0000")  # Markdown escapes: the next char is literal
    s = re.sub(r"\u0000(.)", lambda m: "\\" + m.group(1), s)
    s = s.replace("#", "\\#").replace("$", "\\$").replace("@", "\\@").replace("`", "\\`")
    s = re.sub(r"<sup>(.*?)</sup>", r"#super[\1]", s)
    s = re.sub(r"<[^>]+>", "", s)
    s = s.replace("<", "\\<").replace(">", "\\>")
    # Markdown bold/italic -> typst (bold first, through a placeholder).
    s = re.sub(r"\*\*(.+?)\*\*", "\u0001\\1\u0001", s)
    s = re.sub(r"(?<![\\\w])\*(.+?)\*", r"_\1_", s)
    s = s.replace("\u0001", "*")
    return s


def convert(md):
    out = [PREAMBLE]
    for line in md.splitlines():
        if line.startswith("<div") or line.startswith("</div"):
            continue
        if re.fullmatch(r"\|[-:| ]+\|", line):
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            out.append(inline("   ".join(cells)) + "\n")
            continue
        m = re.match(r"(#+) (.*)", line)
        if m:
            out.append("=" * len(m.group(1)) + " " + inline(m.group(2)))
            continue
        hard = line.endswith("\\")
        if hard:
            line = line[:-1]
        m = re.match(r"(\d+)\. (.*)", line)
        if m:
            out.append(f"+ {inline(m.group(2))}")
            continue
        out.append(inline(line) + (" \\" if hard else ""))
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(convert(open(sys.argv[1], encoding="utf-8").read()))
