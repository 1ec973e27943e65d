#!/usr/bin/env python3
"""delib.exe, cross-built for x86_64-pc-windows-gnu, run under Wine as a
clerk runs it on Windows: the examples rendered to the same bytes as on
Linux, and the main paths of a Windows machine and their errors.

Usage: wine.py DELIB_EXE LINUX_DELIB WORK_DIR
(run by .ci/run; bcryptprimitives.dll must be beside DELIB_EXE, see
tests/windows/bcryptprimitives/README.md).

The drives: Z: is Linux's /, so the repository is on Z:; C: is the Wine
prefix's own; D: is mapped here to WORK_DIR/disque-d, a second drive for a
project that is not on the drive of the program nor of the current folder.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

EXE = Path(sys.argv[1]).resolve()
LINUX = Path(sys.argv[2]).resolve()
WORK = Path(sys.argv[3]).resolve()
ROOT = Path(__file__).resolve().parents[2]

PREFIX = WORK / "prefix"
ENV = dict(
    os.environ,
    WINEPREFIX=str(PREFIX),
    WINEDEBUG="-all",
    # No Mono or Gecko installer dialogs while the prefix is made.
    WINEDLLOVERRIDES="mscoree,mshtml=",
    # Rust's panic message, were one to happen, without a backtrace.
    RUST_BACKTRACE="0",
)
DRIVE_D = WORK / "disque-d"
failures = []
checks = 0


def run(args, cwd, via_cmd=None):
    """delib.exe with args, from cwd (a Linux path); (code, stdout, stderr) as text."""
    if via_cmd:
        command = ["wine", "cmd", "/c", via_cmd]
    else:
        command = ["wine", str(EXE), *args]
    p = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, timeout=600)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def check(what, ok, detail=""):
    global checks
    checks += 1
    if ok:
        print(f"  ok   {what}")
    else:
        print(f"  ÉCHEC {what}\n{detail}")
        failures.append(what)


def documents(folder):
    """Every document under folder (hidden files left out), relative, with its bytes."""
    out = {}
    for p in sorted(Path(folder).rglob("*")):
        rel = p.relative_to(folder)
        if p.is_file() and not any(part.startswith(".") for part in rel.parts):
            out[rel.as_posix()] = p.read_bytes()
    return out


def prefix():
    """A Wine prefix of our own, with D: mapped to a folder of ours."""
    if not (PREFIX / "system.reg").exists():
        subprocess.run(["wineboot", "-i"], env=ENV, capture_output=True, timeout=600)
    DRIVE_D.mkdir(parents=True, exist_ok=True)
    d = PREFIX / "dosdevices" / "d:"
    if d.is_symlink() or d.exists():
        d.unlink()
    d.symlink_to(DRIVE_D)


def main():
    prefix()
    for p in [WORK / "linux", DRIVE_D]:
        shutil.rmtree(p, ignore_errors=True)
    DRIVE_D.mkdir(parents=True)
    c_out = PREFIX / "drive_c" / "delib-sortie"
    shutil.rmtree(c_out, ignore_errors=True)

    print("== the examples: rendered under Wine, the same bytes as on Linux")
    code, _, err = run(["render", "inputs", "-o", r"C:\delib-sortie"], cwd=ROOT)
    check("render inputs -o C:\\delib-sortie exits 0", code == 0, err)
    check("the summary is French and readable", "dossiers et " in err and "documents écrits" in err, err)
    subprocess.run([str(LINUX), "render", "inputs", "-o", str(WORK / "linux"), "-q"], cwd=ROOT, check=True)
    win, lin = documents(c_out), documents(WORK / "linux")
    check(f"{len(lin)} documents, the same names", sorted(win) == sorted(lin) and len(lin) > 100,
          f"only on Linux: {sorted(set(lin) - set(win))[:5]}, only on Windows: {sorted(set(win) - set(lin))[:5]}")
    differ = [n for n in lin if win.get(n) != lin[n]]
    check("every document byte for byte", not differ, f"differ: {differ[:10]}")
    code, _, err = run(["render", "inputs", "-o", r"C:\delib-sortie"], cwd=ROOT)
    check("a second render rewrites nothing", code == 0 and "0 document écrit" in err, err)

    print("== paths as Windows writes them")
    code, _, err = run(["check", r"inputs\dijon\convention-pep21.toml"], cwd=ROOT)
    check("backslashes: check inputs\\dijon\\convention-pep21.toml", code == 0 and "1 dossier vérifié" in err, err)
    # A dossier with a finding (the Ivry séance names no secrétaire).
    code, _, err = run(["check", r"inputs\ivry-sur-seine\cmpp-college-moliere.toml"], cwd=ROOT)
    check("a finding names the file with backslashes and its line",
          r"--> inputs\ivry-sur-seine\cmpp-college-moliere.toml:4:" in err, err)
    full = "Z:" + str(ROOT / "inputs" / "ivry-sur-seine").replace("/", "\\")
    code, _, err = run(["check", full], cwd=ROOT)
    check(f"a drive letter: check {full}", code == 0 and "1 dossier vérifié" in err, err)

    print("== a project on another drive (D:), with accents in its names")
    project = r"D:\Séance d'été"
    code, out, err = run(["init", project], cwd=ROOT)
    check("init D:\\Séance d'été", code == 0 and r"écrit     D:\Séance d'été\seances\2026-11-19.toml" in out, out + err)
    dossier = DRIVE_D / "Séance d'été" / "subvention-association.toml"
    accented = dossier.with_name("délibération-éclairage-public.toml")
    text = dossier.read_text(encoding="utf-8").replace('numero = "2026-01"', 'numero = "2026-02"')
    # Saved as Notepad saves: CRLF line ends and a byte-order mark.
    accented.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    code, _, err = run(["check", project, "--deny-warnings"], cwd=ROOT)
    check("the project checks clean, a Notepad file (BOM, CRLF) among its dossiers",
          code == 0 and "2 dossiers vérifiés : 0 erreur, 0 avertissement" in err, err)
    code, _, err = run(["render", project], cwd=str(PREFIX / "drive_c"))
    made = DRIVE_D / "Séance d'été" / "documents" / "délibération-éclairage-public" / "deliberation.pdf"
    check("render from C:, the documents on D: under an accented name", code == 0 and made.is_file(), err)
    pdf = made.read_bytes() if made.is_file() else b""
    check("the PDF is a PDF", pdf.startswith(b"%PDF-"), pdf[:20])
    code, _, err = run(["render", r"D:\Séance d'été\délibération-éclairage-public.toml", "-o", r"D:\sortie"], cwd=ROOT)
    check("render D:\\…\\délibération-éclairage-public.toml -o D:\\sortie",
          code == 0 and (DRIVE_D / "sortie" / "délibération-éclairage-public" / "deliberation.html").is_file(), err)

    print("== errors, in French, at their place")
    code, _, err = run(["check", r"D:\absent.toml"], cwd=ROOT)
    check("a missing file: exit 2, said once", code == 2 and err.strip() == r"erreur : D:\absent.toml : fichier ou répertoire introuvable", err)
    broken = DRIVE_D / "Séance d'été" / "erreur.toml"
    broken.write_bytes(text.replace('numero = "2026-01"', 'numero = "2026-03"').replace("objet = ", "objet = 12 #").encode("utf-8"))
    code, _, err = run(["check", project], cwd=ROOT)
    check("a dossier in error: exit 1, its file, line and column with backslashes",
          code == 1 and "erreur[type-incorrect]" in err and r"--> D:\Séance d'été\erreur.toml:" in err, err)
    broken.write_bytes(text.replace('seance = "seances/2026-11-19.toml"', r'seance = "..\\..\\seance.toml"').encode("utf-8"))
    code, _, err = run(["check", project], cwd=ROOT)
    check("a séance outside the project (..\\..\\): refused", code == 1 and "erreur[chemin-hors-projet]" in err, err)
    broken.write_bytes(text.replace("'", "’").encode("cp1252"))
    code, _, err = run(["check", project], cwd=ROOT)
    check("a dossier saved in ANSI: refused with the Notepad steps",
          code == 1 and "n'est pas en UTF-8" in err and "Enregistrer sous" in err, err)
    broken.unlink()
    code, _, err = run(["rendre", project], cwd=ROOT)
    check("an unknown command: exit 2 and the nearest", code == 2 and "vouliez-vous dire « render » ?" in err, err)
    code, out, _ = run(["--help"], cwd=ROOT)
    check("--help in French", code == 0 and "Commandes :" in out and "Crée un projet" in out, out)

    print("== the console in the UTF-8 code page (chcp 65001)")
    # From the project's folder, on D:, so that the command line needs no quotes.
    code, out, err = run([], cwd=DRIVE_D / "Séance d'été", via_cmd=rf"chcp 65001 >nul & {exe_windows()} check .")
    check("cmd /c chcp 65001: delib's French comes through in UTF-8",
          "2 dossiers vérifiés : 0 erreur, 0 avertissement" in out + err, out + err)

    print(f"\n{checks - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


def exe_windows():
    """delib.exe's path as Windows sees it (on Z:)."""
    return "Z:" + str(EXE).replace("/", "\\")


if __name__ == "__main__":
    sys.exit(main())
