#!/usr/bin/env python3
"""Attacks on the delib binary (issue 11): hostile and unlucky inputs.

Usage: attack.py BIN [--scale N] [--only NAME,...]
  BIN      the delib binary (release for figures, debug in CI)
  --scale  multiplies every count (1 in CI: a few seconds per attack)

Each attack prints one line of figures and its failures; exit 1 when any
attack failed. Everything runs in a temporary folder, on loopback only,
with bounded counts and a timeout on every process. Standard library only
(python-markdown, when installed, is used by markdown_links.py, not here).

Attacks:
  mutate     example dossiers mutated at random: check and render never
             crash (exit 0, 1 or 2 only, no panic message), never hang
  payloads   every string field of a dossier set to each injection payload:
             no control character in the .md/.html, no live <script>, no
             onerror, no javascript: href in the .html, none on stderr
  huge       1 MB fields built on the worst cases found: check and render
             finish within the timeout, findings stay short
  paths      séance, partners, templates, logo and [rendu] sortie pointing
             outside the project (../, absolute, symlinks): nothing outside
             is read (no « root:x: » anywhere) or written
  kill       kill -9 at random moments of a batch render, then a re-run:
             every document complete, no temporary file left
  concurrent pairs of renders into the same output folder: both succeed
             or one says another is running; complete documents
  http       requests against delib serve (traversal, methods, odd heads):
             answered with an expected status, the server stays up
  slowloris  slow connections holding the server: quick requests served
  moved      a project moved or renamed, alone or with its output folder,
             and two projects rendered in turn into one folder: every
             document kept, none taken from the other project (issue 22)
  forged     manifests, re-run records, site and @ctes manifests naming
             files outside (absolute, ../, through a link): nothing outside
             written or deleted
  swap       a dossier's output folder (and a site's act folder) swapped
             for a link to a folder outside while render and publish write
             and delete: nothing outside written or deleted
  special    a FIFO, a link or a device node where a file goes (export scdl
             -o, a document, a page of the site): never replaced, never
             waited on
  collide    partners' names that make the same file as another partner's
             annex (« X » and « X annexe 1 »): refused at their row by check
             and render, no convention lost
  killsite   kill -9 during publish and export actes: SHA256SUMS agrees with
             the files right after the kill, no temporary file left after
             the next run
  template   templates that loop or write without end (nested range, a
             flood of output, a NUL byte): check and render stop with an
             error naming the template, in bounded time; delib serve keeps
             answering its other pages meanwhile
  pipe       every command with its standard output closed before it
             writes (`delib schema | head -1`): no panic, no message
  smaller    the smaller findings of issue 22: montant = 1e-9, a logo over
             25 million pixels, a dossier 3 000 folders deep, a dangling -o
             link: each refused or told, never silent

Each attack also counts, for the reliability table (docs/reliability.md):
runs, panics, hangs (timeouts), files lost (documents that should be there
and are not, or hold another project's text) and writes or deletions
outside (a file outside the output folder created, changed or removed).
"""
import json, os, random, re, shutil, signal, socket, stat, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIMEOUT = 60
results = []  # (attack, figures, failures, counts)
# The counts of the attack running: runs, panics, hangs, files lost, outside.
COUNTS = {}


def new_counts():
    COUNTS.clear()
    COUNTS.update(runs=0, panics=0, hangs=0, lost=0, outside=0)


def count(code, err):
    """Counts one execution of delib by its exit code and stderr."""
    COUNTS["runs"] += 1
    if code == "timeout":
        COUNTS["hangs"] += 1
    elif bad_exit(code, err):
        COUNTS["panics"] += 1


def run(args, cwd, timeout=TIMEOUT, stdin=None):
    """Runs delib; returns (exit code or 'timeout', stderr text)."""
    try:
        p = subprocess.run([BIN] + args, cwd=cwd, capture_output=True, timeout=timeout,
                           stdin=stdin if stdin is not None else subprocess.DEVNULL)
        code, err = p.returncode, p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        code, err = "timeout", ""
    count(code, err)
    return code, err


def report(name, figures, failures):
    counts = dict(COUNTS)
    results.append((name, figures, failures, counts))
    status = "ok" if not failures else f"{len(failures)} FAILED"
    tally = ", ".join(f"{k} {v}" for k, v in counts.items())
    print(f"{name:11} {figures} [{tally}] — {status}", flush=True)
    for f in failures[:10]:
        print(f"    {f}", flush=True)


def bad_exit(code, err):
    return code not in (0, 1, 2) or "panicked" in err or "RUST_BACKTRACE" in err


def tree(d):
    """Every file, link and special file under d (not following links), by
    relative path, with its kind and bytes: what must not change outside."""
    out = {}
    for dp, dns, fs in os.walk(d):
        for n in fs + [x for x in dns if os.path.islink(os.path.join(dp, x))]:
            p = os.path.join(dp, n)
            rel = os.path.relpath(p, d)
            if os.path.islink(p):
                out[rel] = ("link", os.readlink(p))
            elif os.path.isfile(p):
                out[rel] = ("file", open(p, "rb").read())
            else:
                out[rel] = ("special", None)
    return out


def outside_changes(before, after):
    """Files created, changed or removed between two trees."""
    return sum(1 for k in set(before) | set(after) if before.get(k) != after.get(k))


def copy_examples(dst):
    shutil.copytree(os.path.join(ROOT, "inputs"), dst)


# ---------------------------------------------------------------- mutate
SNIPPETS = ['"', "[", "]", "=", "\n", "{", "}", "'''", '"""', "2016-02-30", "-1", "99999999999999999999",
            "<div class=\"signature\">", "</div>", "{{ x }}", "{% if %}", "**", "# ", "| a |\n|---|\n",
            "[deliberation.vote]\npour = 3\ncontre = 4\n", "unanimite = true\n", "presents = 3\n",
            "é\u202fœ€", "\\", "\\u0000", "\\u001b", "inf", "nan", "1979-05-27T07:32:00Z", "[[annexes]]\n",
            "seance = \"../../../etc/passwd\"\n", "> " * 50, "[x](javascript:a)"]


def mutate_text(text, rng):
    s = text
    for _ in range(rng.randint(1, 4)):
        at = rng.randint(0, len(s))
        op = rng.randrange(4)
        if op == 0:
            s = s[:at] + rng.choice(SNIPPETS) + s[at:]
        elif op == 1:
            s = s[:at] + s[at + rng.randint(0, 40):]
        elif op == 2:
            lines = s.splitlines() or [""]
            s = s[:at] + "\n" + rng.choice(lines) + "\n" + s[at:]
        else:
            s = s[:at]
    return s


