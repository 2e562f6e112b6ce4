"""The second phase's byte test asked of the pool's workers (pool_names.Helpers, kept from a
cold run's shared first phase): the same findings as one process, round by round, each
file asked in one worker; a worker lost on the way hands its files to this process, which
asks them the earlier rounds again first; no worker outlives the lint."""
from __future__ import annotations

import os

import pytest

from claude_lint import pool, pool_fork, pool_names

from test_equivalence import _findings, _project
from test_pool_share import _shared, needs_fork

# A request behind two wrappers in other modules: the callers of `summarize` are found in
# the second round, after `summarize` is found (in the first) to reach `ask`'s request.
FILES = {
    "llm.py": (
        "import anthropic\n\nclient = anthropic.Anthropic()\n\n\n"
        "def ask(model, prompt):\n"
        "    return client.messages.create(model=model, max_tokens=20000, messages=[{'role': 'user', 'content': prompt}])\n"
    ),
    "mid.py": "from llm import ask\n\n\ndef summarize(model, text):\n    return ask(model, 'Summarize: ' + text)\n",
}
FILES.update({f"app{i:02d}.py": f"from mid import summarize\n\n\ndef run(t):\n    return summarize('claude-2.{i % 2}', t)\n" for i in range(8)})
FILES.update({f"plain{i:02d}.py": f"def f{i}(x):\n    return x + {i}\n" for i in range(12)})


def _rounds_asked(monkeypatch) -> list:
    asked = []
    inner = pool_names.Helpers.names

    def names(self, wanted, key):
        if not (self.rounds and self.rounds[-1][0] is wanted):
            asked.append(len(self.workers))
        return inner(self, wanted, key)

    monkeypatch.setattr(pool_names.Helpers, "names", names)
    return asked


@needs_fork
def test_the_workers_answer_the_second_phase_as_one_process(tmp_path, monkeypatch):
    root = _project(tmp_path, FILES)
    monkeypatch.setenv("CLAUDE_LINT_NO_POOL", "1")
    serial = _findings(root, no_cache=True)
    assert len([1 for code, loc, *_ in serial if loc.path.startswith("app")]) >= 8  # the second round's callers
    asked = _rounds_asked(monkeypatch)
    monkeypatch.setattr(pool, "SHARE_CHUNK", 2)
    _shared(monkeypatch)
    assert _findings(root, no_cache=True) == serial
    assert len(asked) >= 2 and asked[0] == 2  # every round asked of the two workers
    assert pool_fork.live() == []



@needs_fork
def test_the_workers_do_not_ask_a_copy_of_an_sdk(tmp_path, monkeypatch):
    """A copy of an SDK's package in the tree (here at the top, imported as the SDK) is
    not asked for the project's wrappers, in the pool as in one process: its files call one
    only by chance of a name."""
    files = dict(FILES)
    files.update({"litellm/__init__.py": "", **{f"litellm/m{i}.py": FILES["app00.py"] for i in range(6)}})
    root = _project(tmp_path, files)
    monkeypatch.setenv("CLAUDE_LINT_NO_POOL", "1")
    serial = _findings(root, no_cache=True)
    assert [1 for code, loc, *_ in serial if loc.path.startswith("app")] and not [1 for code, loc, *_ in serial if "litellm" in loc.path]
    mine = []
    inner = pool_names.Helpers.__init__

    def init(self, share, *loads):
        inner(self, share, *loads)
        mine.extend(self.sources[i].path for files in self.mine.values() for i in files)

    monkeypatch.setattr(pool_names.Helpers, "__init__", init)
    monkeypatch.setattr(pool, "SHARE_CHUNK", 2)
    _shared(monkeypatch)
    assert _findings(root, no_cache=True) == serial
    assert "mid.py" in mine and not [path for path in mine if "litellm" in path], mine
    assert pool_fork.live() == []


def _dies_in_second_round(linter, sources, message):
    if len(_dies_in_second_round.seen) >= 1:
        os._exit(70)
    _dies_in_second_round.seen.append(1)
    return _answer(linter, sources, message)


_answer = pool_names.answer


