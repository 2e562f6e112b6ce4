"""A module's constant set again by a module that imports it (`import te; te.PROMPT = MINE`,
`setattr(te, "PROMPT", MINE)`, `Config.MODEL = ...` on an imported class): the value is no
longer the one fixed text its module writes. A file that sets it and then calls the module's
functions sends its own value (rules needing one fixed text stay silent there); the module's
own calls, and callers that never set it, send what the module writes."""
from __future__ import annotations

import pytest

LONG = "You translate scholarly prose with care. Keep every name as the glossary gives it. " * 180  # ~3,000 tokens: above Sonnet 4.6's minimum, below an unknown model's
SHORT = "Translate into French."

TRANSLATE = (
    "import anthropic\nclient = anthropic.Anthropic()\n"
    f"PROMPT_TMPL = {LONG + ' Source: {source}'!r}\n"
    f"SYSTEM = {LONG!r}\n\n"
    "def translate(model, source):\n"
    "    return client.messages.create(model=model, max_tokens=2000,\n"
    "        messages=[{'role': 'user', 'content': PROMPT_TMPL.format(source=source)}])\n\n"
    "def answer(model, q):\n"
    "    return client.messages.create(model=model, max_tokens=2000, system=SYSTEM, messages=[{'role': 'user', 'content': q}])\n"
)


def rows(project, files, code):
    """(file, row) of each finding: a call's, or where the value it judges is written."""
    found = project(files, select=(code,))
    return sorted({(d.loc.path.rsplit("/", 1)[-1], d.loc.row) for d in found.diagnostics if d.code == code})


CALLER = "import te\n\ndef run(chunks):\n    SETTING\n    for c in chunks:\n        te.CALL('claude-sonnet-4-6', c)\n"


@pytest.mark.parametrize("code, call, found", [("CL012", "translate", ("job.py", 6)), ("CL002", "answer", ("te.py", 11))])
def test_a_caller_that_never_sets_the_constant_sends_the_long_text(project, code, call, found):
    assert found in rows(project, {"te.py": TRANSLATE, "job.py": CALLER.replace("SETTING", "pass").replace("CALL", call)}, code)


@pytest.mark.parametrize("code, call, name", [("CL012", "translate", "PROMPT_TMPL"), ("CL002", "answer", "SYSTEM")])
@pytest.mark.parametrize("setting", [
    "te.NAME = MINE",
    "setattr(te, 'NAME', MINE)",
])
def test_a_caller_that_sets_the_constant_first_does_not_send_the_long_text(project, code, call, name, setting):
    caller = f"MINE = {SHORT + ' {source}'!r}\n" + CALLER.replace("SETTING", setting.replace("NAME", name)).replace("CALL", call)
    assert rows(project, {"te.py": TRANSLATE, "job.py": caller}, code) == []


def test_a_module_imported_from_a_package_under_another_name(project):
    caller = ("from pkg import te as t\n\ndef run(chunks):\n    t.PROMPT_TMPL = 'Translate: {source}'\n"
              "    for c in chunks:\n        t.translate('claude-sonnet-4-6', c)\n")
    files = {"pkg/__init__.py": "", "pkg/te.py": TRANSLATE, "job.py": caller}
    assert rows(project, files, "CL012") == []
    assert rows(project, {**files, "job.py": caller.replace("    t.PROMPT_TMPL = 'Translate: {source}'\n", "")}, "CL012") == [("job.py", 5)]


def test_the_module_s_own_calls_still_send_what_it_writes(project):
    own = TRANSLATE + "\nif __name__ == '__main__':\n    translate('claude-sonnet-4-6', 'x')\n"
    caller = "import te\nte.PROMPT_TMPL = 'Translate: {source}'\nte.translate('claude-sonnet-4-6', 'y')\n"
    found = rows(project, {"te.py": own, "job.py": caller}, "CL012")
    assert ("te.py", 14) in found and not [f for f in found if f[0] == "job.py"]


def test_a_constant_read_from_another_module_is_one_of_the_values_set(project):
    prompts = f"SYSTEM = {LONG!r}\n"
    direct = ("import anthropic\nimport prompts\n\ndef setup():\n    prompts.SYSTEM = 'You are terse.'\n\n"
              "def ask(q):\n    return anthropic.Anthropic().messages.create(model='claude-sonnet-4-6', max_tokens=300,\n"
              "        system=prompts.SYSTEM, messages=[{'role': 'user', 'content': q}])\n")
    assert rows(project, {"prompts.py": prompts, "bot.py": direct}, "CL002") == []
    assert rows(project, {"prompts.py": prompts, "bot.py": direct.replace("prompts.SYSTEM = 'You are terse.'", "pass")}, "CL002") == [("bot.py", 9)]


def test_a_class_attribute_set_from_another_module(project):
    config = f"class Config:\n    SYSTEM = {LONG!r}\n"
    bot = ("import anthropic\nfrom config import Config\n\n"
           "def ask(q):\n    return anthropic.Anthropic().messages.create(model='claude-sonnet-4-6', max_tokens=300,\n"
           "        system=Config.SYSTEM, messages=[{'role': 'user', 'content': q}])\n")
    main = "from config import Config\nimport bot\nConfig.SYSTEM = 'You are terse.'\nbot.ask('hi')\n"
    assert rows(project, {"config.py": config, "bot.py": bot}, "CL002") == [("bot.py", 6)]
    assert rows(project, {"config.py": config, "bot.py": bot, "main.py": main}, "CL002") == []


def test_a_retired_model_set_from_outside_is_judged_as_a_value_sent(project):
    settings = "MODEL = 'claude-sonnet-4-6'\n"
    bot = ("import anthropic\nimport settings\nsettings.MODEL = 'claude-2.1'\n\n"
           "def ask(q):\n    return anthropic.Anthropic().messages.create(model=settings.MODEL, max_tokens=300,\n"
           "        messages=[{'role': 'user', 'content': q}])\n")
    assert ("bot.py", 3) in rows(project, {"settings.py": settings, "bot.py": bot}, "CL007")
