"""Prompt files (.prompty, Dotprompt .prompt) and prompt text referenced from code
(package resources, Jinja templates)."""
from __future__ import annotations

import shutil

from claude_lint.checks.examples import dotprompt, prompty
from claude_lint.checks.system_cache import LONG_SYSTEM

from conftest import FIXTURES, lint_tree, write_project

INPUTS = FIXTURES / "inputs"


def found(result):
    return [(d.code, d.loc.path, d.loc.row, d.loc.col) for d in result.diagnostics]


def test_prompty_limit_is_reported_at_the_value(project):
    result = project({"prompts/triage.prompty": prompty("gpt-5.4", 8192)})
    assert found(result) == [("CL001", "prompts/triage.prompty", 10, 17)]  # `    max_tokens: 8192`
    assert "max_tokens=8192" in result.diagnostics[0].message and "gpt-5.4" in result.diagnostics[0].message


def test_prompty_fixture_positions(tmp_path):
    shutil.copytree(INPUTS / "mixed" / "prompts", tmp_path / "prompts")
    write_project(tmp_path, {})
    result = lint_tree(tmp_path, select=("CL001",))
    assert found(result) == [
        ("CL001", "prompts/summarize.prompt", 5, 20),  # `  maxOutputTokens: 32000`
        ("CL001", "prompts/triage.prompty", 14, 17),  # `    max_tokens: 8192`
    ]


def test_prompty_2_model_id_and_options(project):
    text = "---\nname: Classify\nmodel:\n  id: claude-opus-4-6\n  provider: anthropic\n  options:\n    maxOutputTokens: 20000\n---\nClassify {{input}}.\n"
    result = project({"classify.prompty": text})
    assert found(result) == [("CL001", "classify.prompty", 7, 22)]
    assert "claude-opus-4-6" in result.diagnostics[0].message


def test_prompt_files_count_as_call_sites_for_single_model(project, tmp_path):
    # CL003 names a light task (a yes/no prompt) on a top-tier model only where no call, a prompt file's included, uses a cheaper tier
    light = 'import anthropic\nanthropic.Anthropic().messages.create(model="claude-opus-4-6", max_tokens=300, system="Answer only with yes or no.", messages=[])\n'
    result = project({
        "app.py": light,
        "a.prompt": dotprompt("vertexai/claude-opus-4-6", 300),
        "b.prompty": "---\nmodel: claude-opus-4-6\n---\nsystem:\nAnswer briefly.\n",
    }, select=("CL003",))
    assert found(result) == [("CL003", "app.py", 2, 45)]
    assert "no call in the project uses a cheaper tier" in result.diagnostics[0].message
    for i, cheaper in enumerate(({"a.prompt": dotprompt("vertexai/claude-haiku-4-5", 300)}, {"b.prompty": "---\nmodel: claude-haiku-4-5\n---\nsystem:\nAnswer briefly.\n"})):
        write_project(tmp_path / str(i), {"app.py": light, **cheaper})
        assert found(lint_tree(tmp_path / str(i), select=("CL003",))) == [], cheaper


def test_model_from_the_environment_keeps_single_model_silent(project):
    text = prompty("${env:AZURE_DEPLOYMENT}", 300)
    result = project({"a.prompt": dotprompt("vertexai/claude-opus-4-6", 300), "b.prompt": dotprompt("vertexai/claude-opus-4-6", 300), "c.prompty": text})
    assert found(result) == []


def test_plain_prompt_files_and_missing_models_are_silent(project):
    result = project({
        "plain.prompt": "Summarise this ticket:\n{{ticket}}\n",
        "nomodel.prompt": "---\ninput:\n  schema:\n    ticket: string\n---\n{{ticket}}\n",
        "a.prompt": dotprompt("vertexai/claude-opus-4-6", 300),
        # plain text that opens with a horizontal rule: not front matter
        "rule.prompt": "---\nYou are a helpful assistant. Be brief.\n---\nAnswer: {{question}}\n",
    })
    assert found(result) == []  # the app's default model runs nomodel.prompt: it may be the router


def test_broken_front_matter_is_one_diagnostic_at_its_position(project):
    result = project({
        "open.prompt": "---\nmodel: googleai/gemini-2.5-flash\n",
        "bad.prompty": "---\nname: x\nmodel:\n  parameters: {max_tokens: 300\n---\nsystem:\nhi\n",
        "list.prompty": "---\n- a\n- b\n---\nhi\n",
    })
    assert sorted(found(result)) == [("CL903", "bad.prompty", 5, 1), ("CL903", "list.prompty", 2, 1), ("CL903", "open.prompt", 1, 1)]
    assert {d.message.split(":")[0] for d in result.diagnostics} == {
        "front matter opened with `---` on line 1 is never closed",
        "invalid front matter",
        "front matter is not a mapping of keys",
    }


# --- prompt text referenced from code ---------------------------------------------------

CALL = 'anthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=300, system={}, messages=[])\n'


def test_importlib_resources_forms(project):
    result = project({
        "bot/__init__.py": "",
        "bot/prompts/support.txt": LONG_SYSTEM,
        "bot/app.py": "import anthropic\nimport importlib.resources\nfrom importlib.resources import files\n\n"
        'A = (files("bot") / "prompts" / "support.txt").read_text()\n'
        'B = importlib.resources.files(__package__).joinpath("prompts", "support.txt").read_text(encoding="utf-8")\n'
        'C = importlib.resources.read_text("bot.prompts", "support.txt")\n'
        + "".join(CALL.format(v) for v in "ABC"),
    }, select=("CL002",))
    assert [d.loc.row for d in result.diagnostics] == [8, 9, 10]  # reported at each call's `system=`


def test_jinja_templates_count_literal_text_and_keep_expressions_dynamic(project):
    template = "{# persona #}You are {{ persona }}.\n" + LONG_SYSTEM + "{% for rule in rules %}- {{ rule }}\n{% endfor %}"
    result = project({
        "app/templates/support.j2": template,
        "app/__init__.py": "",
        "app/bot.py": "import anthropic\nimport jinja2\nfrom pathlib import Path\n\n"
        'fs = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"))\n'
        'pkg = jinja2.Environment(loader=jinja2.PackageLoader("app", "templates"))\n'
        'A = fs.get_template("support.j2").render(persona="Ann", rules=[])\n'
        'B = pkg.get_template("support.j2").render(persona="Ann", rules=[])\n'
        'C = jinja2.Template((Path(__file__).parent / "templates" / "support.j2").read_text()).render(persona="Ann")\n'
        + "".join(CALL.format(v) for v in "ABC"),
    }, select=("CL002",))
    assert [d.loc.row for d in result.diagnostics] == [10, 11, 12]  # reported at each call's `system=`


def test_prompt_files_outside_the_project_root_are_never_read(tmp_path):
    outside = tmp_path / "shared-prompts"
    outside.mkdir()
    (outside / "support.txt").write_text(LONG_SYSTEM)
    (outside / "support.j2").write_text(LONG_SYSTEM)
    project = tmp_path / "project"
    write_project(project, {
        "bot.py": "import anthropic\nfrom pathlib import Path\nfrom jinja2 import Environment, FileSystemLoader\n\n"
        'A = Path("../shared-prompts/support.txt").read_text()\n'
        'B = Environment(loader=FileSystemLoader("../shared-prompts")).get_template("support.j2").render()\n'
        + "".join(CALL.format(v) for v in "AB"),
    })
    assert lint_tree(project, select=("CL002",)).diagnostics == []
