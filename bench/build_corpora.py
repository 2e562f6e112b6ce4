#!/usr/bin/env python3
"""Build the benchmark corpora for claude-lint, reproducibly, with pip only.

    python bench/build_corpora.py [--corpora DIR] [--clean]

Layout produced (default DIR is bench/.corpora):

    downloads/                 the pinned wheels and sdist, verified by sha256
    heavy/<dist>-<version>/    only the .py files of each pinned wheel
    plain/Django-<version>/    the Django sdist, unpacked as is
    MANIFEST.json              versions, artifacts, hashes and .py counts

"heavy" is LLM-SDK-heavy code (lots of API calls for claude-lint to reason
about); "plain" is a large ordinary Python project with no LLM calls.

The script is idempotent: a verified download is not fetched again and an
extracted package (extraction goes to a temporary folder that is renamed into
place when complete) is not extracted again.  Entries in heavy/ or plain/ that
do not belong to the current pins are removed.  Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_CORPORA = BENCH_DIR / ".corpora"


@dataclass(frozen=True)
class Artifact:
    name: str  # distribution name as given to pip
    version: str
    filename: str  # the file pip saves for this pin
    sha256: str

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}"

    @property
    def folder(self) -> str:
        return f"{self.name}-{self.version}"


# Pins chosen with `pip index versions NAME` (latest release at the time).
# To move a pin: change version, filename and sha256 together; the script
# prints the filename and hash it actually got when they do not match.
HEAVY: list[Artifact] = [
    Artifact(
        "litellm",
        "1.110.2",
        "litellm-1.110.2-cp310-abi3-manylinux_2_28_x86_64.whl",
        "9d94d1c7d524b6fd10c14f9c8c6c4f0ac31705f9964ac59dcfd8337c046d8917",
    ),
    Artifact(
        "langchain-anthropic",
        "1.7.10",
        "langchain_anthropic-1.7.10-py3-none-any.whl",
        "9ba64332784bddedabbeb24f5f5759f2d0dfe58244e0ef07e313e039b21ecb1f",
    ),
    Artifact(
        "langchain-openai",
        "1.7.4",
        "langchain_openai-1.7.4-py3-none-any.whl",
        "aaee93369765bac7ebf640aab62f8ae16df403ed982737ae51f88f6a24a151ab",
    ),
    Artifact(
        "instructor",
        "1.17.0",
        "instructor-1.17.0-py3-none-any.whl",
        "f6b1832d178e899ee0a6a3f247e221f19580fa525c815211c02447691d761217",
    ),
]

PLAIN = Artifact(
    "django",
    "5.1.4",
    "Django-5.1.4.tar.gz",
    "de450c09e91879fa5a307f696e57c851955c910a438a35e6b4c895e86bedc82a",
)

# Resolve for one fixed target rather than for the host.  Django 5.1 and the
# heavy packages declare Requires-Python >= 3.10, so pip on Python 3.9 would
# refuse them; and litellm publishes platform wheels only (their .py files are
# the same everywhere, but a fixed tag makes pip pick the very same file, and
# hash, whatever the host OS, CPU or Python version).
TARGET_PYTHON = ["--python-version", "3.12"]
WHEEL_TARGET = [
    *TARGET_PYTHON,
    "--platform", "manylinux_2_28_x86_64",
    "--implementation", "cp",
]


def log(msg: str) -> None:
    print(f"[build_corpora] {msg}", flush=True)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pip_download(art: Artifact, downloads: Path, pip_args: list[str]) -> Path:
    """Download ``art`` into ``downloads`` unless a verified copy is there."""
    target = downloads / art.filename
    if target.is_file() and sha256_of(target) == art.sha256:
        log(f"have {art.filename}")
        return target
    downloads.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=downloads, prefix=".tmp-") as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps",
               "--disable-pip-version-check", "-q", *pip_args,
               "-d", tmp, art.requirement]
        log(f"pip download {art.requirement}")
        subprocess.run(cmd, check=True)
        got = sorted(Path(tmp).iterdir())
        saved = Path(tmp) / art.filename
        if not saved.is_file():
            found = ", ".join(f"{p.name} sha256={sha256_of(p)}" for p in got)
            raise SystemExit(f"pip did not save {art.filename}; got: {found or 'nothing'}")
        actual = sha256_of(saved)
        if actual != art.sha256:
            raise SystemExit(
                f"sha256 mismatch for {art.filename}: expected {art.sha256}, got {actual}")
        os.replace(saved, target)
    return target


def safe_relpath(name: str) -> PurePosixPath | None:
    """Archive member name as a relative path, or None if it would escape."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return None
    return path


def write_member(dest: Path, rel: PurePosixPath, data_stream) -> None:
    out = dest.joinpath(*rel.parts)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as fh:
        shutil.copyfileobj(data_stream, fh)


def extract_wheel_py(wheel: Path, dest: Path) -> None:
    """Extract only the .py members of ``wheel`` into ``dest``."""
    with zipfile.ZipFile(wheel) as zf:
        for info in zf.infolist():
            if info.is_dir() or not info.filename.endswith(".py"):
                continue
            rel = safe_relpath(info.filename)
            if rel is None:
                raise SystemExit(f"unsafe path in {wheel.name}: {info.filename}")
            with zf.open(info) as src:
                write_member(dest, rel, src)