@needs_fork
@pytest.mark.parametrize("stuck", [False, True])
def test_a_worker_lost_in_the_second_phase_hands_its_files_over(tmp_path, monkeypatch, stuck):
    """Its files are asked here from then on, after the rounds it had answered (what the
    byte test remembers of a file between rounds is then this process's)."""
    root = _project(tmp_path, FILES)
    monkeypatch.setenv("CLAUDE_LINT_NO_POOL", "1")
    serial = _findings(root, no_cache=True)
    replayed = []
    inner = pool_names.Helpers._lose
    monkeypatch.setattr(pool_names.Helpers, "_lose", lambda self, w: replayed.append(len(self.rounds)) or inner(self, w))
    _dies_in_second_round.seen = []
    if stuck:
        import time

        def never_answers(linter, sources, message):
            if _dies_in_second_round.seen:
                time.sleep(60)
            return _dies_in_second_round(linter, sources, message)

        monkeypatch.setattr(pool_names, "answer", never_answers)
        monkeypatch.setattr(pool_names.Helpers, "__init__", _quick(pool_names.Helpers.__init__))
    else:
        monkeypatch.setattr(pool_names, "answer", _dies_in_second_round)
    _shared(monkeypatch)
    assert _findings(root, no_cache=True) == serial
    assert replayed and all(r == 2 for r in replayed)  # lost in the second round: the first asked again here
    assert pool_fork.live() == []


def _quick(inner):
    def init(self, share, *loads):
        inner(self, share, *loads)
        self.stuck_after = 1.0

    return init


@needs_fork
@pytest.mark.parametrize("requests", [False, True])
def test_a_run_without_wrappers_stops_the_kept_workers(tmp_path, monkeypatch, requests):
    """Kept only when a file was parsed (no parse: no wrapper, no value for link to read);
    stopped once the second phase is done, whether or not it asked them anything."""
    files = {f"m{i:02d}.py": f"x = {i}\n" for i in range(8)}
    if requests:
        files["app.py"] = "import anthropic\n\nanthropic.Anthropic().messages.create(model='claude-2.1', max_tokens=100, messages=[])\n"
    root = _project(tmp_path, files)
    asked = _rounds_asked(monkeypatch)
    _shared(monkeypatch)
    stopped = []
    inner = pool_names.Helpers.stop
    monkeypatch.setattr(pool_names.Helpers, "stop", lambda self, kill=False: stopped.append(len(self.workers)) or inner(self, kill))
    _findings(root, no_cache=True)
    assert asked == []
    assert (stopped[:1] == [2]) if requests else (stopped == [])
    assert pool_fork.live() == []


# A request's model named by a constant of a module without calls, itself another module's
# constant: link reads both modules whole (the first phase parsed neither).
CHAINED = {
    "app.py": ("import anthropic\n\nfrom conf import MODEL\n\n"
               "def ask(p):\n    return anthropic.Anthropic().messages.create(model=MODEL, max_tokens=100, messages=[{'role': 'user', 'content': p}])\n"),
    "conf.py": "from defaults import BASE\n\nMODEL = BASE\n",
    "defaults.py": "BASE = 'claude-2.1'\n",
}
CHAINED.update({f"plain{i:02d}.py": f"def f{i}(x):\n    return x + {i}\n" for i in range(6)})


@needs_fork
def test_the_workers_read_first_the_modules_link_reads_whole(tmp_path, monkeypatch):
    from claude_lint import linter as linter_mod

    root = _project(tmp_path, CHAINED)
    monkeypatch.setenv("CLAUDE_LINT_NO_POOL", "1")
    serial = _findings(root, no_cache=True)
    assert any(code == "CL007" and loc.path == "defaults.py" for code, loc, *_ in serial)  # the model, found through both modules
    served = []
    inner = linter_mod.Linter._load_other

    def load(self, abspath):
        served.append((os.path.basename(abspath), abspath in self.preloaded))
        return inner(self, abspath)

    monkeypatch.setattr(linter_mod.Linter, "_load_other", load)
    _shared(monkeypatch)
    assert _findings(root, no_cache=True) == serial
    here = [entry for entry in served if entry[1]]  # this process's asks (a worker's own are never preloaded)
    assert sorted(set(here)) == [("conf.py", True), ("defaults.py", True)], served
    assert pool_fork.live() == []


def _load_fails(linter, sources, message):
    if message[0] == "load":
        os._exit(70)
    return _answer(linter, sources, message)


@needs_fork
def test_a_worker_lost_while_reading_for_link_leaves_the_reads_to_link(tmp_path, monkeypatch):
    root = _project(tmp_path, {**CHAINED, **FILES})
    monkeypatch.setenv("CLAUDE_LINT_NO_POOL", "1")
    serial = _findings(root, no_cache=True)
    monkeypatch.setattr(pool_names, "answer", _load_fails)
    _shared(monkeypatch)
    assert _findings(root, no_cache=True) == serial
    assert pool_fork.live() == []
