#!/usr/bin/env python3
"""Builds delib's release archives, for a collectivité's IT to install
without Rust, into target/dist/:

  delib-VERSION-windows-x86_64.zip      delib.exe (x86_64-pc-windows-gnu, mingw-w64),
                                         LISEZMOI.txt, the PowerShell completions
  delib-VERSION-linux-x86_64.tar.gz     delib, a static binary (x86_64-unknown-linux-musl),
                                         LISEZMOI.txt, manual pages, bash/zsh/fish completions
  SHA256SUMS                             the SHA-256 of both, as sha256sum -c reads it

Same sources, same archives: files in a fixed order, with a fixed date and
owner, binaries stripped.

Needs the two Rust targets (rustup target add x86_64-pc-windows-gnu
x86_64-unknown-linux-musl) and Debian's gcc-mingw-w64-x86-64 and musl-tools
(jemalloc, the Linux allocator, is C). Usage: tools/dist.py [--profile NAME]
(release by default; .ci/run builds with dev, to check the script itself).
"""

import argparse
import array
import gzip
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WINDOWS = "x86_64-pc-windows-gnu"
LINUX = "x86_64-unknown-linux-musl"
# 1 January 2020, 00:00 UTC: the date of every file in the archives.
EPOCH = 1577836800


def sh(*args, **kw):
    print("+", " ".join(str(a) for a in args), flush=True)
    return subprocess.run([str(a) for a in args], check=True, cwd=ROOT, **kw)


def build(profile):
    env = dict(os.environ, CC_x86_64_unknown_linux_musl="musl-gcc")
    for target in (WINDOWS, LINUX):
        sh("cargo", "build", "--locked", "--profile", profile, "--target", target, env=env)
    out_dir = "debug" if profile == "dev" else profile
    return (
        ROOT / "target" / WINDOWS / out_dir / "delib.exe",
        ROOT / "target" / LINUX / out_dir / "delib",
    )


def stripped(binary, strip, work):
    copy = work / binary.name
    shutil.copyfile(binary, copy)
    sh(strip, copy)
    data = copy.read_bytes()
    return pe_dated(data) if data.startswith(b"MZ") else data


def pe_dated(data):
    """A Windows executable with EPOCH as its link date (strip writes the
    date of the day) and its checksum computed again."""
    b = bytearray(data)
    pe = int.from_bytes(b[0x3C:0x40], "little")
    assert b[pe : pe + 4] == b"PE\0\0", "not a PE file"
    b[pe + 8 : pe + 12] = EPOCH.to_bytes(4, "little")
    checksum_at = pe + 24 + 64
    b[checksum_at : checksum_at + 4] = bytes(4)
    padded = bytes(b) + b"\0" * (len(b) % 2)
    total = sum(array.array("H", padded))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    b[checksum_at : checksum_at + 4] = (total + len(b)).to_bytes(4, "little")
    return bytes(b)


def output(linux, *args):
    return subprocess.run([str(linux), *args], check=True, capture_output=True).stdout


def command_paths(linux):
    """Every command path of delib, from its help pages: [], [render], …, [export, scdl]."""
    paths, i = [[]], 0
    while i < len(paths):
        help = output(linux, *paths[i], "--help").decode()
        for heading in ("Commandes :\n", "Exports :\n"):
            if heading in help:
                for line in help.split(heading, 1)[1].splitlines():
                    if not line.startswith("  "):
                        break
                    name = line.split()[0]
                    if name != "help" and not line.startswith("   "):
                        paths.append(paths[i] + [name])
        i += 1
    return paths


def deterministic_tar(path, files):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data, mode in files:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), mode, EPOCH
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            tar.addfile(info, io.BytesIO(data))
    with open(path, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=EPOCH, filename="") as gz:
        gz.write(raw.getvalue())


def deterministic_zip(path, files):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data, mode in files:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


def crlf(text):
    return text.replace("\n", "\r\n").encode("utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="release")
    args = parser.parse_args()
    exe, linux = build(args.profile)
    version = output(linux, "--version").decode().split()[1]
    dist = ROOT / "target" / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    work = dist / "work"
    work.mkdir(parents=True)
    readme = (ROOT / "tools" / "LISEZMOI.txt").read_text(encoding="utf-8").replace("VERSION", version)

    name = f"delib-{version}-linux-x86_64"
    files = [
        (f"{name}/delib", stripped(linux, "strip", work), 0o755),
        (f"{name}/LISEZMOI.txt", readme.encode("utf-8"), 0o644),
    ]
    for path in command_paths(linux):
        page = "-".join(["delib", *path])
        files.append((f"{name}/man/man1/{page}.1", output(linux, "man", *path), 0o644))
    for shell, file in (("bash", "delib"), ("zsh", "_delib"), ("fish", "delib.fish")):
        files.append((f"{name}/completions/{shell}/{file}", output(linux, "completions", shell), 0o644))
    deterministic_tar(dist / f"{name}.tar.gz", files)

    name = f"delib-{version}-windows-x86_64"
    files = [
        (f"{name}/delib.exe", stripped(exe, "x86_64-w64-mingw32-strip", work), 0o755),
        (f"{name}/LISEZMOI.txt", crlf(readme), 0o644),
        (f"{name}/completions/delib.ps1", output(linux, "completions", "powershell"), 0o644),
    ]
    deterministic_zip(dist / f"{name}.zip", files)

    shutil.rmtree(work)
    sums = "".join(
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n"
        for p in sorted(dist.iterdir())
    )
    (dist / "SHA256SUMS").write_text(sums)
    print(f"\n{dist}:\n{sums}", end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