def extract_sdist(sdist: Path, dest: Path) -> None:
    """Unpack regular files and folders of ``sdist`` (no links, no devices)."""
    with tarfile.open(sdist, "r:*") as tf:
        for member in tf:
            rel = safe_relpath(member.name)
            if rel is None:
                raise SystemExit(f"unsafe path in {sdist.name}: {member.name}")
            if member.isdir():
                dest.joinpath(*rel.parts).mkdir(parents=True, exist_ok=True)
            elif member.isfile():
                src = tf.extractfile(member)
                assert src is not None
                with src:
                    write_member(dest, rel, src)
            else:
                log(f"skipping non-regular member {member.name}")


def build_once(final: Path, scratch: Path, fill) -> None:
    """Run ``fill(tmpdir)`` and move the result to ``final``, unless it exists."""
    if final.is_dir():
        log(f"have {final.relative_to(scratch.parent)}")
        return
    scratch.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=scratch, prefix=final.name + "."))
    try:
        fill(tmp)
        os.chmod(tmp, 0o755)  # mkdtemp makes it private
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)
        log(f"built {final.relative_to(scratch.parent)}")
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def prune(parent: Path, keep: list[str]) -> None:
    """Remove entries of ``parent`` that the current pins do not produce."""
    if not parent.is_dir():
        return
    for entry in parent.iterdir():
        if entry.name not in keep:
            log(f"removing stale {entry}")
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()


def py_files(root: Path) -> Iterator[Path]:
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            if name.endswith(".py"):
                yield Path(dirpath, name)


def py_stats(root: Path) -> dict[str, int]:
    count = size = lines = 0
    for path in py_files(root):
        data = path.read_bytes()
        count += 1
        size += len(data)
        lines += data.count(b"\n")
    return {"py_files": count, "py_bytes": size, "py_lines": lines}


def artifact_entry(art: Artifact, root: Path) -> dict:
    return {"name": art.name, "version": art.version, "file": art.filename,
            "sha256": art.sha256, "folder": art.folder, **py_stats(root)}


def corpus_entry(packages: list[dict]) -> dict:
    totals = {key: sum(p[key] for p in packages)
              for key in ("py_files", "py_bytes", "py_lines")}
    return {**totals, "packages": packages}


def build(corpora: Path) -> dict:
    downloads = corpora / "downloads"
    scratch = corpora / "tmp"
    prune(downloads, [a.filename for a in [*HEAVY, PLAIN]])

    heavy_dir = corpora / "heavy"
    prune(heavy_dir, [a.folder for a in HEAVY])
    heavy_packages = []
    for art in HEAVY:
        wheel = pip_download(art, downloads, ["--only-binary=:all:", *WHEEL_TARGET])
        final = heavy_dir / art.folder
        build_once(final, scratch, lambda tmp, w=wheel: extract_wheel_py(w, tmp))
        heavy_packages.append(artifact_entry(art, final))

    plain_dir = corpora / "plain"
    sdist = pip_download(PLAIN, downloads, ["--no-binary=:all:", *TARGET_PYTHON])
    # The sdist holds one top folder (Django-5.1.4/); keep that name.
    with tarfile.open(sdist, "r:*") as tf:
        top = {PurePosixPath(m.name).parts[0] for m in tf.getmembers()}
    if len(top) != 1:
        raise SystemExit(f"{sdist.name}: expected one top-level folder, got {sorted(top)}")
    top_name = top.pop()
    prune(plain_dir, [top_name])

    def fill_plain(tmp: Path) -> None:
        extract_sdist(sdist, tmp)
        # tmp/<top> holds the tree; hoist it so tmp itself becomes <top>.
        inner = tmp / top_name
        for entry in inner.iterdir():
            os.replace(entry, tmp / entry.name)
        inner.rmdir()

    final = plain_dir / top_name
    build_once(final, scratch, fill_plain)
    plain_entry = artifact_entry(PLAIN, final)
    plain_entry["folder"] = top_name

    if scratch.is_dir() and not any(scratch.iterdir()):
        scratch.rmdir()

    return {
        "generated_by": "bench/build_corpora.py",
        "corpora": {
            "heavy": {"path": "heavy", **corpus_entry(heavy_packages)},
            "plain": {"path": "plain", **corpus_entry([plain_entry])},
        },
    }


def write_manifest(corpora: Path, manifest: dict) -> None:
    path = corpora / "MANIFEST.json"
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        log("MANIFEST.json up to date")
        return
    path.write_text(text, encoding="utf-8")
    log(f"wrote {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA,
                        help=f"output folder (default: {DEFAULT_CORPORA})")
    parser.add_argument("--clean", action="store_true",
                        help="delete the output folder first and rebuild everything")
    args = parser.parse_args(argv)
    corpora = args.corpora.resolve()

    if args.clean and corpora.exists():
        log(f"removing {corpora}")
        shutil.rmtree(corpora)
    corpora.mkdir(parents=True, exist_ok=True)

    manifest = build(corpora)
    write_manifest(corpora, manifest)
    for name, corpus in manifest["corpora"].items():
        pkgs = ", ".join(f"{p['name']} {p['version']} ({p['py_files']})"
                         for p in corpus["packages"])
        log(f"{name}: {corpus['py_files']} .py files, "
            f"{corpus['py_lines']} lines, {corpus['py_bytes'] / 1e6:.1f} MB [{pkgs}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
