"""Many LLM apps linted as one project (a folder of checkouts) cost what they cost apart:
what the second phase asks each file, and the wrapper calls link derives, grow linearly
with the number of apps, though every app has its own `utils.py`, `config.py` and `app.py`.
(Before, a file was asked about the wrapper methods of every app's classes, so the
questions grew with the square of the apps, and so did phase 2's time and memory.)"""
import os

import pytest

from claude_lint import cli, link
from claude_lint.extract import callers

UTILS = '''import anthropic

client = anthropic.Anthropic()


def ask(prompt, model="claude-opus-4-1"):
    return client.messages.create(model=model, max_tokens=512, messages=[{{"role": "user", "content": prompt}}])


class Bot:
    def reply_{i}(self, text):
        return ask(text)
'''

APP = '''from config import MODEL
from utils import Bot, ask

GREETING = "Hello \u2728"  # not ASCII: the question is not narrowed to the names the file spells


def main(bot: Bot):
    print(ask(GREETING, model=MODEL))
    print(bot.reply_{i}("ping"))
'''


def _apps(root, count):
    for i in range(count):
        folder = root / f"app{i:03d}"
        folder.mkdir(parents=True)
        (folder / "utils.py").write_text(UTILS.format(i=i), encoding="utf-8")
        (folder / "config.py").write_text('MODEL = "claude-opus-4-1"\n', encoding="utf-8")
        (folder / "app.py").write_text(APP.format(i=i), encoding="utf-8")


def _measured(tmp_path, monkeypatch, capsys, count):
    """(the names and methods asked over all phase-2 questions, the wrapper calls derived,
    the apps whose own call of their own method was followed) for `count` apps."""
    root = tmp_path / f"apps{count}"
    _apps(root, count)
    asked = [0]
    derived = []
    ask = callers.callers
    calls = link.Project.wrapper_calls

    def counting(text, path, abspath, module, kind, names, local, methods=frozenset(), parsed=None):
        asked[0] += len(names) + len(methods)
        return ask(text, path, abspath, module, kind, names, local, methods, parsed)

    def recording(self):
        found = calls(self)
        derived.extend(found)
        return found

    monkeypatch.setattr(callers, "callers", counting)
    monkeypatch.setattr(link.Project, "wrapper_calls", recording)
    monkeypatch.setenv("CLAUDE_LINT_NO_POOL", "1")  # the questions are asked in this process
    monkeypatch.chdir(root)
    cli.main(["check", "--no-cache", "--output-format", "json", "."])
    capsys.readouterr()
    followed = {os.path.basename(os.path.dirname(site.loc.path)) for site in derived if site.loc.path.endswith("app.py")}
    return asked[0], len(derived), followed


@pytest.mark.parametrize("count", [4])
def test_phase_two_questions_and_routes_grow_linearly_with_the_apps(tmp_path, monkeypatch, capsys, count):
    small_asked, small_derived, small_followed = _measured(tmp_path, monkeypatch, capsys, count)
    big_asked, big_derived, big_followed = _measured(tmp_path, monkeypatch, capsys, 4 * count)
    assert small_asked > 0 and small_derived > 0
    assert big_asked <= 4 * small_asked
    assert big_derived == 4 * small_derived  # each app's calls reach its own wrappers, no other's
    assert big_followed == {f"app{i:03d}" for i in range(4 * count)}  # and every app's are still followed
