"""The ecosystem check: rebuild the real-world corpus from fetched snapshots, lint it, score it.

    python eval/realworld/run.py --mirrors /work/.mirror [--repo owner/name] [--show] [--markdown]
    python eval/realworld/run.py manifest        # rewrite manifest.toml from the inventories

Needs no network: every repository of the manifest must already be a git dir under
--mirrors (what the session tool `fetch` brings, or `git clone --mirror`). The corpus is
extracted at the pinned commit into ~/.cache/claude-lint-realworld/, keeping only the labelled
paths, and linted with the claude-lint installed next to this Python.
"""
from __future__ import annotations

import argparse
import fnmatch
import glob
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

try:
    import tomllib
except ImportError:  # Python < 3.11
    import tomli as tomllib  # type: ignore[no-redef]

HERE = os.path.dirname(os.path.abspath(__file__))
# Outside this repository: its .gitignore would hide the corpus from the linter (which
# honours .gitignore files of the enclosing git tree, as a user's run would not).
CORPUS = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "claude-lint-realworld")
KINDS = ("direct", "wrapper", "raw_http", "constructor")
VERDICTS = {"fire": "right", "ambiguous": "debatable", "silent": "wrong"}
FILE_CODES = ("CL901", "CL902", "CL903", "CL904")


# --- data ---------------------------------------------------------------------------


@dataclass
class Site:
    file: str
    line: int
    end: int
    cell: Optional[int]
    kind: str
    billed: bool
    fire: Dict[str, str]
    ambiguous: Dict[str, str]
    note: str = ""

    def label(self, rule: str) -> str:
        if rule in self.fire:
            return "fire"
        if rule in self.ambiguous:
            return "ambiguous"
        return "silent"

    def holds(self, file: str, row: int, cell: Optional[int]) -> bool:
        return file == self.file and (cell or None) == (self.cell or None) and self.line <= row <= self.end

    def where(self) -> str:
        cell = f":cell {self.cell}" if self.cell else ""
        return f"{self.file}{cell}:{self.line}"


@dataclass
class Expect:
    rule: str
    file: str
    line: int
    cell: Optional[int]
    verdict: str
    why: str


@dataclass
class Repo:
    github: str
    commit: str
    category: str
    why: str
    paths: List[str]
    exclude: List[str]
    sites: List[Site]
    expects: List[Expect]
    project: Dict[str, Tuple[str, str]]
    judgements: Dict[Tuple[str, str, int], Tuple[str, str]] = field(default_factory=dict)
    heldout: bool = False
    folder: str = "inventory"
    # A precision sample (precision/*.toml): no inventory, only the findings of `rules`,
    # each judged by reading the code; it scores precision and nothing else.
    rules: Optional[List[str]] = None

    @property
    def sample(self) -> bool:
        return self.rules is not None

    @property
    def slug(self) -> str:
        return self.github.replace("/", "__")


SETS = {
    "main": ("inventory",), "heldout": ("heldout",), "blind": ("blind",),
    "all": ("inventory", "heldout", "blind"), "precision": ("precision",),
}


def load_repos(only: Optional[str] = None, which: str = "main") -> List[Repo]:
    repos = []
    paths = [p for folder in SETS[which] for p in sorted(glob.glob(os.path.join(HERE, folder, "*.toml")))]
    for path in paths:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        if only and data["github"].lower() != only.lower():
            continue
        sites = [
            Site(
                file=s["file"], line=int(s["line"]), end=int(s.get("end", s["line"])), cell=s.get("cell"),
                kind=s["kind"], billed=bool(s.get("billed", True)),
                fire=dict(s.get("fire", {})), ambiguous=dict(s.get("ambiguous", {})), note=s.get("note", ""),
            )
            for s in data.get("site", [])
        ]
        for s in sites:
            if s.kind not in KINDS:
                raise SystemExit(f"{path}: {s.where()}: unknown kind {s.kind!r}")
        expects = [
            Expect(e["rule"], e["file"], int(e["line"]), e.get("cell"), e["verdict"], e.get("why", ""))
            for e in data.get("expect", [])
        ]
        project = {k: (v[0], v[1] if len(v) > 1 else "") for k, v in data.get("project", {}).items()}
        repo = Repo(
            data["github"], data["commit"], data.get("category", ""), data.get("why", ""),
            list(data.get("paths", ["."])), list(data.get("exclude", [])), sites, expects, project,
            heldout=os.path.basename(os.path.dirname(path)) in ("heldout", "blind"),
            folder=os.path.basename(os.path.dirname(path)),
        )
        if os.path.basename(os.path.dirname(path)) == "precision":
            repo.rules = list(data["rules"])
            judged = path
        else:
            judged = os.path.join(HERE, "judgements", os.path.basename(path))
        if os.path.exists(judged):
            with open(judged, "rb") as fh:
                for f in tomllib.load(fh).get("finding", []):
                    repo.judgements[(f["rule"], f["file"], int(f["line"]))] = (f["verdict"], f.get("why", ""))
        repos.append(repo)
    return repos


