"""Request shapes the eleventh blind set missed (eval/realworld/misses-blind11.md), each
written anew: what must be recognised, and the look-alikes that must not."""
from __future__ import annotations

from conftest import line_of, report_routes, routes_by_place


# --- a method asking a copy of its object (`self.clone()`, `self.__class__(...)`) ----------------

BOT = (
    "from anthropic import Anthropic\n\n\n"
    "class Bot:\n"
    "    def __init__(self, model, messages=None):\n"
    "        self.model = model\n"
    "        self.messages = list(messages or [])\n"
    "        self.client = Anthropic()\n\n"
    "    def chat(self, text):\n"
    "        self.messages.append({'role': 'user', 'content': text})\n"
    "        answer = self.client.messages.create(model=self.model, max_tokens=512, messages=self.messages)\n"
    "        self.messages.append({'role': 'assistant', 'content': answer.content[0].text})\n"
    "        return answer.content[0].text\n\n"
    "    def clone(self):\n"
    "        return self.__class__(self.model, self.messages)\n\n"
    "    def confidence(self):\n"
    "        checker = self.clone()\n"
    "        return checker.chat('How sure are you, from 0 to 100%?')\n\n"
    "    def as_list(self):\n"
    "        return type(self)(self.model, self.messages).chat('Your answer as a numbered list, please.')\n\n"
    "    def transcript(self):\n"
    "        copy = self.clone()\n"
    "        return copy.messages\n\n\n"
    "class Notes:\n"
    "    def __init__(self):\n"
    "        self.lines = []\n\n"
    "    def chat(self, text):\n"
    "        self.lines.append(text)\n\n"
    "    def copy(self):\n"
    "        return self.__class__()\n\n"
    "    def remark(self):\n"
    "        return self.copy().chat('noted')\n\n\n"
    "def main():\n"
    "    bot = Bot('claude-sonnet-4-6')\n"
    "    bot.chat('What is 2 + 2?')\n"
    "    print(bot.confidence(), bot.as_list(), bot.transcript(), Notes().remark())\n"
)


def test_a_copy_of_the_object_asked_in_its_own_method_is_a_request_of_that_method(cli, tmp_path):
    """`checker = self.clone()` (a method returning `self.__class__(...)`), then
    `checker.chat(...)`: the copy is of the object's own class, so its `chat` is the request,
    and the method asking it is a wrapper whose calls are requests, though it hands on no
    parameter (the object's state is the caller's, as `self.client` is); `type(self)(...)` too."""
    found = routes_by_place(cli, tmp_path, {"bot.py": BOT})
    create = line_of(BOT, "messages.create(")
    assert found[("bot.py", line_of(BOT, "checker.chat("))][:2] == ("messages.create", create)
    assert found[("bot.py", line_of(BOT, "type(self)(self.model"))][:2] == ("messages.create", create)
    calls = line_of(BOT, "print(bot.confidence()")
    assert ("bot.py", calls) in found, found


def test_a_copy_of_an_object_making_no_request_is_none(cli, tmp_path):
    """`transcript()` clones without asking anything; `Notes.copy()` is `self.__class__()` of a
    class whose `chat` only notes a line: neither is a request."""
    routes = report_routes(cli, tmp_path, {"bot.py": BOT})
    rows = {r["line"] for r in routes}
    assert line_of(BOT, "copy = self.clone()") not in rows
    assert line_of(BOT, "return self.copy().chat('noted')") not in rows
    calls = [r for r in routes if r["line"] == line_of(BOT, "print(bot.confidence()")]
    assert len(calls) == 2, calls  # confidence() and as_list(), not transcript() nor remark()


# --- a parameter annotated with a generic class of the project (`Evaluation[int]`) --------------

