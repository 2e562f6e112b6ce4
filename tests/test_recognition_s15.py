"""Request shapes left unfixed after blind sets 2 to 5 (eval/realworld/misses-blind*.md), each
written anew: what must be recognised, and the look-alikes that must not."""
from __future__ import annotations

from conftest import line_of, prefilter_passes, report_routes


def _routes(cli, tmp_path, example) -> dict:
    """(file, line) -> (api, the line of the request it reaches: None for the request itself)."""
    return {(r["filename"], r["line"]): (r["api"], (r["via"] or {}).get("line")) for r in report_routes(cli, tmp_path, example)}


# --- P1: a Responses request on a client another module made ---------------------------------

SETTINGS = "import os\nfrom openai import OpenAI\n\nllm = OpenAI(api_key=os.environ['KEY'])\n"
ASK_PAGE = (
    "import streamlit as st\nfrom app.settings import llm\n\n\n"
    "def answer(question, model='gpt-5-mini'):\n"
    "    out = llm.responses.create(model=model, instructions='Answer in one line.', input=question)\n"
    "    return out.output_text\n\n\n"
    "if asked := st.chat_input('Ask'):\n    st.write(answer(asked))\n"
)
# Django: a related manager named `responses`, on a model class imported by name.
FEEDBACK = (
    "from polls.models import Poll\n\n\n"
    "def vote(poll_id, text):\n"
    "    return Poll.objects.get(pk=poll_id).responses.create(body=text)\n"
)
# Keywords alone, on a handed-in receiver or a local one, in a file that imports no SDK: no proof.
HANDED = (
    "from app.forms import Form\n\n\n"
    "def save(store, form: Form):\n"
    "    store.responses.create(model=form.kind, input=form.data)\n"
    "    tally = form.tally()\n"
    "    tally.responses.create(model='x', input=1)\n"
)


def test_a_responses_request_on_a_client_imported_from_another_module(cli, tmp_path):
    found = _routes(cli, tmp_path, {"app/__init__.py": "", "app/settings.py": SETTINGS, "app/ask.py": ASK_PAGE})
    request = line_of(ASK_PAGE, "llm.responses")
    assert found == {("app/ask.py", request): ("responses.create", None),
                     ("app/ask.py", line_of(ASK_PAGE, "st.write(")): ("responses.create", request)}


def test_responses_create_without_an_imported_client_stays_unrecognised(cli, tmp_path):
    found = _routes(cli, tmp_path, {"polls/__init__.py": "", "polls/feedback.py": FEEDBACK, "app/__init__.py": "", "app/save.py": HANDED})
    assert found == {}


def test_the_prefilter_lets_a_responses_request_through_by_its_own_substring():
    assert prefilter_passes(ASK_PAGE)
    assert not prefilter_passes(FEEDBACK)  # no model= / input=
    # in a comment or a docstring it is no call
    assert not prefilter_passes("# llm.responses.create(model=m, input=x)\nimport os\n")
    assert not prefilter_passes('"""llm.responses.create(model=m, input=x)"""\nimport os\n')


# --- C1: a module imported with other letter cases than its file -----------------------------

WORKERS_MODULE = (
    "import anthropic\n\n\n"
    "class Workers:\n"
    "    def __init__(self, model):\n        self.model = model\n        self.client = anthropic.Anthropic()\n\n"
    "    def ask_all(self, prompts):\n"
    "        return [self.client.messages.create(model=self.model, max_tokens=300,\n"
    "                                            messages=[{'role': 'user', 'content': p}]) for p in prompts]\n"
)
STEPS = (
    "from Workers import Workers\n\n\n"
    "class Steps:\n"
    "    def __init__(self):\n        self.workers = Workers('claude-haiku-4-5')\n\n"
    "    def label(self, rows):\n        return self.workers.ask_all(rows)\n"
)


def test_a_module_imported_with_other_letter_cases_than_its_file_is_linked(cli, tmp_path):
    found = _routes(cli, tmp_path, {"flow/workers.py": WORKERS_MODULE, "flow/Steps.py": STEPS})
    request = line_of(WORKERS_MODULE, "self.client.messages")
    assert found == {("flow/workers.py", request): ("messages.create", None),
                     ("flow/Steps.py", line_of(STEPS, "self.workers.ask_all")): ("messages.create", request)}


ASK_MODULE = (
    "from openai import OpenAI\n\nclient = OpenAI()\n\n\n"
    "def ask(text, cap=200):\n"
    "    return client.chat.completions.create(model='gpt-5-mini', max_completion_tokens=cap,\n"
    "                                          messages=[{'role': 'user', 'content': text}])\n"
)
REPORT = "import Asking\n\nfor line in open('notes.txt'):\n    print(Asking.ask(line, cap=50))\n"