# --- corpus ---------------------------------------------------------------------------


def git_dir(mirrors: str, github: str) -> Optional[str]:
    """The bare git dir of a fetched repository: MIRRORS/owner+name[/...]."""
    owner, name = github.split("/", 1)
    for top in (os.path.join(mirrors, f"{owner}+{name}"), os.path.join(mirrors, github.replace("/", "__"))):
        if not os.path.isdir(top):
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            if "HEAD" in filenames and "objects" in dirnames:
                return dirpath
            if dirpath.count(os.sep) - top.count(os.sep) >= 3:
                dirnames[:] = []
    return None


def extract(repo: Repo, mirrors: str) -> str:
    dest = os.path.join(CORPUS, repo.slug)
    stamp = os.path.join(CORPUS, f"{repo.slug}.commit")
    wanted = f"{repo.commit} {json.dumps(repo.paths)} {json.dumps(repo.exclude)}"
    if os.path.isdir(dest) and os.path.exists(stamp) and open(stamp).read() == wanted:
        return dest
    gd = git_dir(mirrors, repo.github)
    if gd is None:
        raise LookupError(f"{repo.github}: no git dir under {mirrors} (fetch it first)")
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    # File by file: a snapshot may lack some blobs (files of 4 MiB and more, LFS), which
    # would make `git archive` fail; those files are simply absent from the corpus.
    listing = subprocess.run(["git", "--git-dir", gd, "ls-tree", "-r", "-z", repo.commit], capture_output=True, check=True).stdout
    wanted_blobs = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_name = entry.partition(b"\t")
        mode, kind, sha = meta.split()
        name = raw_name.decode("utf-8", "surrogateescape")
        # Regular files only (no symlinks, no submodules): a snapshot is data, never trusted.
        if kind != b"blob" or mode not in (b"100644", b"100755") or name.startswith("/") or ".." in name.split("/"):
            continue
        if _wanted(name, repo.paths, repo.exclude):
            wanted_blobs.append((sha.decode(), name))
    batch = subprocess.run(
        ["git", "--git-dir", gd, "cat-file", "--batch"],
        input="".join(f"{sha}\n" for sha, _ in wanted_blobs).encode(), capture_output=True, check=True,
    ).stdout
    pos = 0
    for sha, name in wanted_blobs:
        header_end = batch.index(b"\n", pos)
        header = batch[pos:header_end].split()
        pos = header_end + 1
        if len(header) < 3 or header[1] != b"blob":  # "<sha> missing"
            continue
        size = int(header[2])
        data = batch[pos:pos + size]
        pos += size + 1
        target = os.path.join(dest, *name.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as fh:
            fh.write(data)
    with open(stamp, "w") as fh:
        fh.write(wanted)
    return dest


def _wanted(name: str, paths: List[str], exclude: List[str]) -> bool:
    name = name.rstrip("/")
    inside = any(p in (".", "") or name == p.rstrip("/") or name.startswith(p.rstrip("/") + "/") or p.startswith(name + "/") for p in paths)
    if not inside:
        return False
    return not any(fnmatch.fnmatch(name, g) or fnmatch.fnmatch(name + "/", g) or name.startswith(g.rstrip("*").rstrip("/") + "/") and g.endswith("/**") for g in exclude)


def claude_lint(*args: str, cwd: str) -> object:
    exe = shutil.which("claude-lint", path=os.path.dirname(sys.executable)) or shutil.which("claude-lint")
    if exe is None:
        raise SystemExit("claude-lint is not installed next to this Python: run the README's install command")
    done = subprocess.run([exe, *args], cwd=cwd, capture_output=True, timeout=1800)
    if done.returncode not in (0, 1):
        sys.stderr.write(done.stderr.decode("utf-8", "replace"))
        raise RuntimeError(f"claude-lint {' '.join(args)} exited {done.returncode} in {cwd}")
    return json.loads(done.stdout)


# --- scoring --------------------------------------------------------------------------


@dataclass
class Finding:
    rule: str
    file: str
    row: int
    cell: Optional[int]
    message: str
    related: List[Tuple[str, int, Optional[int]]]
    verdict: str = "unjudged"
    why: str = ""


@dataclass
class Score:
    recognised: Counter = field(default_factory=Counter)
    sites: Counter = field(default_factory=Counter)
    local_billed: List[str] = field(default_factory=list)
    local_total: int = 0
    unlabelled_routes: List[str] = field(default_factory=list)
    missed: Dict[str, List[str]] = field(default_factory=lambda: defaultdict(list))
    verdicts: Dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    fire_labels: Counter = field(default_factory=Counter)
    recalled: Counter = field(default_factory=Counter)
    not_recalled: Dict[str, List[str]] = field(default_factory=lambda: defaultdict(list))
    findings: List[Tuple[str, Finding]] = field(default_factory=list)
    file_errors: Counter = field(default_factory=Counter)


def _rel(path: str, root: str) -> str:
    return os.path.relpath(os.path.join(root, path), root).replace(os.sep, "/")


def _route_cell(route: dict) -> Optional[int]:
    if route.get("cell") is not None:
        return route["cell"]
    m = re.search(r":cell (\d+)$", route.get("route", ""))
    return int(m.group(1)) if m else None


def score_repo(repo: Repo, root: str, score: Score) -> None:
    report = claude_lint("report", ".", "--format", "json", cwd=root)
    checked = claude_lint("check", ".", "--output-format", "json", "--exit-zero", "--no-cache", "--select", "ALL", cwd=root)
    routes = [(_rel(r["filename"], root), r["line"], _route_cell(r), r) for r in report["routes"]]
    if repo.sample:
        routes = []  # no inventory: nothing to say about recognition
    matched_routes = set()
    for site in repo.sites:
        hits = [i for i, (f, line, cell, _) in enumerate(routes) if site.holds(f, line, cell)]
        matched_routes.update(hits)
        if not site.billed:
            score.local_total += 1
            if any(routes[i][3].get("billed", True) for i in hits):
                score.local_billed.append(f"{repo.github}:{site.where()}")
            continue
        score.sites[site.kind] += 1
        if hits:
            score.recognised[site.kind] += 1
        else:
            score.missed[site.kind].append(f"{repo.github}:{site.where()} {site.note[:70]}")
    for i, (f, line, cell, r) in enumerate(routes):
        if i not in matched_routes:
            score.unlabelled_routes.append(f"{repo.github}:{f}{f':cell {cell}' if cell else ''}:{line} {r.get('api', '')}")

    findings = []
    for d in checked:
        if repo.sample and d["code"] not in repo.rules:
            continue  # the sample judges only its own rules
        rel = os.path.relpath(d["filename"], root).replace(os.sep, "/")
        related = [(os.path.relpath(x["filename"], root).replace(os.sep, "/"), x["location"]["row"], x.get("cell")) for x in d.get("related", [])]
        findings.append(Finding(d["code"], rel, d["location"]["row"], d.get("cell"), d["message"], related))
    fired: Dict[Tuple[str, int], bool] = {}
    for fd in findings:
        if fd.rule in FILE_CODES:
            score.file_errors[fd.rule] += 1
            continue
        places = [(fd.file, fd.row, fd.cell)] + fd.related
        sites = [i for i, s in enumerate(repo.sites) if any(s.holds(*p) for p in places)]
        expects = [i for i, e in enumerate(repo.expects) if e.rule == fd.rule and any(e.file == p[0] and e.line == p[1] and (e.cell or None) == (p[2] or None) for p in places)]
        labels = [repo.sites[i].label(fd.rule) for i in sites] + [repo.expects[i].verdict for i in expects]
        if fd.rule in repo.project and not labels:
            labels = [repo.project[fd.rule][0]]
        judged = repo.judgements.get((fd.rule, fd.file, fd.row))
        if labels:
            best = "fire" if "fire" in labels else "ambiguous" if "ambiguous" in labels else "silent"
            fd.verdict = VERDICTS[best]
            for i in sites:
                fired[("site", i, fd.rule)] = True
            for i in expects:
                fired[("expect", i, fd.rule)] = True
        elif judged is not None:
            fd.verdict, fd.why = judged
        score.verdicts[fd.rule][fd.verdict] += 1
        score.findings.append((repo.github, fd))
    for i, s in enumerate(repo.sites):
        for rule in s.fire:
            score.fire_labels[rule] += 1
            if fired.get(("site", i, rule)):
                score.recalled[rule] += 1
            else:
                score.not_recalled[rule].append(f"{repo.github}:{s.where()} {s.fire[rule][:70]}")
    for i, e in enumerate(repo.expects):
        if e.verdict == "fire":
            score.fire_labels[e.rule] += 1
            if fired.get(("expect", i, e.rule)):
                score.recalled[e.rule] += 1
            else:
                score.not_recalled[e.rule].append(f"{repo.github}:{e.file}:{e.line} {e.why[:70]}")
    for rule, (verdict, why) in repo.project.items():
        if verdict == "fire":
            score.fire_labels[rule] += 1
            if any(g == repo.github and fd.rule == rule for g, fd in score.findings):
                score.recalled[rule] += 1
            else:
                score.not_recalled[rule].append(f"{repo.github}: {why[:70]}")


def default_rules() -> List[str]:
    from claude_lint.config import Settings, selected

    return selected(Settings(root="."))


def all_codes() -> List[str]:
    from claude_lint.checks import all_rules

    return [r.code for r in all_rules() if r.code not in FILE_CODES]


def ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "-"


def render(score: Score, repos: List[Repo], markdown: bool) -> str:
    out = []
    kinds_sites = sum(score.sites.values())
    out.append(f"Corpus: {len(repos)} repositories, {kinds_sites} billed request sites, {score.local_total} local")
    out.append("")
    out.append("| kind | sites | recognised | recognition |")
    out.append("| --- | ---: | ---: | ---: |")
    for kind in KINDS:
        out.append(f"| {kind} | {score.sites[kind]} | {score.recognised[kind]} | {ratio(score.recognised[kind], score.sites[kind])} |")
    total_rec = sum(score.recognised.values())
    out.append(f"| all | {kinds_sites} | {total_rec} | {ratio(total_rec, kinds_sites)} |")
    out.append("")
    out.append(f"Local endpoints reported as billed: {len(score.local_billed)} of {score.local_total}")
    out.append(f"Routes matching no inventoried site: {len(score.unlabelled_routes)}")
    out.append("")
    defaults = set(default_rules())
    out.append("| rule | default | findings | right | debatable | wrong | unjudged | precision | fire labels | recalled | recall |")
    out.append("| --- | :---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for rule in all_codes():
        v = score.verdicts.get(rule, Counter())
        n = sum(v.values())
        judged = v["right"] + v["debatable"] + v["wrong"]
        out.append(
            f"| {rule} | {'yes' if rule in defaults else 'no'} | {n} | {v['right']} | {v['debatable']} | {v['wrong']} | {v['unjudged']} "
            f"| {ratio(v['right'], judged)} | {score.fire_labels[rule]} | {score.recalled[rule]} | {ratio(score.recalled[rule], score.fire_labels[rule])} |"
        )
    if score.file_errors:
        out.append("")
        out.append("File diagnostics (not scored): " + ", ".join(f"{k} {v}" for k, v in sorted(score.file_errors.items())))
    text = "\n".join(out) + "\n"
    if not markdown:
        text = text.replace("| ", "").replace(" |", "  ").replace("|", "")
    return text


def show(score: Score) -> str:
    out = ["", "## Missed request sites"]
    for kind in KINDS:
        out += [f"- [{kind}] {m}" for m in score.missed.get(kind, [])]
    out += ["", "## Local endpoints reported as billed"] + [f"- {m}" for m in score.local_billed]
    out += ["", "## Routes matching no inventoried site"] + [f"- {m}" for m in score.unlabelled_routes]
    out += ["", "## Findings not right (wrong, debatable, unjudged)"]
    for github, fd in score.findings:
        if fd.verdict != "right":
            cell = f":cell {fd.cell}" if fd.cell else ""
            out.append(f"- {fd.verdict:9} {fd.rule} {github}:{fd.file}{cell}:{fd.row} {fd.message[:150]}")
    out += ["", "## Fire labels without a finding"]
    for rule in sorted(score.not_recalled):
        out += [f"- {rule} {m}" for m in score.not_recalled[rule]]
    return "\n".join(out) + "\n"


def toml_string(text: str) -> str:
    # json's ASCII escapes write a character beyond the BMP as a surrogate pair, which TOML
    # rejects (a label quoting an emoji broke the manifest); TOML takes the UTF-8 itself.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def write_manifest(repos: List[Repo]) -> None:
    lines = [
        "# The real-world corpus: one entry per repository, at the commit its inventory labels.",
        "# Generated from inventory/*.toml by `python eval/realworld/run.py manifest`.",
        "",
    ]
    for r in sorted(repos, key=lambda r: r.github.lower()):
        lines += [
            "[[repo]]",
            f"github = {toml_string(r.github)}",
            f"commit = {toml_string(r.commit)}",
            f"category = {toml_string(r.category)}",
            f"why = {toml_string(r.why)}",
            f"sites = {len(r.sites)}",
            f"set = {toml_string('main' if r.folder == 'inventory' else r.folder)}",
            "",
        ]
    with open(os.path.join(HERE, "manifest.toml"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", nargs="?", default="score", choices=("score", "manifest"))
    parser.add_argument("--mirrors", default="/work/.mirror", help="folder holding the fetched git dirs (owner+name/...)")
    parser.add_argument("--repo", help="only this owner/name")
    parser.add_argument("--show", action="store_true", help="list missed sites, unlabelled routes, findings not right, misses")
    parser.add_argument("--findings", metavar="CODE", help="list every finding of this rule with its verdict (right ones too)")
    parser.add_argument("--markdown", action="store_true", help="tables in Markdown (for RESULTS.md)")
    parser.add_argument("--set", choices=sorted(SETS), default="main",
                        help="main: the repositories rules are developed on (manifest set = \"main\"); heldout: 216 more, scored only to check that changes generalise (no longer blind: their misses were read); blind: labelled by labellers who never ran the linter, read by nobody who changes it; all: the three; precision: repositories whose findings of a few rules were judged one by one (precision only)")
    args = parser.parse_args(argv)
    repos = load_repos(args.repo, args.set)
    if args.action == "manifest":
        write_manifest(load_repos(which="all") + load_repos(which="precision"))
        return 0
    score = Score()
    missing = []
    for repo in repos:
        try:
            root = extract(repo, args.mirrors)
        except LookupError as exc:
            missing.append(str(exc))
            continue
        score_repo(repo, root, score)
    for m in missing:
        print(f"skipped: {m}", file=sys.stderr)
    print(render(score, [r for r in repos], args.markdown), end="")
    if args.show:
        print(show(score), end="")
    if args.findings:
        print(f"\n## Every {args.findings} finding")
        for github, fd in score.findings:
            if fd.rule == args.findings:
                cell = f":cell {fd.cell}" if fd.cell else ""
                print(f"- {fd.verdict:9} {github}:{fd.file}{cell}:{fd.row} {fd.message}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