EVALUATION = (
    "from typing import Generic, Optional, TypeVar\n\n"
    "from bot import Bot\n\n"
    "T = TypeVar('T')\n\n\n"
    "class Evaluation(Generic[T]):\n"
    "    def __init__(self, bot: Bot, problem: T):\n"
    "        self.bot = bot\n"
    "        self.problem = problem\n\n"
    "    def parse(self, kind):\n"
    "        return kind(self.bot.chat('Just the answer, please.'))\n\n\n"
    "class Pool(Generic[T]):\n"
    "    def __init__(self):\n"
    "        self.seen = []\n\n"
    "    def chat(self, text):\n"
    "        self.seen.append(text)\n"
)
TASKS = (
    "from typing import Optional\n\n"
    "from bot import Bot\n"
    "from evaluation import Evaluation, Pool\n\n\n"
    "def run_sum(evaluation: Evaluation[tuple]):\n"
    "    return evaluation.parse(int)\n\n\n"
    "def ask_maybe(bot: Optional[Bot]):\n"
    "    return bot.chat('Hello?')\n\n\n"
    "def note(pool: Pool[Bot]):\n"
    "    pool.chat('Hello?')\n"
)


def test_a_parameter_of_a_generic_class_is_an_instance_of_that_class(cli, tmp_path):
    """`evaluation: Evaluation[tuple]` is an Evaluation, whose `parse` asks the bot: a request.
    `Optional[Bot]` still reads as a Bot."""
    example = {"bot.py": BOT, "evaluation.py": EVALUATION, "tasks.py": TASKS}
    found = routes_by_place(cli, tmp_path, example)
    create = line_of(BOT, "messages.create(")
    assert found[("tasks.py", line_of(TASKS, "evaluation.parse(int)"))][:2] == ("messages.create", create)
    assert found[("tasks.py", line_of(TASKS, "bot.chat('Hello?')"))][:2] == ("messages.create", create)


def test_a_generic_class_is_not_its_type_parameter(cli, tmp_path):
    """`pool: Pool[Bot]` is a Pool, whose `chat` makes no request: no longer read as a Bot."""
    example = {"bot.py": BOT, "evaluation.py": EVALUATION, "tasks.py": TASKS}
    rows = {(r["filename"], r["line"]) for r in report_routes(cli, tmp_path, example)}
    assert ("tasks.py", line_of(TASKS, "pool.chat(")) not in rows


# --- Vertex AI's Gemini batch jobs ---------------------------------------------------------------

VERTEX_BATCH = (
    "import vertexai\n"
    "from vertexai.batch_prediction import BatchPredictionJob\n"
    "from vertexai.preview.batch_prediction import BatchPredictionJob as PreviewJob\n"
    "from concurrent.futures import ThreadPoolExecutor\n\n"
    "vertexai.init(project='proj', location='us-central1')\n"
    "job = BatchPredictionJob.submit(\n"
    "    'gemini-2.0-flash-001',\n"
    "    input_dataset='bq://proj.data.requests',\n"
    "    output_uri_prefix='bq://proj.data',\n"
    ")\n"
    "old = PreviewJob.submit(source_model='gemini-1.5-pro-002', input_dataset='gs://b/in.jsonl')\n"
    "job.refresh()\n"
    "again = BatchPredictionJob('projects/proj/locations/us-central1/batchPredictionJobs/123')\n"
    "with ThreadPoolExecutor() as pool:\n"
    "    pool.submit(print, 'no request')\n"
)


def test_a_vertex_batch_prediction_job_is_a_batch_request(cli, tmp_path):
    """`BatchPredictionJob.submit(model, input_dataset=...)` (vertexai, and its preview module)
    submits a Gemini batch job: a request with its model, by position or `source_model=`."""
    found = routes_by_place(cli, tmp_path, {"batch.py": VERTEX_BATCH})
    assert found[("batch.py", line_of(VERTEX_BATCH, "job = BatchPredictionJob.submit("))] == ("BatchPredictionJob.submit", None, "gemini-2.0-flash-001")
    assert found[("batch.py", line_of(VERTEX_BATCH, "old = PreviewJob.submit("))] == ("BatchPredictionJob.submit", None, "gemini-1.5-pro-002")


