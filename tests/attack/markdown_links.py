#!/usr/bin/env python3
"""Script links through the .md output (issue 11, point 9).

Puts each payload in the Markdown fields of a dossier (exposé, visas,
considérants, articles), renders the .md with the delib binary given, reads
every .md back with python-markdown (pip install markdown) and counts live
links or images whose scheme is not http, https or mailto (as a browser
sees them: tabs and line breaks dropped) and on* attributes.
Usage: markdown_links.py BIN [WORKDIR]; exit 1 when any is found.
"""
import json, os, re, shutil, subprocess, sys, tempfile
from html.parser import HTMLParser

try:
    import markdown
except ImportError:
    # A check that cannot run fails: .ci/run installs python-markdown.
    print("markdown_links.py: python-markdown absent (pip install markdown): cannot check", file=sys.stderr)
    sys.exit(1)

PAYLOADS = [
    "[x](javascript:alert(1))", "![i](javascript:alert(1))",
    "[r]: javascript:alert(1)\n\n[x][r]", "[x][r]\n\n[r]: javascript:alert(1)",
    "[x](JaVaScRiPt:alert(1))", "[x](java\tscript:alert(1))", "[x]( javascript:alert(1) )",
    "[x](javascript&#58;alert(1))", "[x](javascript\\:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)", "[x](vbscript:msgbox(1))", "<javascript:alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>", "[![i](javascript:a)](javascript:b)",
    "[x](javascript:alert(1) \"t\")", "[x]: javascript:alert(1)", "[x] (javascript:alert(1))",
    "[x](<javascript:alert(1)>)", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1) foo)",
    "[x](\\javascript:alert(1))", "![![![i](javascript:a)](javascript:b)](javascript:c)",
    "[x](file:///etc/passwd)", "[x](  JAVASCRIPT:alert(1))", "[x](java\nscript:alert(1))",
    "*[x](javascript:a)*", "| a |\n|---|\n| [x](javascript:a) |", "> [x](javascript:a)",
    "- [x](javascript:a)", "`[x](javascript:a)` [y](javascript:b)",
]


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k.startswith("on"):
                self.found.append((tag, k, v))
            elif k in ("href", "src", "action", "formaction", "xlink:href"):
                u = re.sub(r"[\t\n\r]", "", v or "").lstrip("".join(map(chr, range(33))))
                m = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", u)
                if m and m.group(1).lower() not in ("http", "https", "mailto"):
                    self.found.append((tag, k, v))


def live(md):
    p = Links()
    p.feed(markdown.markdown(md, extensions=["tables"]))
    return p.found


def main():
    binary = os.path.abspath(sys.argv[1])
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    work = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp()
    os.makedirs(work, exist_ok=True)
    base = open(os.path.join(root, "inputs/ivry-sur-seine/cmpp-college-moliere.toml"), encoding="utf-8").read()
    shutil.copy(os.path.join(root, "inputs/ivry-sur-seine/delib.toml"), work)
    bad = files = 0
    for k, p in enumerate(PAYLOADS):
        lit = json.dumps(p, ensure_ascii=False)
        i = base.index('expose = """')
        j = base.index('"""', i + 12) + 3
        t = base[:i] + "expose = " + lit + base[j:]
        t = t.replace('"la convention, ci-annexée",', '"la convention, ci-annexée", ' + lit + ",")
        t = t.replace("articles = [\n", "articles = [\n  " + lit + ",\n")
        open(os.path.join(work, "x.toml"), "w", encoding="utf-8").write(t)
        r = subprocess.run([binary, "render", "x.toml", "-o", "out", "-q", "--force", "--format", "md"],
                           cwd=work, capture_output=True, text=True, timeout=60)
        if r.returncode not in (0, 1):
            print("payload", k, "exit", r.returncode, r.stderr[:500])
            bad += 1
        for f in sorted(os.listdir(os.path.join(work, "out/x"))):
            files += 1
            for x in live(open(os.path.join(work, "out/x", f), encoding="utf-8").read()):
                bad += 1
                print(f"payload {k} {p!r}: {f}: {x}")
    print(f"markdown links: {len(PAYLOADS)} payloads, {files} .md files read with python-markdown, {bad} live script links")
    sys.exit(1 if bad else 0)


main()