def attack_mutate(work, n):
    copy_examples(os.path.join(work, "in"))
    dossiers = [os.path.join(dp, f) for dp, _, fs in os.walk(os.path.join(work, "in"))
                for f in fs if f.endswith(".toml")]
    originals = {d: open(d, encoding="utf-8").read() for d in dossiers}
    rng = random.Random(11)
    failures, codes = [], {}
    for i in range(n):
        d = rng.choice(dossiers)
        open(d, "w", encoding="utf-8").write(mutate_text(originals[d], rng))
        for cmd in (["check", d], ["render", d, "-o", os.path.join(work, "out"), "-q"]):
            code, err = run(cmd, work)
            codes[code] = codes.get(code, 0) + 1
            if code == "timeout" or bad_exit(code, err):
                failures.append(f"mutation {i} of {os.path.basename(d)}: {cmd[0]} exit {code} {err[-300:]!r}")
        open(d, "w", encoding="utf-8").write(originals[d])
    report("mutate", f"{n} mutated dossiers, {2 * n} executions, exit codes {codes}", failures)


# -------------------------------------------------------------- payloads
PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "{{ 7*7 }}", "{% raw %}x",
            "[x](javascript:alert(1))", "![i](javascript:alert(1))", "[r]: javascript:alert(1)",
            "\u001b]0;titre\u0007", "\u001b[2J", "\u0000", "\u202e", "</div><div class=\"signature\">",
            "&lt;script&gt;", "`code` ```", "'; DROP TABLE--", "../../etc/passwd", "%s%n", "\r\n\r\n",
            "a" * 5000, "# titre\n\n---\n"]


def toml_str(s):
    out = '"'
    for c in s:
        if c == '"':
            out += '\\"'
        elif c == "\\":
            out += "\\\\"
        elif ord(c) < 0x20 or ord(c) == 0x7f or 0x80 <= ord(c) < 0xa0:
            out += "\\u%04X" % ord(c)
        else:
            out += c
    return out + '"'


def string_values(text):
    """Spans of the basic one-line string values of a TOML text (not keys)."""
    return [m.span(1) for m in re.finditer(r'=\s*("(?:[^"\\\n]|\\.)*")', text)] + \
           [m.span(1) for m in re.finditer(r'[\[,]\s*("(?:[^"\\\n]|\\.)*")', text)]


def check_outputs(out_dir, label, failures):
    for dp, _, fs in os.walk(out_dir):
        for f in fs:
            if not (f.endswith(".md") or f.endswith(".html")):
                continue
            text = open(os.path.join(dp, f), encoding="utf-8", errors="replace").read()
            if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
                failures.append(f"{label}: control character in {f}")
            if f.endswith(".html"):
                body = re.sub(r"<script src=\"/_rechargement.js\"></script>", "", text)
                if re.search(r"<script>|<img[^>]*onerror", body):
                    failures.append(f"{label}: live markup in {f}")
                if re.search(r"href=\"\s*javascript:", body, re.I):
                    failures.append(f"{label}: javascript: href in {f}")


def attack_payloads(work, n_fields):
    copy_examples(os.path.join(work, "in"))
    targets = [os.path.join(work, "in", p) for p in ("dijon/convention-pep21.toml",
               "ivry-sur-seine/cmpp-college-moliere.toml", "dijon/seances/2016-06-27.toml",
               "alsace/soutien-parentalite.toml")]
    failures, runs, fields = [], 0, 0
    for t in targets:
        original = open(t, encoding="utf-8").read()
        spans = sorted(set(string_values(original)))[:n_fields]
        dossier = t if "seances" not in t else os.path.join(work, "in/dijon/convention-pep21.toml")
        for (a, b) in spans:
            fields += 1
            for k, p in enumerate(PAYLOADS):
                open(t, "w", encoding="utf-8").write(original[:a] + toml_str(p) + original[b:])
                out = os.path.join(work, "out")
                shutil.rmtree(out, ignore_errors=True)
                code, err = run(["render", dossier, "-o", out, "-q", "--format", "md,html", "--force"], work)
                runs += 1
                label = f"{os.path.basename(t)}:{original.count(chr(10), 0, a) + 1} payload {k}"
                if code == "timeout" or bad_exit(code, err):
                    failures.append(f"{label}: exit {code} {err[-200:]!r}")
                if "\x1b" in err or "\x07" in err:
                    failures.append(f"{label}: control character printed on stderr")
                check_outputs(out, label, failures)
        open(t, "w", encoding="utf-8").write(original)
    report("payloads", f"{fields} fields x {len(PAYLOADS)} payloads, {runs} renders", failures)