def test_reading_a_vertex_batch_job_or_submitting_to_a_pool_is_no_request(cli, tmp_path):
    rows = {r["line"] for r in report_routes(cli, tmp_path, {"batch.py": VERTEX_BATCH})}
    for needle in ("job.refresh()", "again = BatchPredictionJob(", "pool.submit("):
        assert line_of(VERTEX_BATCH, needle) not in rows, needle


# --- a base's template method run for a subclass whose override is no request -------------------

TEMPLATE = {
    "bots/__init__.py": "",
    "bots/base.py": (
        "class Chatbot:\n"
        "    def __init__(self, model):\n"
        "        self.model = model\n"
        "        self.messages = []\n\n"
        "    def new_client(self):\n"
        "        raise NotImplementedError()\n\n"
        "    def complete(self):\n"
        "        raise NotImplementedError()\n\n"
        "    def chat(self, message):\n"
        "        self.messages.append({'role': 'user', 'content': message})\n"
        "        return self.complete()\n"
    ),
    "bots/claude.py": (
        "import anthropic\nfrom bots.base import Chatbot\n\n\n"
        "class Claude(Chatbot):\n"
        "    def complete(self):\n"
        "        return anthropic.Anthropic().messages.create(model=self.model, max_tokens=512, messages=self.messages).content[0].text\n"
    ),
    "bots/local.py": (
        "from bots.base import Chatbot\n\n\n"
        "class Local(Chatbot):\n"
        "    def complete(self):\n"
        "        import ollama\n\n"
        "        client = ollama\n"
        "        return client.chat(model=self.model, messages=self.messages)['message']['content']\n"
    ),
    "use.py": (
        "from bots.claude import Claude\nfrom bots.local import Local\n\n\n"
        "def on_claude():\n    return Claude('claude-haiku-4-5').chat('Hello')\n\n\n"
        "def on_ollama():\n    bot = Local('llama3')\n    return bot.chat('Hello')\n"
    ),
}


def test_an_instance_runs_its_own_classes_override_not_every_subclasses(cli, tmp_path):
    """`Local('llama3').chat(...)`: the base's `chat` calls `self.complete()`, which `Local`
    overrides with its local Ollama request (seen: a bot class dispatching to an Ollama subclass):
    the call reaches that override, not the Claude subclass's billed request. The Claude
    instance's does."""
    found = {(r["filename"], r["line"]): (r["api"], r["billed"]) for r in report_routes(cli, tmp_path, TEMPLATE) if r["filename"] == "use.py"}
    assert found == {("use.py", line_of(TEMPLATE["use.py"], "Claude('claude-haiku-4-5')")): ("messages.create", True),
                     ("use.py", line_of(TEMPLATE["use.py"], "bot.chat('Hello')")): ("chat", False)}


# --- an attribute of another module's class, the generic base it overrides, `type[X]` called -----

