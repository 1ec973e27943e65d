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
"""
import os, random, re, shutil, signal, socket, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIMEOUT = 60
results = []  # (attack, figures, failures)


def run(args, cwd, timeout=TIMEOUT):
    """Runs delib; returns (exit code or 'timeout', stderr text)."""
    try:
        p = subprocess.run([BIN] + args, cwd=cwd, capture_output=True, timeout=timeout)
        return p.returncode, p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return "timeout", ""


def report(name, figures, failures):
    results.append((name, figures, failures))
    status = "ok" if not failures else f"{len(failures)} FAILED"
    print(f"{name:11} {figures} — {status}", flush=True)
    for f in failures[:10]:
        print(f"    {f}", flush=True)


def bad_exit(code, err):
    return code not in (0, 1, 2) or "panicked" in err or "RUST_BACKTRACE" in err


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
    for target in ["../victim", secret_dir, "..", "/tmp/../" + secret_dir.lstrip("/")]:
        cases.append(("sortie", base + f"\n[rendu]\nsortie = {toml_str(target)}\n"))
    for target in ["../victim/secret.txt", "lien.png"]:
        cases.append(("logo", base.replace("[deliberation]", f"[collectivite]\nlogo = {toml_str(target)}\n\n[deliberation]", 1)))
    failures = []
    before = sorted(os.listdir(secret_dir))
    for k, (what, text) in enumerate(cases):
        open(os.path.join(proj, "x.toml"), "w", encoding="utf-8").write(text)
        for cmd in (["check", "x.toml"], ["render", "x.toml", "-q"]):
            code, err = run(cmd, proj)
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
            before = sorted(os.listdir(secret_dir))
    report("paths", f"{len(cases)} path and symlink cases, {2 * len(cases)} executions", failures)


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
        time.sleep(rng.uniform(0.05, 1.5))
        p.send_signal(signal.SIGKILL)
        p.wait()
        code, err = run(["render", d, "-o", out, "-q"], work)
        if code != 0:
            failures.append(f"kill {k}: re-run exit {code} {err[-200:]!r}")
        failures += [f"kill {k}: {b}" for b in complete(out)]
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
        if status != "200" or dt > 1:
            failures.append(f"quick request {i}: {status} after {dt:.2f} s")
        time.sleep(0.3)
    stop.set()
    if p.poll() is not None:
        failures.append("server stopped")
    p.kill()
    report("slowloris", f"{n} slow clients ({opened[0]} connections), 6 quick requests, slowest {max(times) * 1000:.0f} ms", failures)


ATTACKS = {
    "mutate": (attack_mutate, 40),
    "payloads": (attack_payloads, 3),
    "huge": (attack_huge, 30_000),
    "paths": (attack_paths, 1),
    "kill": (attack_kill, 3),
    "concurrent": (attack_concurrent, 3),
    "http": (attack_http, 200),
    "slowloris": (attack_slowloris, 100),
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
        fn, count = ATTACKS[name]
        work = tempfile.mkdtemp(prefix=f"delib-attack-{name}-")
        try:
            n = count * scale if name not in ("paths", "huge") else (count * min(scale, 10) if name == "huge" else count)
            fn(work, n)
        except Exception as e:  # an attack that breaks is a failure, not a crash of the script
            report(name, "attack script error", [repr(e)])
        finally:
            shutil.rmtree(work, ignore_errors=True)
    failed = [r for r in results if r[2]]
    print(f"attacks: {len(results)}, failed: {len(failed)}")
    sys.exit(1 if failed else 0)


main()