# ------------------------------------------------------------------ huge
def attack_huge(work, size):
    os.makedirs(os.path.join(work, "d"))
    shutil.copy(os.path.join(ROOT, "inputs/ivry-sur-seine/delib.toml"), os.path.join(work, "d"))
    base = open(os.path.join(ROOT, "inputs/ivry-sur-seine/cmpp-college-moliere.toml"), encoding="utf-8").read()
    failures, worst = [], (0.0, "")
    for pat in ["> ", "[a](", "](", "1 septembre ", "sept. 2016 ", "*a", "`` `", "<a ", "&a;", "- ", " :"]:
        s = (pat * (size // len(pat) + 1))[:size]
        i = base.index('expose = """')
        j = base.index('"""', i + 12) + 3
        text = base[:i] + "expose = " + toml_str(s) + base[j:]
        text = text.replace('objet = "Convention de partenariat avec le collège Molière"', "objet = " + toml_str(s[:size // 4]))
        open(os.path.join(work, "d/x.toml"), "w", encoding="utf-8").write(text)
        for cmd in (["check", "d/x.toml"], ["render", "d/x.toml", "-o", "out", "-q", "--force"]):
            t = time.time()
            code, err = run(cmd, work, timeout=120)
            dt = time.time() - t
            worst = max(worst, (dt, f"{cmd[0]} {pat!r}"))
            if code == "timeout" or bad_exit(code, err):
                failures.append(f"{pat!r} {cmd[0]}: exit {code}")
            if len(err) > 20000:
                failures.append(f"{pat!r} {cmd[0]}: {len(err)} bytes of findings")
    report("huge", f"11 patterns x {size // 1024} KB, slowest {worst[1]} {worst[0]:.1f} s", failures)


# ----------------------------------------------------------------- paths
def attack_paths(work, _n):
    proj = os.path.join(work, "p")
    os.makedirs(proj)
    secret_dir = os.path.join(work, "victim")
    os.makedirs(secret_dir)
    secret = os.path.join(secret_dir, "secret.txt")
    open(secret, "w").write("root:x:0:0:SECRET\n")
    shutil.copy(os.path.join(ROOT, "inputs/ivry-sur-seine/delib.toml"), proj)
    base = open(os.path.join(ROOT, "inputs/ivry-sur-seine/cmpp-college-moliere.toml"), encoding="utf-8").read()
    os.symlink(secret, os.path.join(proj, "lien.toml"))
    os.symlink(secret, os.path.join(proj, "lien.csv"))
    os.symlink(secret, os.path.join(proj, "lien.png"))
    os.makedirs(os.path.join(proj, "tpl"))
    os.symlink(secret, os.path.join(proj, "tpl/rapport.md.tera"))
    seance_block = base[base.index("[seance]"):base.index("[deliberation]")]
    cases = []
    for target in ["../victim/secret.txt", secret, "lien.toml", "../../../../../../etc/passwd"]:
        cases.append(("seance", base.replace(seance_block, f'seance = {toml_str(target)}\n\n')))
    conv = '\n[convention]\ntitre = "C"\npartenaires = {}\n'
    for target in ["../victim/secret.txt", secret, "lien.csv"]:
        cases.append(("partenaires", base + conv.format(toml_str(target))))
    for target in ["../victim", secret_dir, "tpl"]:
        cases.append(("templates", base + f"\n[rendu]\ntemplates = {toml_str(target)}\n"))
    for target in ["../victim", secret_dir, "..", "/tmp/../" + secret_dir.lstrip("/"), ".", "./", "a/../.."]:
        cases.append(("sortie", base + f"\n[rendu]\nsortie = {toml_str(target)}\n"))
    for target in ["../victim/secret.txt", "lien.png"]:
        cases.append(("logo", base.replace("[deliberation]", f"[collectivite]\nlogo = {toml_str(target)}\n\n[deliberation]", 1)))
    failures = []
    before = sorted(os.listdir(secret_dir))
    for k, (what, text) in enumerate(cases):
        open(os.path.join(proj, "x.toml"), "w", encoding="utf-8").write(text)
        codes = []
        for cmd in (["check", "x.toml"], ["render", "x.toml", "-q"]):
            code, err = run(cmd, proj)
            codes.append(code)
            if code == "timeout" or bad_exit(code, err):
                failures.append(f"{what} case {k}: {cmd[0]} exit {code}")
            if "SECRET" in err:
                failures.append(f"{what} case {k}: {cmd[0]} quotes the file outside the project")
        for dp, _, fs in os.walk(proj):
            for f in fs:
                p = os.path.join(dp, f)
                if not os.path.islink(p) and "SECRET" in open(p, errors="replace").read():
                    failures.append(f"{what} case {k}: {os.path.relpath(p, proj)} holds the file outside the project")
        if sorted(os.listdir(secret_dir)) != before:
            failures.append(f"{what} case {k}: wrote into the folder outside the project")
            COUNTS["outside"] += 1
            before = sorted(os.listdir(secret_dir))
        if what == "sortie" and codes[0] != codes[1]:
            failures.append(f"sortie case {k}: check exit {codes[0]}, render exit {codes[1]}")
    # A bare file name from a sub-folder keeps its `..` (séance of the project).
    os.makedirs(os.path.join(proj, "sub"), exist_ok=True)
    open(os.path.join(proj, "seance.toml"), "w").write("date = 2009-11-12\nmembres_en_exercice = 45\npresents = 38\n")
    open(os.path.join(proj, "sub/c.toml"), "w", encoding="utf-8").write(
        base.replace(seance_block, 'seance = "../seance.toml"\n\n'))
    code, err = run(["check", "c.toml"], os.path.join(proj, "sub"))
    if code not in (0, 1) or "seance.toml" in err and "introuvable" in err:
        failures.append(f"bare file name from a sub-folder: exit {code} {err[-200:]!r}")
    report("paths", f"{len(cases)} path and symlink cases (check and render agree on sortie), "
           f"{2 * len(cases) + 1} executions", failures)


# ------------------------------------------------------------------ kill
def batch(work, n):
    src = open(os.path.join(ROOT, "inputs/dijon/convention-pep21.toml"), encoding="utf-8").read()
    d = os.path.join(work, "batch")
    os.makedirs(os.path.join(d, "seances"))
    shutil.copy(os.path.join(ROOT, "inputs/dijon/delib.toml"), d)
    # The séance without M. HOUPERT's arrival before point 13, a point this batch has not.
    seance = open(os.path.join(ROOT, "inputs/dijon/seances/2016-06-27.toml"), encoding="utf-8").read()
    seance = seance[:seance.index("# Inventé lui aussi")]
    open(os.path.join(d, "seances", "2016-06-27.toml"), "w", encoding="utf-8").write(seance)
    for i in range(n):
        t = src.replace('numero = "2016-06-27/12"', f'numero = "2016-06-27/{1000 + i}"')
        open(os.path.join(d, f"dossier-{i:04}.toml"), "w", encoding="utf-8").write(t)
    return d


def complete(out):
    """Failures: truncated documents and temporary files under out."""
    bad = []
    for dp, _, fs in os.walk(out):
        for f in fs:
            p = os.path.join(dp, f)
            data = open(p, "rb").read()
            if f.endswith(".pdf") and not data.rstrip().endswith(b"%%EOF"):
                bad.append(f"truncated {f}")
            elif f.endswith(".html") and not data.rstrip().endswith(b"</html>"):
                bad.append(f"truncated {f}")
            elif not f.endswith((".pdf", ".html", ".md", ".json")) and not f.startswith(".delib"):
                bad.append(f"leftover {os.path.relpath(p, out)}")
    return bad


def attack_kill(work, kills):
    d = batch(work, 60)
    out = os.path.join(work, "out")
    rng = random.Random(9)
    failures = []
    for k in range(kills):
        p = subprocess.Popen([BIN, "render", d, "-o", out, "-q", "--force"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        COUNTS["runs"] += 1
        time.sleep(rng.uniform(0.05, 1.5))
        p.send_signal(signal.SIGKILL)
        p.wait()
        code, err = run(["render", d, "-o", out, "-q"], work)
        if code != 0:
            failures.append(f"kill {k}: re-run exit {code} {err[-200:]!r}")
        bad = complete(out)
        COUNTS["lost"] += sum(1 for b in bad if b.startswith("truncated"))
        failures += [f"kill {k}: {b}" for b in bad]
    report("kill", f"{kills} kill -9 during a 60-dossier batch, each followed by a re-run", failures)


def attack_concurrent(work, pairs):
    d = batch(work, 10)
    out = os.path.join(work, "out")
    failures, codes = [], {}
    for k in range(pairs):
        procs = [subprocess.Popen([BIN, "render", d, "-o", out, "-q", "--force"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE) for _ in range(2)]
        for p in procs:
            try:
                _, err = p.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                p.kill()
                failures.append(f"pair {k}: timeout")
                continue
            codes[p.returncode] = codes.get(p.returncode, 0) + 1
            count(p.returncode, err.decode("utf-8", "replace"))
            if p.returncode != 0:
                failures.append(f"pair {k}: exit {p.returncode} {err.decode('utf-8', 'replace')[-200:]!r}")
        failures += [f"pair {k}: {b}" for b in complete(out)]
        if not os.path.exists(os.path.join(out, ".delib-manifest.json")):
            failures.append(f"pair {k}: no manifest left")
    report("concurrent", f"{pairs} pairs of renders into one folder, exit codes {codes}", failures)


# ------------------------------------------------------------------ http
def start_serve(work):
    copy_examples(os.path.join(work, "site"))
    p = subprocess.Popen([BIN, "serve", os.path.join(work, "site"), "--port", "0"], stderr=subprocess.PIPE, text=True)
    port = None
    deadline = time.time() + TIMEOUT
    for line in p.stderr:
        m = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        if m:
            port = int(m.group(1))
            break
        if time.time() > deadline:
            break
    threading.Thread(target=lambda: [None for _ in p.stderr], daemon=True).start()
    return p, port


def request(port, raw, timeout=5):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(raw)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        return data
    finally:
        s.close()


PATHS = ["/", "/dijon/convention-pep21/deliberation.html", "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
         "//etc/passwd", "/dijon/..%2f..%2f..%2fetc/passwd", "/dijon\\..\\..\\etc\\passwd", "/%00", "/\x1b[2J",
         "http://evil/", "/dijon/convention-pep21/deliberation.pdf", "/dijon/convention-pep21/rapport.md",
         "/_evenements?page=/&version=x", "/" + "a" * 9000, "/%ff%fe", "/dijon/convention-pep21/",
         "/_rechargement.js", "/?" + "x=1&" * 500]


def attack_http(work, n):
    p, port = start_serve(work)
    failures, statuses = [], {}
    rng = random.Random(5)
    if port is None:
        report("http", "serve did not start", ["no port"])
        p.kill()
        return
    for i in range(n):
        path = rng.choice(PATHS)
        method = rng.choice(["GET", "GET", "GET", "HEAD", "POST", "PUT", "DELETE", "BREW"])
        host = rng.choice(["127.0.0.1", "localhost", "evil.example", ""])
        raw = f"{method} {path} HTTP/1.1\r\n" + (f"Host: {host}\r\n" if host else "") + "\r\n"
        if rng.random() < 0.1:
            raw = rng.choice(["\r\n\r\n", "GET\r\n\r\n", "G" * 20000, "GET / HTTP/9.9\r\n\r\n", "\x00\x01\x02\r\n\r\n"])
        COUNTS["runs"] += 1
        try:
            data = request(port, raw.encode("utf-8", "surrogateescape"))
        except OSError as e:
            data = b""
            if not isinstance(e, ConnectionResetError):
                failures.append(f"request {i}: {type(e).__name__}")
        m = re.match(rb"HTTP/1\.1 (\d+)", data)
        status = int(m.group(1)) if m else 0
        statuses[status] = statuses.get(status, 0) + 1
        if status not in (200, 400, 403, 404, 405, 431, 503, 0):
            failures.append(f"request {i}: status {status} for {raw[:60]!r}")
        if b"root:x:" in data:
            failures.append(f"request {i}: /etc/passwd served for {raw[:60]!r}")
    if p.poll() is not None:
        failures.append(f"server stopped (exit {p.returncode})")
        COUNTS["panics"] += 1
    p.kill()
    report("http", f"{n} requests, statuses {dict(sorted(statuses.items()))}", failures)


def attack_slowloris(work, n):
    p, port = start_serve(work)
    failures = []
    stop = threading.Event()
    opened = [0]

    def slow():
        while not stop.is_set():
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=10)
                opened[0] += 1
                for ch in b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX: y\r\n":
                    if stop.is_set():
                        break
                    s.send(bytes([ch]))
                    stop.wait(2)
                s.close()
            except OSError:
                stop.wait(0.1)

    threads = [threading.Thread(target=slow, daemon=True) for _ in range(n)]
    for t in threads:
        t.start()
    time.sleep(3)
    times = []
    for i in range(6):
        t = time.time()
        try:
            data = request(port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", timeout=5)
            status = data[9:12].decode()
        except OSError as e:
            status = type(e).__name__
        dt = time.time() - t
        times.append(dt)
        COUNTS["runs"] += 1
        if dt > 5:
            COUNTS["hangs"] += 1
        if status != "200" or dt > 1:
            failures.append(f"quick request {i}: {status} after {dt:.2f} s")
        time.sleep(0.3)
    stop.set()
    if p.poll() is not None:
        failures.append("server stopped")
    p.kill()
    report("slowloris", f"{n} slow clients ({opened[0]} connections), 6 quick requests, slowest {max(times) * 1000:.0f} ms", failures)


# ----------------------------------------------------------------- moved
def ivry_project(d, marker, extra):
    """The Ivry example at d, its objet marked, with `extra` more acts."""
    shutil.copytree(os.path.join(ROOT, "inputs/ivry-sur-seine"), d)
    src = os.path.join(d, "cmpp-college-moliere.toml")
    text = open(src, encoding="utf-8").read().replace("collège Molière\"", f"collège Molière {marker}\"")
    open(src, "w", encoding="utf-8").write(text)
    for i in range(extra):
        open(os.path.join(d, f"acte-{i}.toml"), "w", encoding="utf-8").write(
            text.replace("2009-11-12/27", f"2009-11-12/{100 + i}"))


def documents(out):
    """The documents under out (hidden files left out), by relative path."""
    return {k: v for k, v in tree(out).items() if not any(p.startswith(".") for p in k.split(os.sep))}


def lost_between(expected, now):
    """Documents expected and missing, or holding other bytes."""
    return [k for k, v in expected.items() if now.get(k) != v]


def attack_moved(work, n):
    rng = random.Random(22)
    failures = []
    victim = os.path.join(work, "victim")
    os.makedirs(victim)
    open(os.path.join(victim, "notes.txt"), "w").write("à garder")
    guard = tree(victim)
    for k in range(n):
        w = os.path.join(work, str(k))
        os.makedirs(w)
        extra = rng.randint(0, 3)
        ivry_project(os.path.join(w, "a"), f"A{k}", extra)
        ivry_project(os.path.join(w, "b"), f"B{k}", rng.randint(0, 3))
        fmt = ["--format", rng.choice(["md", "md,html", "md,html,pdf"])]
        code, err = run(["render", "a", "-o", "out", "-q"] + fmt, w)
        expected = documents(os.path.join(w, "out"))
        step = rng.choice(["move", "move-with-output", "other-project", "rename-folder"])
        if step == "move":
            os.rename(os.path.join(w, "a"), os.path.join(w, "a2"))
            code, err = run(["render", "a2", "-o", "out"] + fmt, w)
        elif step == "rename-folder":
            os.rename(w, w + "-renamed")
            w = w + "-renamed"
            code, err = run(["render", "a", "-o", "out"] + fmt, w)
        elif step == "move-with-output":
            shutil.rmtree(os.path.join(w, "out"))
            run(["render", "."] + fmt + ["-q"], os.path.join(w, "a"))
            expected = documents(os.path.join(w, "a/output"))
            os.rename(os.path.join(w, "a"), os.path.join(w, "a2"))
            code, err = run(["render", "."] + fmt, os.path.join(w, "a2"))
            lost = lost_between(expected, documents(os.path.join(w, "a2/output")))
            COUNTS["lost"] += len(lost)
            if lost or "rien à refaire" not in err:
                failures.append(f"{k} {step}: {len(lost)} documents lost or changed {err[-200:]!r}")
            continue
        else:
            run(["render", "b", "-o", "out", "-q"] + fmt, w)
            code, err = run(["render", "a", "-o", "out"] + fmt, w)
        now = documents(os.path.join(w, "out"))
        lost = lost_between(expected, now)
        COUNTS["lost"] += len(lost)
        if lost:
            failures.append(f"{k} {step}: {len(lost)} documents lost or another project's, e.g. {lost[0]}")
        if step != "other-project" and ("supprimé   " in err or "rien à refaire" not in err):
            failures.append(f"{k} {step}: not « rien à refaire » after a move: {err[-200:]!r}")
    if tree(victim) != guard:
        COUNTS["outside"] += outside_changes(guard, tree(victim))
        failures.append("a file outside changed")
    report("moved", f"{n} projects moved, renamed or sharing an output folder", failures)


# ---------------------------------------------------------------- forged
def attack_forged(work, n):
    rng = random.Random(23)
    failures = []
    victim = os.path.join(work, "victim")
    os.makedirs(os.path.join(victim, "actes/x"))
    for name in ["secret.txt", "deliberation.md", "actes/x/index.html", "actes/x/deliberation.pdf"]:
        open(os.path.join(victim, name), "w").write("secret")
    copy_examples(os.path.join(work, "in"))
    run(["render", "in", "-o", "out", "-q"], work)
    run(["publish", "in", "-o", "site", "-q"], work)
    run(["export", "actes", "in", "-o", "actes", "-q", "--inclure-transmis"], work)
    os.symlink(victim, os.path.join(work, "out", "lien"))
    guard = tree(victim)
    sha = "0" * 64
    hostile = [victim, os.path.join(victim, "secret.txt"), "../victim", "../victim/secret.txt",
               "a/../../victim", "lien", "lien/secret.txt", "/", "..", ".", "", "./../victim",
               "actes/../../victim", "seances/../../victim/secret.txt", "actes/%2E%2E/%2E%2E/victim/"]
    for k in range(n):
        which = rng.choice(["render", "relance", "site", "actes"])
        p = rng.choice(hostile)
        q = rng.choice(hostile)
        old = rng.random() < 0.5  # the shapes of the version before, keyed by absolute path
        if which == "render" and old:
            m = {"version": 2, "dossiers": {os.path.join(work, "in/gone.toml"): {"dir": p, "inputs": "", "files": {
                rng.choice(["secret.txt", "../secret.txt"]): {"inputs": "", "bytes": "x"}}}}}
            path, cmd = os.path.join(work, "out/.delib-manifest.json"), ["render", "in", "-o", "out", "-q"]
        elif which == "render":
            m = {"version": 3, "dossiers": {p: {"source": q, "inputs": "", "files": {
                rng.choice(["secret.txt", "../secret.txt", q]): {"inputs": "", "bytes": "x"}}}},
                 "seances": {q: {"source": "", "files": {}}}}
            path, cmd = os.path.join(work, "out/.delib-manifest.json"), ["render", "in", "-o", "out", "-q"]
        elif which == "relance":
            m = {"version": 1, "key": "0", "deps": [p, q], "files": [p, q], "dossiers": 1, "seances": 0,
                 "unchanged": 1, "report": ""}
            path, cmd = os.path.join(work, "out/.delib-relance.json"), ["render", "in", "-o", "out", "-q"]
        elif which == "site":
            doc = {"title": "t", "pdf": {"name": rng.choice(["secret.txt", "../secret.txt"]), "sha256": sha, "size": 1},
                   "html": {"name": "deliberation.md", "sha256": sha, "size": 1}}
            act = p if p.endswith("/") else p + "/"
            m = {"acts": {act: {"inputs": "", "docs": [doc]}}, "seances": [q, os.path.join(victim, "secret.txt")]} \
                if old else {"version": 2, "acts": {act: {"inputs": "", "docs": [doc], "page": sha}}, "seances": {q: sha}}
            path, cmd = os.path.join(work, "site/.delib-site.json"), ["publish", "in", "-o", "site", "-q"]
        else:
            m = {"version": 3, "dossiers": {p: {"source": rng.choice(["../in/x.toml", q]), "inputs": "",
                 "files": {"secret.txt": {"inputs": "", "bytes": "x"}}}}}
            path, cmd = os.path.join(work, "actes/.delib-actes.json"), \
                ["export", "actes", "in", "-o", "actes", "-q", "--inclure-transmis"]
        text = json.dumps(m) if rng.random() < 0.9 else json.dumps(m)[: rng.randint(0, 40)]
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "w").write(text)
        code, err = run(cmd, work)
        if code == "timeout" or bad_exit(code, err):
            failures.append(f"{k} {which}: exit {code} {err[-200:]!r}")
        now = tree(victim)
        if now != guard:
            COUNTS["outside"] += outside_changes(guard, now)
            failures.append(f"{k} {which}: {p!r} / {q!r} changed a file outside")
            guard = now
    report("forged", f"{n} forged manifests, re-run records, site and @ctes manifests", failures)


# ------------------------------------------------------------------ swap
def swapper(real, link, target, stop, rng):
    """Swaps the folder `real` for a link to `target` and back, until stop."""
    keep = real + ".garde"
    while not stop.is_set():
        try:
            if os.path.isdir(real) and not os.path.islink(real):
                os.rename(real, keep)
                os.symlink(target, link)
            else:
                os.unlink(link)
                os.rename(keep, real)
        except OSError:
            pass
        stop.wait(rng.uniform(0.0005, 0.005))
    if os.path.islink(link):
        os.unlink(link)
    if os.path.isdir(keep) and not os.path.exists(real):
        os.rename(keep, real)


def attack_swap(work, n):
    rng = random.Random(24)
    failures = []
    d = batch(work, 6)
    out = os.path.join(work, "out")
    victim = os.path.join(work, "victim")
    copy_examples(os.path.join(work, "in"))
    site = os.path.join(work, "site")
    ivry = os.path.join(work, "in/ivry-sur-seine/cmpp-college-moliere.toml")
    ivry_text = open(ivry, encoding="utf-8").read()
    run(["render", d, "-o", out, "-q", "--format", "md,html"], work)
    run(["publish", "in", "-o", site, "-q"], work)
    for k in range(n):
        which = ["write", "delete", "site"][k % 3]
        if which == "site":
            folder = os.path.join(site, "actes/ivry-sur-seine/cmpp-college-moliere")
        else:
            folder = os.path.join(out, f"dossier-{rng.randrange(6):04}")
        shutil.rmtree(victim, ignore_errors=True)
        # The victim holds the very files delib wrote: same bytes, same hashes.
        shutil.copytree(folder, victim)
        open(os.path.join(victim, "notes.txt"), "w").write("à garder")
        guard = tree(victim)
        name = os.path.basename(folder)
        if which == "delete":
            os.rename(os.path.join(d, name + ".toml"), os.path.join(work, name + ".toml"))
        elif which == "site":
            open(ivry, "w", encoding="utf-8").write(ivry_text.replace("[deliberation.vote]\nunanimite = true\n", ""))
        stop = threading.Event()
        t = threading.Thread(target=swapper, args=(folder, folder, victim, stop, random.Random(k)))
        t.start()
        try:
            if which == "write":
                code, err = run(["render", d, "-o", out, "-q", "--force", "--format", "md,html"], work)
            elif which == "delete":
                code, err = run(["render", d, "-o", out, "-q", "--format", "md,html"], work)
            else:
                code, err = run(["publish", "in", "-o", site, "-q"], work)
        finally:
            stop.set()
            t.join()
        if code == "timeout" or bad_exit(code, err):
            failures.append(f"{k} {which}: exit {code} {err[-200:]!r}")
        now = tree(victim)
        if now != guard:
            COUNTS["outside"] += outside_changes(guard, now)
            failures.append(f"{k} {which}: {outside_changes(guard, now)} files outside written or deleted")
        # Back as it was for the next round.
        if which == "delete":
            os.rename(os.path.join(work, name + ".toml"), os.path.join(d, name + ".toml"))
            run(["render", d, "-o", out, "-q", "--format", "md,html"], work)
        elif which == "site":
            open(ivry, "w", encoding="utf-8").write(ivry_text)
            run(["publish", "in", "-o", site, "-q"], work)
    report("swap", f"{n} renders and publishes writing or deleting while a folder is swapped for a link",
           failures)


# --------------------------------------------------------------- special
def attack_special(work, n):
    rng = random.Random(25)
    failures = []
    copy_examples(os.path.join(work, "in"))
    victim = os.path.join(work, "victim.txt")
    open(victim, "w").write("à garder")
    run(["render", "in/ivry-sur-seine", "-o", "out", "-q"], work)
    run(["publish", "in", "-o", "site", "-q"], work)
    targets = ["deliberations.csv", "out/cmpp-college-moliere/deliberation.md",
               "out/cmpp-college-moliere/rapport.pdf", "site/atom.xml", "site/style.css",
               "site/actes/ivry-sur-seine/cmpp-college-moliere/deliberation.html"]
    kinds = ["fifo", "link", "dir"] + (["device"] if os.geteuid() == 0 else [])
    for k in range(n):
        target = rng.choice(targets)
        kind = rng.choice(kinds)
        path = os.path.join(work, target)
        if os.path.lexists(path):
            shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.unlink(path)
        if kind == "fifo":
            os.mkfifo(path)
        elif kind == "link":
            os.symlink(victim, path)
        elif kind == "dir":
            os.mkdir(path)
        else:
            os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null, in the temporary folder
        if target.endswith(".csv"):
            cmd = ["export", "scdl", "in", "-o", target, "-q"]
        elif target.startswith("out/"):
            cmd = ["render", "in/ivry-sur-seine", "-o", "out", "-q", "--force"]
        else:
            cmd = ["publish", "in", "-o", "site", "-q", "--force"]
        code, err = run(cmd, work, timeout=30)
        kept = {"fifo": stat.S_ISFIFO, "link": stat.S_ISLNK, "dir": stat.S_ISDIR, "device": stat.S_ISCHR}[kind]
        if code == "timeout" or bad_exit(code, err):
            failures.append(f"{k} {kind} at {target}: exit {code}")
        if not kept(os.lstat(path).st_mode):
            failures.append(f"{k} {kind} at {target}: replaced")
            COUNTS["outside"] += 1
        if open(victim).read() != "à garder":
            failures.append(f"{k} {kind} at {target}: written through the link")
            COUNTS["outside"] += 1
            open(victim, "w").write("à garder")
        if code == 0:
            failures.append(f"{k} {kind} at {target}: exit 0, the refusal not said")
        os.rmdir(path) if kind == "dir" else os.unlink(path)
    report("special", f"{n} FIFOs, links, folders{' and device nodes' if 'device' in kinds else ''} "
           f"where a file goes", failures)


# --------------------------------------------------------------- collide
def attack_collide(work, n):
    rng = random.Random(27)
    failures = []
    proj = os.path.join(work, "p")
    shutil.copytree(os.path.join(ROOT, "inputs/alsace"), proj)
    dossier = os.path.join(proj, "soutien-parentalite.toml")
    text = open(dossier, encoding="utf-8").read().replace("[[annexes]]\n", "[[annexes]]\npar_partenaire = true\n", 1)
    open(dossier, "w", encoding="utf-8").write(text)
    pieces = ["Alpha", "Alpha annexe 1", "Alpha-annexe-1", "Alpha annexe 2", "Beta", "Beta annexe 1 annexe 1",
              "Beta annexe 1", "Gamma", "Le Gamma", "Gamma Annexe 1"]
    for k in range(n):
        names = rng.sample(pieces, rng.randint(2, 5))
        open(os.path.join(proj, "partenaires.csv"), "w", encoding="utf-8").write(
            "nom;representant\n" + "".join(f"{x};M. X\n" for x in names))
        out = os.path.join(work, "out")
        shutil.rmtree(out, ignore_errors=True)
        c_code, c_err = run(["check", "soutien-parentalite.toml"], proj)
        r_code, r_err = run(["render", "soutien-parentalite.toml", "-o", out, "--format", "md"], proj)
        if c_code != r_code:
            failures.append(f"{k} {names}: check exit {c_code}, render exit {r_code}")
        folder = os.path.join(out, "soutien-parentalite")
        texts = [open(os.path.join(folder, f), encoding="utf-8").read() for f in os.listdir(folder)] \
            if os.path.isdir(folder) else []
        for x in names:
            if f"« {x} » donnerait" in r_err:
                continue  # refused at its row, and said
            # The party as its convention prints it (an article may come first).
            if not any(f"{x}**" in t for t in texts):
                COUNTS["lost"] += 1
                failures.append(f"{k} {names}: the convention of « {x} » is lost, and nothing said")
    report("collide", f"{n} partners' lists whose names may make the same file as an annex", failures)


# -------------------------------------------------------------- killsite
def sums_agree(site):
    """Lines of SHA256SUMS whose file does not hash to them (0: all agree)."""
    sums = os.path.join(site, "SHA256SUMS")
    if not os.path.exists(sums):
        return 0
    p = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=site, capture_output=True, text=True)
    return 0 if p.returncode == 0 else max(1, p.stdout.count("FAILED"))


def attack_killsite(work, kills):
    copy_examples(os.path.join(work, "in"))
    d = batch(work, 20)
    # The batch's acts are published today: a site of 20 acts to kill.
    site = os.path.join(work, "site")
    actes = os.path.join(work, "actes")
    rng = random.Random(26)
    failures = []
    cmds = {"publish": ["publish", d, "-o", site, "-q", "--force"],
            "actes": ["export", "actes", d, "-o", actes, "-q", "--inclure-transmis"]}
    for cmd in cmds.values():
        run(cmd, work)

    def inodes(folder):
        return {os.path.join(dp, f): os.stat(os.path.join(dp, f)).st_ino
                for dp, _, fs in os.walk(folder) for f in fs if not f.startswith(".")}
    dossiers = sorted(os.path.join(d, f) for f in os.listdir(d) if f.startswith("dossier-"))
    disagree = 0
    for k in range(kills):
        which = rng.choice(["publish", "actes"])
        # Every act changes: the killed run has files to replace.
        for f in dossiers:
            text = open(f, encoding="utf-8").read()
            text = re.sub(r'en difficulté( \(version \d+\))?"', f'en difficulté (version {k})"', text)
            open(f, "w", encoding="utf-8").write(text)
        folder = site if which == "publish" else actes
        before = inodes(folder)
        p = subprocess.Popen([BIN] + cmds[which], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        COUNTS["runs"] += 1
        # Everything is rendered in memory first: kill once the first file
        # is replaced (a new inode), a moment into the writes.
        deadline = time.time() + TIMEOUT
        while p.poll() is None and time.time() < deadline:
            try:
                if inodes(folder) != before:
                    break
            except OSError:
                break
            time.sleep(0.0005)
        time.sleep(rng.uniform(0, 0.01))
        p.send_signal(signal.SIGKILL)
        p.wait()
        bad = sums_agree(site)
        if bad:
            disagree += 1
            failures.append(f"kill {k} ({which}): SHA256SUMS disagrees with {bad} files right after the kill")
        again = ["publish", d, "-o", site, "-q"] if which == "publish" else \
            ["export", "actes", d, "-o", actes, "-q", "--inclure-transmis"]
        code, err = run(again, work)
        if code not in (0, 1):
            failures.append(f"kill {k} ({which}): re-run exit {code} {err[-200:]!r}")
        for folder in (site, actes):
            for dp, _, fs in os.walk(folder):
                for f in fs:
                    if f.endswith(".tmp"):
                        failures.append(f"kill {k} ({which}): {os.path.relpath(os.path.join(dp, f), work)} left")
        if sums_agree(site):
            failures.append(f"kill {k} ({which}): SHA256SUMS disagrees after the re-run")
        bad = complete(site) + complete(actes)
        COUNTS["lost"] += sum(1 for b in bad if b.startswith("truncated"))
    report("killsite", f"{kills} kill -9 during the writes of publish or export actes, each followed by a "
           f"re-run; SHA256SUMS disagreeing with the files right after a kill: {disagree}", failures)


# -------------------------------------------------------------- template
RUNAWAY = [
    ("range", "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}\n"),
    ("range3", "{% for i in range(end=1000) %}{% for j in range(end=1000) %}{% for k in range(end=1000) %}x{% endfor %}{% endfor %}{% endfor %}\n"),
    ("flood", "{% for i in range(end=100000) %}{% for j in range(end=9) %}{{ d.objet }}{{ d.objet }}{{ d.objet }}{{ d.objet }}{% endfor %}{% endfor %}\n"),
    ("nul", "# Rapport\n\nTexte\u0000caché\n"),
]


def attack_template(work, n):
    rng = random.Random(5)
    failures = []
    for k in range(n):
        label, text = RUNAWAY[k % len(RUNAWAY)] if k < len(RUNAWAY) else rng.choice(RUNAWAY)
        proj = os.path.join(work, f"p{k}")
        shutil.copytree(os.path.join(ROOT, "inputs/dijon"), proj)
        os.makedirs(os.path.join(proj, "templates"), exist_ok=True)
        name = rng.choice(["rapport.md.tera", "deliberation.md.tera", "convention.md.tera"])
        open(os.path.join(proj, "templates", name), "w", encoding="utf-8").write(text)
        for cmd in (["check", "convention-pep21.toml"],
                    ["render", "convention-pep21.toml", "-o", os.path.join(work, f"out{k}")]):
            t = time.time()
            code, err = run(cmd, proj, timeout=30)
            took = time.time() - t
            if code != 1 or name not in err:
                failures.append(f"{label} in {name}, {cmd[0]}: exit {code}, {took:.1f} s, {err[-300:]!r}")
    # The preview keeps answering while a template runs away.
    p, port = start_serve(work)
    try:
        tpl = os.path.join(work, "site", "dijon", "templates")
        os.makedirs(tpl, exist_ok=True)
        open(os.path.join(tpl, "deliberation.md.tera"), "w", encoding="utf-8").write(RUNAWAY[0][1])
        deadline = time.time() + 30
        page, other = "", ""
        while time.time() < deadline and "range()" not in page:
            time.sleep(0.2)
            page = request(port, b"GET /dijon/convention-pep21/deliberation.html HTTP/1.1\r\n"
                           b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n", 30).decode("utf-8", "replace")
            other = request(port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                            10).decode("utf-8", "replace")
        COUNTS["runs"] += 1
        if "range()" not in page or " 200 " not in other.split("\r\n", 1)[0] + " ":
            failures.append(f"serve: page {page[:200]!r}, index {other[:100]!r}")
        if p.poll() is not None:
            COUNTS["panics"] += 1
            failures.append("serve died")
    finally:
        p.kill()
        p.wait()
    report("template", f"{n} runaway templates (nested range, output flood, NUL byte), check and render; "
           "serve with one", failures)


# ------------------------------------------------------------------ pipe
def attack_pipe(work, n):
    out = os.path.join(work, "out")
    commands = [["schema"], ["schema", "--seance"], ["help"], ["--help"], ["man"], ["completions", "bash"],
                ["export", "scdl", "inputs", "-o", "-"], ["check", "inputs"], ["render", "inputs", "-o", out],
                ["publish", "inputs", "-o", os.path.join(work, "site")]]
    failures = []
    for k in range(n):
        cmd = commands[k % len(commands)]
        p = subprocess.Popen([BIN] + cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL)
        p.stdout.close()
        try:
            _, err = p.communicate(timeout=TIMEOUT)
            code, err = p.returncode, err.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            p.kill()
            code, err = "timeout", ""
        count(code if code != 141 else 0, err)
        if code not in (0, 1, 141) or "panicked" in err or "os error" in err or "Broken pipe" in err:
            failures.append(f"{cmd}: exit {code}, {err[-200:]!r}")
    report("pipe", f"{n} commands with their standard output closed", failures)


# --------------------------------------------------------------- smaller
def png_header(w, h):
    """The start of a PNG whose header says w × h (enough to be read as one)."""
    import struct, zlib
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr
            + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr)))


def attack_smaller(work, n):
    failures = []
    for k in range(n):
        base = os.path.join(work, f"s{k}")
        proj = os.path.join(base, "p")
        shutil.copytree(os.path.join(ROOT, "inputs/dijon"), proj)
        dossier = os.path.join(proj, "convention-pep21.toml")
        text = open(dossier, encoding="utf-8").read()
        # montant = 1e-9 (and smaller): refused at its line.
        tiny = ["1e-9", "1e-300", "0.001", "4e-10"][k % 4]
        open(dossier, "w", encoding="utf-8").write(text.replace("montant = 49975", f"montant = {tiny}"))
        code, err = run(["check", "convention-pep21.toml"], proj)
        if code != 1 or "convention-pep21.toml:" not in err or "0 € (zéro" in err:
            failures.append(f"montant = {tiny}: exit {code}, {err[-200:]!r}")
        open(dossier, "w", encoding="utf-8").write(text)
        # A logo over 25 million pixels: refused, never inlined.
        os.makedirs(os.path.join(proj, "images"), exist_ok=True)
        open(os.path.join(proj, "images", "logo.png"), "wb").write(png_header(6000 + k, 5000))
        cfg = os.path.join(proj, "delib.toml")
        cfg_text = open(cfg, encoding="utf-8").read()
        cfg_text = re.sub(r"(?m)^logo = .*\n", "", cfg_text)
        open(cfg, "w", encoding="utf-8").write(cfg_text.replace("[collectivite]\n", "[collectivite]\nlogo = \"images/logo.png\"\n", 1))
        out = os.path.join(base, "out")
        code, err = run(["render", "convention-pep21.toml", "-o", out], proj)
        if code != 1 or "logo-trop-grand" not in err:
            failures.append(f"logo {6000 + k} × 5000: exit {code}, {err[-200:]!r}")
        open(cfg, "w", encoding="utf-8").write(open(os.path.join(ROOT, "inputs/dijon/delib.toml"), encoding="utf-8").read())
        # A dossier 3 000 folders deep: told, not skipped silently.
        deep = os.path.join(proj, "profond")
        os.makedirs(deep)
        d = deep
        for _ in range(100 + 29 * k % 2900):
            os.mkdir(os.path.join(d, "d"))
            d = os.path.join(d, "d")
        code, err = run(["check", "."], proj)
        if "niveaux de répertoires" not in err:
            failures.append(f"deep folder: exit {code}, {err[-200:]!r}")
        shutil.rmtree(deep)
        # A dangling -o link: told as such, nothing created where it leads.
        link = os.path.join(base, "sortie")
        os.symlink(os.path.join(base, "absent", "x"), link)
        code, err = run(["render", "convention-pep21.toml", "-o", link], proj)
        if code != 2 or "lien symbolique vers" not in err or os.path.exists(os.path.join(base, "absent")):
            COUNTS["outside"] += os.path.exists(os.path.join(base, "absent"))
            failures.append(f"dangling -o: exit {code}, {err[-200:]!r}")
    report("smaller", f"{n} rounds of montant = 1e-9, a 30-Mpx logo, a folder 100+ levels deep, a dangling -o", failures)


ATTACKS = {
    "mutate": (attack_mutate, 40),
    "payloads": (attack_payloads, 3),
    "huge": (attack_huge, 30_000),
    "paths": (attack_paths, 1),
    "kill": (attack_kill, 3),
    "concurrent": (attack_concurrent, 3),
    "http": (attack_http, 200),
    "slowloris": (attack_slowloris, 100),
    "moved": (attack_moved, 4),
    "forged": (attack_forged, 12),
    "swap": (attack_swap, 3),
    "special": (attack_special, 8),
    "collide": (attack_collide, 8),
    "killsite": (attack_killsite, 3),
    "template": (attack_template, 4),
    "pipe": (attack_pipe, 10),
    "smaller": (attack_smaller, 2),
}


def main():
    global BIN
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        sys.exit(2)
    BIN = os.path.abspath(args[0])
    scale = int(args[args.index("--scale") + 1]) if "--scale" in args else 1
    only = args[args.index("--only") + 1].split(",") if "--only" in args else list(ATTACKS)
    for name in only:
        fn, base = ATTACKS[name]
        work = tempfile.mkdtemp(prefix=f"delib-attack-{name}-")
        new_counts()
        try:
            n = base * scale if name not in ("paths", "huge") else (base * min(scale, 10) if name == "huge" else base)
            fn(work, n)
        except Exception as e:  # an attack that breaks is a failure, not a crash of the script
            report(name, "attack script error", [repr(e)])
        finally:
            shutil.rmtree(work, ignore_errors=True)
    failed = [r for r in results if r[2]]
    print("\n| attack | runs | panics | hangs | files lost | written or deleted outside |")
    print("|---|---|---|---|---|---|")
    for name, _, _, c in results:
        print(f"| {name} | {c['runs']} | {c['panics']} | {c['hangs']} | {c['lost']} | {c['outside']} |")
    print(f"attacks: {len(results)}, failed: {len(failed)}")
    sys.exit(1 if failed else 0)


main()