def test_a_module_imported_whole_with_other_letter_cases_is_linked(cli, tmp_path):
    found = _routes(cli, tmp_path, {"asking.py": ASK_MODULE, "report.py": REPORT})
    request = line_of(ASK_MODULE, "client.chat")
    assert found == {("asking.py", request): ("chat.completions.create", None),
                     ("report.py", line_of(REPORT, "Asking.ask")): ("chat.completions.create", request)}


def test_two_files_differing_only_by_case_leave_the_import_unresolved(cli, tmp_path):
    other = WORKERS_MODULE.replace("ask_all", "ask_each")
    found = _routes(cli, tmp_path, {"flow/workers.py": WORKERS_MODULE, "flow/WORKERS.py": other, "flow/Steps.py": STEPS})
    assert {f for f, _ in found} == {"flow/workers.py", "flow/WORKERS.py"}


def test_the_wrapper_caller_byte_test_reads_import_words_with_cases_folded():
    from claude_lint.extract import prefilter_names

    wanted = {"Workers": (("workers", "flow"), ("ask_all",))}
    assert prefilter_names.names_in(STEPS.encode(), wanted) == {"Workers"}
    assert prefilter_names.names_in(STEPS.replace("from Workers", "from Drones").encode(), wanted) == set()


# --- W1: a lambda bound once to a module-level name is a wrapper of that name ----------------

NAMED_LAMBDA = (
    "import anthropic\n\nclient = anthropic.Anthropic()\nturns = []\n"
    "reply = lambda: client.messages.create(model='claude-haiku-4-5', max_tokens=500, messages=turns)\n\n"
    "while True:\n    turns.append({'role': 'user', 'content': input('> ')})\n"
    "    out = reply()\n    turns.append({'role': 'assistant', 'content': out.content})\n"
)
# bound twice: which function a call reaches depends on the run
REBOUND_LAMBDA = NAMED_LAMBDA.replace("\n\nwhile True:", "\nif turns:\n    reply = lambda: None\n\nwhile True:")
PARAMETER_LAMBDA = (
    "from typing import Callable\n\nimport anthropic\n\nclient = anthropic.Anthropic()\n"
    "label: Callable = lambda text, cap=20: client.messages.create(model='claude-haiku-4-5', max_tokens=cap,\n"
    "                                                   messages=[{'role': 'user', 'content': text}])\n\n"
    "for row in open('rows.txt'):\n    label(row, cap=5)\n"
)


def test_a_lambda_bound_once_to_a_module_level_name_is_a_wrapper(cli, tmp_path):
    found = _routes(cli, tmp_path, {"chat.py": NAMED_LAMBDA, "rows.py": PARAMETER_LAMBDA})
    request, labelled = line_of(NAMED_LAMBDA, "reply = lambda"), line_of(PARAMETER_LAMBDA, "label: Callable")
    assert found == {("chat.py", request): ("messages.create", None),
                     ("chat.py", line_of(NAMED_LAMBDA, "out = reply()")): ("messages.create", request),
                     ("rows.py", labelled): ("messages.create", None),
                     ("rows.py", line_of(PARAMETER_LAMBDA, "label(row")): ("messages.create", labelled)}


def test_a_lambda_rebound_or_never_named_is_no_wrapper(cli, tmp_path):
    inline = "import anthropic\n\nclient = anthropic.Anthropic()\nrows = sorted(open('r.txt'), key=lambda r: len(r))\n"
    found = _routes(cli, tmp_path, {"chat.py": REBOUND_LAMBDA, "sort.py": inline})
    assert found == {("chat.py", line_of(REBOUND_LAMBDA, "reply = lambda: client")): ("messages.create", None)}


def test_a_named_lambda_becomes_a_def_in_its_place_and_a_rebound_one_stays():
    import ast

    from claude_lint.extract import named_lambdas

    tree = named_lambdas.as_defs(ast.parse(PARAMETER_LAMBDA), PARAMETER_LAMBDA)
    made = next(s for s in tree.body if isinstance(s, ast.FunctionDef))
    assert (made.name, [a.arg for a in made.args.args], made.lineno) == ("label", ["text", "cap"], line_of(PARAMETER_LAMBDA, "label: Callable"))
    assert ast.unparse(ast.parse(REBOUND_LAMBDA)) == ast.unparse(named_lambdas.as_defs(ast.parse(REBOUND_LAMBDA), REBOUND_LAMBDA))
