#!/usr/bin/env python3
"""Installs the archives of tools/dist.py as LISEZMOI.txt tells IT to, and
runs them: the SHA-256 match SHA256SUMS; the Linux binary is static (no
program interpreter, no shared library) and makes a new project's
documents; its manual pages read; the Windows delib.exe does the same
under Wine.

Usage: check_dist.py DIST_DIR WINE_WORK_DIR (the Wine prefix of
tests/windows/wine.py, already made)."""

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

DIST = Path(sys.argv[1]).resolve()
WINE_WORK = Path(sys.argv[2]).resolve()
ROOT = Path(__file__).resolve().parents[1]
failures = []


def check(what, ok, detail=""):
    print(f"  {'ok  ' if ok else 'ÉCHEC'} {what}" + ("" if ok else f"\n{detail}"))
    if not ok:
        failures.append(what)


def elf_is_static(data):
    """No PT_INTERP program header and no PT_DYNAMIC with DT_NEEDED: read
    from the ELF header itself, without ldd (which runs the loader)."""
    assert data[:4] == b"\x7fELF" and data[4] == 2, "not a 64-bit ELF"
    phoff = int.from_bytes(data[0x20:0x28], "little")
    phentsize = int.from_bytes(data[0x36:0x38], "little")
    phnum = int.from_bytes(data[0x38:0x3A], "little")
    types = [int.from_bytes(data[phoff + i * phentsize : phoff + i * phentsize + 4], "little") for i in range(phnum)]
    PT_INTERP = 3
    return PT_INTERP not in types


def main():
    sums = (DIST / "SHA256SUMS").read_text().splitlines()
    archives = {}
    for line in sums:
        digest, name = line.split("  ", 1)
        data = (DIST / name).read_bytes()
        check(f"SHA-256 of {name}", hashlib.sha256(data).hexdigest() == digest)
        archives[name] = DIST / name
    check("two archives", len(archives) == 2, sums)
    work = DIST / "installé"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()

    print("== Linux: tar xzf, install, run")
    tar = next(p for n, p in archives.items() if n.endswith(".tar.gz"))
    with tarfile.open(tar) as t:
        t.extractall(work, filter="data")
    folder = next(work.glob("delib-*-linux-x86_64"))
    binary = folder / "delib"
    check("the binary is static (no program interpreter)", elf_is_static(binary.read_bytes()))
    check("the binary is executable", os.access(binary, os.X_OK))
    version = subprocess.run([binary, "--version"], capture_output=True, text=True)
    check("delib --version", version.returncode == 0 and version.stdout.startswith("delib "), version)
    project = work / "mon-conseil"
    for args in (["init", str(project)], ["check", str(project), "--deny-warnings"], ["render", str(project)]):
        p = subprocess.run([binary, *args], capture_output=True, text=True)
        check("delib " + args[0], p.returncode == 0, p.stdout + p.stderr)
    check("the new project's délibération is made", (project / "documents/subvention-association/deliberation.pdf").is_file())
    page = subprocess.run(["man", "-l", folder / "man/man1/delib-render.1"], capture_output=True, text=True,
                          env=dict(os.environ, MANPAGER="cat", MANWIDTH="80"))
    check("man -l man/man1/delib-render.1", page.returncode == 0 and "deny-warnings" in page.stdout, page.stderr)
    check("LISEZMOI.txt in French, with the version", "sudo install -m 755 delib" in (folder / "LISEZMOI.txt").read_text()
          and version.stdout.split()[1] in (folder / "LISEZMOI.txt").read_text())

    print("== Windows: unzip, run under Wine")
    zipped = next(p for n, p in archives.items() if n.endswith(".zip"))
    with zipfile.ZipFile(zipped) as z:
        z.extractall(work)
    folder = next(work.glob("delib-*-windows-x86_64"))
    check("LISEZMOI.txt has Windows line ends", b"\r\n" in (folder / "LISEZMOI.txt").read_bytes())
    shutil.copy(WINE_WORK / "bin" / "bcryptprimitives.dll", folder)
    env = dict(os.environ, WINEPREFIX=str(WINE_WORK / "prefix"), WINEDEBUG="-all", WINEDLLOVERRIDES="mscoree,mshtml=")
    exe = folder / "delib.exe"
    p = subprocess.run(["wine", exe, "--version"], capture_output=True, text=True, env=env)
    check("wine delib.exe --version", p.returncode == 0 and p.stdout == version.stdout, p)
    shutil.rmtree(project / "documents")
    p = subprocess.run(["wine", exe, "render", "mon-conseil"], capture_output=True, text=True, env=env, cwd=work)
    check("wine delib.exe render mon-conseil", p.returncode == 0
          and (project / "documents/subvention-association/deliberation.pdf").is_file(), p.stdout + p.stderr)

    shutil.rmtree(work)
    print(f"\n{len(failures)} failed" if failures else "\nthe archives install and run")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