HOLDER = {
    "evals/__init__.py": "",
    "evals/bots.py": (
        "from anthropic import Anthropic\n\n\n"
        "class Chatbot:\n"
        "    def __init__(self, model):\n"
        "        self.model = model\n"
        "        self.client = Anthropic()\n\n"
        "    def chat(self, text):\n"
        "        answer = self.client.messages.create(model=self.model, max_tokens=512, messages=[{'role': 'user', 'content': text}])\n"
        "        return answer.content[0].text\n\n\n"
        "class Journal:\n"
        "    def __init__(self):\n"
        "        self.lines = []\n\n"
        "    def chat(self, text):\n"
        "        self.lines.append(text)\n"
    ),
    "evals/base.py": (
        "from dataclasses import dataclass\nfrom typing import Generic, TypeVar\n\n"
        "from evals.bots import Chatbot, Journal\n\n"
        "P = TypeVar('P')\n\n\n"
        "class Trial(Generic[P]):\n"
        "    def __init__(self, chatbot: Chatbot, journal: Journal, problem: P):\n"
        "        self.chatbot = chatbot\n"
        "        self.journal = journal\n"
        "        self.problem = problem\n\n"
        "    def confirm(self):\n"
        "        return self.chatbot.chat('Are you sure?')\n\n\n"
        "@dataclass\n"
        "class Setup:\n"
        "    bot: Chatbot\n"
        "    journal: Journal\n\n"
        "    def greet(self):\n"
        "        return self.bot.chat('Hello')\n\n\n"
        "class Evaluation(Generic[P]):\n"
        "    def run_one(self, trial: Trial[P]) -> None:\n"
        "        raise NotImplementedError()\n\n"
        "    def run(self, chatbot: Chatbot, problems):\n"
        "        def one(problem):\n"
        "            self.run_one(Trial(chatbot, Journal(), problem))\n"
        "        return [one(p) for p in problems]\n"
    ),
    "evals/sums.py": (
        "from evals.base import Evaluation, Setup, Trial\n\n\n"
        "class Sums(Evaluation[tuple]):\n"
        "    def run_one(self, trial: Trial[tuple]) -> None:\n"
        "        m, n = trial.problem\n"
        "        trial.chatbot.chat(f'What is {m} + {n}?')\n"
        "        trial.journal.chat(f'asked {m} + {n}')\n\n\n"
        "def hello(setup: Setup, name):\n"
        "    setup.bot.chat(f'Hello, {name}')\n"
        "    setup.journal.chat(name)\n"
    ),
    "run_all.py": (
        "from evals.base import Evaluation\nfrom evals.bots import Chatbot\n\n\n"
        "def run_kind(kind: type[Evaluation], model):\n"
        "    ev = kind()\n"
        "    return ev.run(Chatbot(model), [(1, 2)])\n\n\n"
        "def run_plain(kind, model):\n"
        "    ev = kind()\n"
        "    return ev.run(Chatbot(model), [(1, 2)])\n"
    ),
}


def test_an_attribute_kept_by_another_modules_class_is_an_instance_of_its_class(cli, tmp_path):
    """`trial.chatbot.chat(...)` where `trial: Trial` is another module's class keeping
    `self.chatbot = chatbot` (`chatbot: Chatbot`), or a dataclass's field `bot: Chatbot`: the
    kept object's `chat` is the request. The override of a generic base's method
    (`Sums(Evaluation[tuple])`) is then reached by the base's template method, and a
    parameter annotated `type[Evaluation]`, called, is an Evaluation whose `run` reaches it."""
    found = routes_by_place(cli, tmp_path, HOLDER)
    bots, sums, base, run_all = HOLDER["evals/bots.py"], HOLDER["evals/sums.py"], HOLDER["evals/base.py"], HOLDER["run_all.py"]
    create = line_of(bots, "messages.create(")
    assert found[("evals/sums.py", line_of(sums, "trial.chatbot.chat("))][:2] == ("messages.create", create)
    assert found[("evals/sums.py", line_of(sums, "setup.bot.chat("))][:2] == ("messages.create", create)
    assert found[("evals/base.py", line_of(base, "self.run_one(Trial("))][0] == "messages.create"
    assert found[("run_all.py", line_of(run_all, "return ev.run(Chatbot(model), [(1, 2)])"))][0] == "messages.create"


def test_an_attribute_of_a_class_making_no_request_is_none(cli, tmp_path):
    """The look-alikes: `trial.journal.chat(...)` and `setup.journal.chat(...)`, kept objects of
    a class whose `chat` only appends; and `kind()` of an unannotated parameter, whose class
    nothing says."""
    rows = {(r["filename"], r["line"]) for r in report_routes(cli, tmp_path, HOLDER)}
    sums, run_all = HOLDER["evals/sums.py"], HOLDER["run_all.py"]
    assert ("evals/sums.py", line_of(sums, "trial.journal.chat(")) not in rows
    assert ("evals/sums.py", line_of(sums, "setup.journal.chat(")) not in rows
    assert ("run_all.py", len(run_all.splitlines())) not in rows
