from __future__ import annotations

from dataclasses import dataclass
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Iterator, Optional

from claude_lint.catalog import Model, normalise
from claude_lint.checks import evidence as ev
from claude_lint.checks.base import Context, Invalid, Rule, money, per_mtok, tokens
from claude_lint.cost import output_usd
from claude_lint.diagnostics import Diagnostic
from claude_lint.estimate import MAX_PRICED_TOKENS
from claude_lint.extract import sdk
from claude_lint.facts import Lit, Mapping
from claude_lint.link import Call


A_HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"


class OversizedMaxTokens(Rule):
    """## What it does
    Flags an output limit (`max_tokens`, `max_completion_tokens`) that the call's own
    code proves far too large:

    - the limit is above the model's maximum output: the API rejects the request. A
      family ID (`claude-3-5-sonnet`) is judged against the largest maximum of the
      snapshots it may name, an ID the catalogue lacks (`claude-2`) against the largest
      of its provider's models: above that, no model of them accepts it;
    - the answer is short by the evidence of the call and the limit is several times
      what that answer needs: the answer is parsed with `int()`/`float()`/`bool()`,
      compared with a label (`answer == "yes"`, `answer in ("A", "B")`), parsed whole as
      JSON or YAML; a tool call is forced (`tool_choice`) whose schema is a few short
      fields; or the prompt asks for a short answer ("answer yes or no", "one word",
      "in one sentence", "classify ... into", "return only the label");
    - the limit is the model's maximum output (it guards nothing) and the answer is
      known not to be a document: short as above, or a call of one named tool (forced,
      or the prompt asks for it: "Use the print_summary tool"), a structured object.

    A limit at the model's maximum is not by itself a finding: code generators, file
    rewriters and open-ended agents set it on purpose, and the call rarely says so where
    the limit is written (a chat-model object, a prompt built elsewhere).
    The whole answer parsed as JSON or YAML counts as a small object (about 256 tokens);
    a JSON object found inside a longer answer (a regex match, a split) does not, nor
    does a check of a field beside the text (`stop_reason`, a block's `type`).
    It stays silent where the answer is long by nature or unknown: a prompt that asks
    for code, files, a rewrite, a transcription or a translation, an answer written to
    a file, or no evidence at all.
    The message names the keyword as written (`max_output_tokens`, `max_tokens_to_sample`),
    the evidence, the worst case (every answer running to the limit) next to what an
    answer of the evidenced size costs, and proposes a limit derived from the evidence
    (twice what the answer needs, rounded up); above the maximum with no evidence, the
    maximum itself.

    ## Why is this bad?
    Output tokens cost about five times as much as input tokens, and `max_tokens` is the
    worst case you agree to pay on every call: a runaway answer (a label that rambles,
    a model that loops) is billed up to that limit. Where the code only ever reads a
    number or a label, a limit near that size costs nothing and caps the worst case.
    The value is followed to where it comes from: a constant, another module, a
    `**params` dict, or a wrapper function's default.

    When extended thinking is on, the thinking budget is added to what the answer needs,
    because `max_tokens` must exceed `budget_tokens`.

    ## Example
    ```python
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=4096, messages=msgs)
    score = int(reply.content[0].text)
    ```

    ## Use instead
    ```python
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=32, messages=msgs)
    score = int(reply.content[0].text)
    ```

    ## Fix safety
    `--unsafe-fixes` lowers the integer to the proposed limit where it is written: at the
    call, or in the same file's constant, `**params` dict or wrapper default (so every call
    sharing it changes too). Unsafe: a shorter limit can truncate answers. No fix for a
    value written in another file, nor with extended thinking on. See docs/fixes.md.

    ## Options
    - `mode` (str, "evidence"): "threshold" restores the fixed review threshold: every
      limit at or above `warn-at` is reported, whatever the call does with its answer.
    - `warn-at` (int, 4096): the smallest `max_tokens` reported in "threshold" mode.
    - `suggested` (int, 1024): the limit proposed in "threshold" mode.
    - `factor` (int, 8): how many times what the evidenced answer needs a limit must be
      to be reported.
    """

    code = "CL001"
    name = "max-tokens-oversized"
    summary = "max_tokens far above what a call needs"
    options = {"mode": "evidence", "warn-at": 4096, "suggested": 1024, "factor": 8}
    option_choices = {"mode": ("evidence", "threshold")}
    preview = True
    preview_reason = ("Measured on real code (eval/realworld, the 172 labelled repositories, main and held out, and the "
                      "186 precision samples; 2026-12-03): precision 0.55 (12 of 22 findings right: 10 of 10 on the "
                      "main set, 2 of 12 held out), recall 0.19 (15 of 81 fire labels). Below 0.90.")

    @staticmethod
    def examples():
        from claude_lint.checks import examples as ex

        fires = [
            # the answer is parsed as a number
            Invalid(A_HEAD + 'r = client.messages.create(model="claude-sonnet-4-6", max_tokens=4096, messages=[])\n'
                    "score = int(r.content[0].text.strip())\n", row=3,
                    message="max_tokens=4096 but the answer is parsed with int() (line 4): that answer needs about 16 tokens; worst case, "
                            "if every answer runs to the limit, $0.06 of output per call ($61.44 per 1,000 calls) on claude-sonnet-4-6 at $15/MTok, "
                            "against about $0.0002 for an answer of that size. Set max_tokens=32, room for that answer.",
                    expected_replacement=A_HEAD + 'r = client.messages.create(model="claude-sonnet-4-6", max_tokens=32, messages=[])\n'
                    "score = int(r.content[0].text.strip())\n"),
            # compared with a label, through a wrapper's default
            "from anthropic import Anthropic\nclient = Anthropic()\n\ndef is_spam(q, max_tokens=16000):\n"
            '    r = client.messages.create(model="claude-sonnet-4-6", max_tokens=max_tokens, messages=[{"role": "user", "content": q}])\n'
            '    return r.content[0].text.strip().lower() == "yes"\n',
            # the prompt asks for a short answer; the limit comes from another module through a **params dict
            Invalid({
                "settings.py": "MAX_OUTPUT = 2000\n",
                "app.py": "import anthropic\nfrom settings import MAX_OUTPUT\n\nPARAMS = {\"model\": \"claude-opus-4-6\", \"max_tokens\": MAX_OUTPUT}\n"
                "client = anthropic.Anthropic()\nclient.messages.create(**PARAMS, system=\"Answer only with yes or no.\", messages=[])\n",
            }, path="app.py", row=4, message='max_tokens=2000 (from settings.py:1) but the prompt asks for a short answer ("Answer only with yes or no.")'),
            # the whole answer parsed as JSON, 16 times what a small object needs
            "import json\nfrom openai import OpenAI\nr = OpenAI().chat.completions.create(model=\"gpt-4o\", max_tokens=4096, messages=[])\n"
            "verdict = json.loads(r.choices[0].message.content.strip())\n",
            # parsed as JSON after a rebinding on one branch only: the other path parses the answer itself
            A_HEAD + 'r = client.messages.create(model="claude-sonnet-4-6", max_tokens=4096, messages=[])\n'
            "text = r.content[0].text.strip()\nif isinstance(text, list):\n    text = ' '.join(str(t) for t in text)\n"
            "import json\ndecision = json.loads(text)\n",
            # a forced tool call whose schema is one enum and one number
            Invalid(A_HEAD + 'client.messages.create(model="claude-sonnet-4-6", max_tokens=4096, messages=[],\n'
                    '    tools=[{"name": "grade", "input_schema": {"type": "object", "properties": {"grade": {"type": "string", "enum": ["A", "B", "C"]},'
                    ' "confidence": {"type": "number"}}}}],\n    tool_choice={"type": "tool", "name": "grade"})\n', row=3,
                    message="the answer is a call of the tool 'grade' (forced by tool_choice), whose schema is 2 short fields: that answer needs about 256 tokens"),
            # at the model's maximum, the prompt asks for one named tool: a structured object, not a document
            Invalid(A_HEAD + 'TOOLS = [{"name": "print_summary", "input_schema": {"type": "object", "properties": {"summary": {"type": "string"}, '
                    '"topics": {"type": "array", "items": {"type": "string"}}}}}]\n'
                    'r = client.messages.create(model="claude-3-haiku-20240307", max_tokens=4096, tools=TOOLS,\n'
                    '    messages=[{"role": "user", "content": f"<article>{article}</article>\\n\\nUse the `print_summary` tool."}])\n', row=4,
                    message="max_tokens=4096 is claude-3-haiku-20240307's maximum output, so the limit guards nothing, and the answer is a call of the "
                            "tool 'print_summary' (the prompt asks for it): a structured object, not a document; worst case, if every answer runs to the limit, "
                            "$0.0051 of output per call ($5.12 per 1,000 calls) on claude-3-haiku-20240307 at $1.25/MTok, against about $0.0006 for an "
                            "answer of that size. Set max_tokens=1024, room for that answer."),
            # the newest snapshot of a family, above the largest maximum of its snapshots
            'import anthropic\nanthropic.Anthropic().messages.create(model="claude-3-5-sonnet-latest", max_tokens=16384, messages=[])\n',
            # a forced small tool call at the maximum of an old model
            A_HEAD + 'client.messages.create(model="claude-3-haiku-20240307", max_tokens=4096, messages=[],\n'
            '    tools=[{"name": "sentiment", "input_schema": {"type": "object", "properties": {"positive": {"type": "number"}, "negative": {"type": "number"}}}}],\n'
            '    tool_choice={"type": "tool", "name": "sentiment"})\n',
            # above the model's maximum: the API rejects it, whatever the answer
            Invalid('import anthropic\nanthropic.Anthropic().messages.create(model="claude-3-5-sonnet-20240620", max_tokens=8192, messages=[])\n', row=2,
                    message="max_tokens=8192 is above claude-3-5-sonnet-20240620's maximum output of 4,096, so the API rejects it; worst case",
                    expected_replacement='import anthropic\nanthropic.Anthropic().messages.create(model="claude-3-5-sonnet-20240620", max_tokens=4096, messages=[])\n'),
            # a family ID (every dated snapshot it may name): above the largest of their maxima
            Invalid('import litellm\nlitellm.completion(model="anthropic/claude-3-5-sonnet", max_tokens=16384, messages=[])\n', row=2,
                    message="max_tokens=16384 is above every anthropic/claude-3-5-sonnet model's maximum output of 8,192"),
            # an ID the catalogue lacks, above what any model of its provider accepts; the keyword as written
            Invalid('import anthropic\nanthropic.Anthropic().completions.create(model="claude-2", max_tokens_to_sample=1_000_000, prompt=p)\n', row=2,
                    message="max_tokens_to_sample=1000000 is above every anthropic model's maximum output of 128,000 (claude-2 is not in the catalogue)"),
            # Google's keyword, inside the config object, named as written
            Invalid('from google import genai\nfrom google.genai import types\nr = genai.Client().models.generate_content(model="gemini-2.5-flash", contents=q,\n'
                    '    config=types.GenerateContentConfig(max_output_tokens=8192))\nlabel = r.text.strip() == "SPAM"\n', row=4,
                    message="max_output_tokens=8192 but the answer is compared with 'SPAM'"),
        ]
        silent = [
            A_HEAD + 'r = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])\n'
            "score = int(r.content[0].text)\n",
            # at the model's maximum with nothing known of the answer: a limit is no evidence of anything
            'import anthropic\nanthropic.AsyncAnthropic().messages.create(model="claude-haiku-4-5", max_tokens=64000, messages=[])\n',
            # a chat-model object at its model's maximum: what its calls answer is not known here (a code generator's)
            'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="gpt-4-turbo", max_tokens=4096, streaming=True)\n',
            # an orchestrator's open-ended sub-task at the maximum, continued when it is cut short
            A_HEAD + 'r = client.messages.create(model="claude-3-5-sonnet-20240620", max_tokens=4096,\n'
            '    messages=[{"role": "user", "content": f"Break the objective into the next sub-task and write a detailed prompt for it: {objective}"}])\n'
            "text = r.content[0].text\nif r.usage.output_tokens >= 4000:\n    text += more(text)\n",
            # a tool offered, not asked for: the answer may be text of any length
            A_HEAD + 'TOOLS = [{"name": "search", "input_schema": {"type": "object", "properties": {"q": {"type": "string"}}}}]\n'
            'client.messages.create(model="claude-3-haiku-20240307", max_tokens=4096, tools=TOOLS, messages=[],\n'
            '    system="Answer the question. You may use the search tool when you need facts.")\n',
            # tools offered to an agent, none asked for: the answer may be text of any length
            A_HEAD + 'TOOLS = [{"name": "search", "input_schema": {"type": "object", "properties": {"q": {"type": "string"}}}}]\n'
            'client.messages.create(model="claude-3-haiku-20240307", max_tokens=4096, tools=TOOLS, messages=[{"role": "user", "content": question}])\n',
            # the model's maximum for a document translation: long by nature
            'import anthropic\nanthropic.Anthropic().messages.create(model="claude-3-5-sonnet-20240620", max_tokens=4096,\n'
            '    system="Translate the whole document into French.", messages=[])\n',
            # no evidence of the answer's size: a large limit is not by itself a finding
            A_HEAD + 'client.messages.create(model="claude-sonnet-4-6", max_tokens=8192, messages=[])\n',
            # code generation: the model's maximum is intended
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4-turbo", max_tokens=4096,\n'
            '    messages=[{"role": "system", "content": "You are a senior engineer. Write the code for every file the user asks for."}])\n',
            # the answer is a file: long by nature, even with a JSON step elsewhere
            A_HEAD + 'r = client.messages.create(model="claude-sonnet-4-6", max_tokens=64000, messages=[])\n'
            'with open("out.md", "w") as f:\n    f.write(r.content[0].text)\n',
            # a parsed JSON answer needs room (a small object, about 256 tokens): 1,024 is not far above
            "import json\nfrom openai import OpenAI\nr = OpenAI().chat.completions.create(model=\"gpt-4o\", max_tokens=1024, messages=[])\n"
            "plan = json.loads(r.choices[0].message.content)\n",
            # a JSON object found inside a longer answer says nothing of the answer's length
            "import json, re\nfrom openai import OpenAI\nr = OpenAI().chat.completions.create(model=\"gpt-4o\", max_tokens=4096, messages=[])\n"
            "text = r.choices[0].message.content\nfound = re.search(r'{.*}', text, re.DOTALL)\nquery = json.loads(found.group())['q']\n",
            # ... nor after the text itself is rebound to the part a regex found
            "import json, re\nfrom openai import OpenAI\nr = OpenAI().chat.completions.create(model=\"gpt-4o\", max_tokens=4096, messages=[])\n"
            "text = r.choices[0].message.content\ntext = re.search(r'{.*}', text, re.DOTALL).group()\nquery = json.loads(text)\n",
            # a field beside the text is not the answer: an agent loop checks the stop reason
            A_HEAD + 'r = client.messages.create(model="claude-sonnet-4-6", max_tokens=8192, messages=[])\n'
            'if r.stop_reason == "tool_use":\n    pass\nfor block in r.content:\n    if block.type == "text":\n        print(block.text)\n',
            # reasoning is asked for before the label
            A_HEAD + 'client.messages.create(model="claude-sonnet-4-6", max_tokens=1000, messages=[],\n'
            '    system="Think step by step in <thinking> tags, then classify the text into one of: ALLOW, BLOCK.")\n',
            # unwrapping a code fence is not a label check
            A_HEAD + 'r = client.messages.create(model="claude-sonnet-4-6", max_tokens=4096, messages=[])\n'
            'text = r.content[0].text\nif text.startswith("```"):\n    text = text.strip("`")\n',
            # a raw POST's JSON is the API's envelope, not a short answer
            'import requests, json\nr = requests.post("https://api.openai.com/v1/chat/completions",\n'
            '    json={"model": "gpt-4o", "max_tokens": 4096, "messages": []})\ndata = json.loads(r.text)\n',
            # a search inside the answer is not a label
            A_HEAD + 'r = client.messages.create(model="claude-sonnet-4-6", max_tokens=8192, messages=[])\n'
            'if "ERROR" in r.content[0].text:\n    print(r.content[0].text)\n',
            # a local model server bills nothing
            'from openai import OpenAI\nc = OpenAI(base_url="http://localhost:11434/v1")\n'
            'r = c.chat.completions.create(model="llama3", max_tokens=4096, messages=[])\nn = int(r.choices[0].message.content)\n',
            # an ID the catalogue lacks, under what its provider's models accept: nothing is known
            'import anthropic\nanthropic.Anthropic().completions.create(model="claude-2", max_tokens_to_sample=4000, prompt=p)\n',
            # not an LLM call: a Django thread's messages
            "import anthropic\nthread.messages.create(max_tokens=9000, body='hi')\n",
            # a tokenizer argument of the same name
            "import anthropic\nfrom tokenizers import Tokenizer\nTokenizer.truncate(text, max_tokens=100000)\n",
            # unresolvable: stays silent rather than guess
            "import os, anthropic\nclient = anthropic.Anthropic()\n"
            'client.messages.create(model="claude-sonnet-4-6", max_tokens=int(os.environ["MAX"]), messages=[])\n',
            # the thinking budget needs the room
            A_HEAD + 'r = client.messages.create(model="claude-sonnet-4-6", max_tokens=10100,\n'
            '    thinking={"type": "enabled", "budget_tokens": 10000}, messages=[])\nn = int(r.content[-1].text)\n',
        ]
        # prompts outside .py files: notebooks, prompt files, model configs, batch files
        fires = [
            *fires,
            {"notebooks/explore.ipynb": ex.notebook(
                "md:# Ticket scores", "%pip install -q anthropic\n!ls data/",
                "import anthropic\nclient = anthropic.Anthropic()\nclient?",
                'r = client.messages.create(model="claude-opus-4-6", max_tokens=16000, messages=[])\n%time r.usage',
                "score = float(r.content[0].text)")},
            {"prompts/triage.prompty": ex.prompty("gpt-4o", 20000)},
            {"prompts/summarize.prompt": ex.dotprompt("vertexai/claude-opus-4-6", 200000)},
            {"proxy/config.yaml": ex.litellm("anthropic/claude-sonnet-4-6", max_tokens=200000)},
            {"evals/promptfooconfig.yaml": ex.promptfoo("anthropic:messages:claude-sonnet-4-6", 200000)},
            {"batches/nightly.jsonl": ex.batch(3, model="claude-haiku-4-5", max_tokens=100000)},
        ]
        silent = [
            *silent,
            # suppressed inside the cell
            {"explore.ipynb": ex.notebook("import anthropic\nclient = anthropic.Anthropic()",
                                          'client.messages.create(model="claude-opus-4-6", max_tokens=200000, messages=[])  # noqa: CL001')},
            {"prompts/triage.prompty": ex.prompty("gpt-4o", 8192)},
            # at the model's maximum in a config, nothing said of the answers it serves
            {"prompts/triage.prompty": ex.prompty("gpt-4o", 16384)},
            {"proxy/config.yaml": ex.litellm("anthropic/claude-sonnet-4-6", max_tokens=128000)},
            {"batches/nightly.jsonl": ex.batch(3, model="claude-haiku-4-5", max_tokens=64000)},
            {"prompts/summarize.prompt": ex.dotprompt("googleai/gemini-2.5-flash", 1024)},
            # the limit comes from the environment at run time
            {"proxy/config.yaml": ex.litellm("anthropic/claude-sonnet-4-6", max_tokens="os.environ/MAX_TOKENS")},
            {"batches/nightly.jsonl": ex.batch(3, model="claude-sonnet-4-6", max_tokens=8192)},
            # a YAML file that is no known config and not named by `prompt-files`: never read
            {"settings.yaml": "model: claude-sonnet-4-6\nmax_tokens: 200000\n"},
            # a JSONL data set, not a batch request file
            {"data/train.jsonl": '{"prompt": "hi", "max_tokens": 200000, "model": "claude-sonnet-4-6"}\n'},
        ]

        # Through a project's wrapper whose limit the caller passes.
        LLM = ("import anthropic\n\nclass LLMClient:\n    def __init__(self):\n        self.client = anthropic.Anthropic()\n\n"
               "    def complete(self, prompt, max_tokens=1024):\n        return self.client.messages.create(model='claude-sonnet-4-6', max_tokens=max_tokens,"
               " messages=[{'role': 'user', 'content': prompt}])\n\nllm = LLMClient()\n")
        fires = [
            *fires,
            {"app/llm.py": LLM, "app/main.py": "from app.llm import llm\n\nllm.complete('Is this message spam? Answer yes or no.', max_tokens=48000)\n"},
        ]
        silent = [
            *silent,
            {"app/llm.py": LLM, "app/main.py": "from app.llm import llm\n\nllm.complete('Classify this ticket', max_tokens=200)\n"},
            # a file rewriter at the model's maximum: long output by nature
            {"app/llm.py": LLM, "app/main.py": "from app.llm import llm\n\nllm.complete('Rewrite this file with type hints: ' + src, max_tokens=128000)\n"},
        ]
        return fires, silent

    def check_call(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        limit = call.int_value("max_tokens")
        if limit is None:
            return
        arg = call.arg("max_tokens")
        assert arg is not None
        # Only a thinking argument we can see raises the bar: hiding one in **kwargs is rare.
        thinking_arg = call.arg("thinking")
        thinking = thinking_arg.value if thinking_arg is not None else None
        budget = 0
        if thinking is not None and not (isinstance(thinking, Lit) and thinking.value is None):
            value = thinking.get("budget_tokens") if isinstance(thinking, Mapping) else None
            if not (isinstance(value, Lit) and isinstance(value.value, int)):
                return
            budget = value.value
        model = ctx.model(call)
        ceiling = _ceiling(call, model, ctx)
        above = ceiling is not None and limit > ceiling.tokens
        at_max = ceiling is not None and limit >= ceiling.tokens
        keyword = _keyword(call)
        if str(ctx.option("mode")) == "threshold":
            threshold = int(ctx.option("warn-at")) + budget
            if limit < threshold and not at_max:
                return
            proposed = int(ctx.option("suggested"))
            reason = (f"is {ceiling.name}'s maximum output, so the limit guards nothing" if at_max
                      else f"is at or above the review threshold of {tokens(threshold)}")
            needs = None
        else:
            found = ev.of(call)
            # What the answer is known to be: short, or a structured object of no pinned size
            # (which only makes a limit at the model's maximum a finding: nothing is guarded).
            known = found.short or found.bounded
            if above:
                reason = known.what if known is not None else ""
            elif found.short is not None and limit >= int(ctx.option("factor")) * found.short.needs + budget:
                reason = f"but {found.short.what}: that answer needs about {tokens(found.short.needs)} tokens"
            elif at_max and known is not None:
                reason = f"is {ceiling.name}'s maximum output, so the limit guards nothing, and {known.what}"
            else:
                return  # long by nature, or nothing says how long the answer is
            needs = known.needs if known is not None else None
            proposed = ev.suggested(needs) + budget if needs is not None else None
        if above:
            reason = (f"is above {ceiling.name}'s maximum output of {tokens(ceiling.tokens)}{ceiling.note}, so the API rejects it"
                      + (f"; {reason}" if reason else ""))
            if proposed is None or proposed > ceiling.tokens:
                proposed = ceiling.tokens
        price = ""
        cost = None
        if model is not None and model.output is not None:
            worst = output_usd(min(limit, model.max_output or limit, MAX_PRICED_TOKENS), model)
            cost = worst * 1000
            price = (f"; worst case, if every answer runs to the limit, {money(worst)} of output per call "
                     f"({money(cost)} per 1,000 calls) on {model.id} at {per_mtok(model.output)}")
            if needs is not None:
                price += f", against about {money(output_usd(needs, model))} for an answer of that size"
        if needs is not None:
            advice = f"Set {keyword}={proposed}, room for that answer."
        elif above:
            advice = f"Set {keyword} to at most {proposed}, or the smallest limit the response needs."
        else:
            advice = f"Set the smallest limit the response needs (e.g. {proposed})."
        yield self.diagnostic(
            arg.at,
            f"{keyword}={limit}{_origin(arg)} {reason}{price}. {advice}",
            cost=cost,
            severity="error" if above else None,
            fix=_fix(call, arg, proposed, limit, ctx.sources, keyword),
        )


@dataclass(frozen=True)
class _Ceiling:
    tokens: int  # the largest output the model (or every model the ID may name) accepts
    name: str  # as the message names it
    note: str = ""  # why a set of models stands for the call's


def _ceiling(call: Call, model: Optional[Model], ctx: Context) -> Optional[_Ceiling]:
    """The model's maximum output; for an ID the catalogue knows only as a family
    (`claude-3-5-sonnet`: every dated snapshot it names) the largest of its members'; for an
    unknown ID of a provider the catalogue covers, the largest of that provider's, which no
    request to it can exceed. `-latest` names a family's newest snapshot: the family's."""
    if model is not None:
        return _Ceiling(model.max_output, model.id) if model.max_output else None
    model_id = call.model_id()
    if not model_id:
        return None
    key = normalise(model_id)
    if key.endswith("-latest"):
        key = key[: -len("-latest")]  # the newest snapshot of the family, whichever it is
    members = [m for m in ctx.catalog.models.values() if any(normalise(k).startswith(key + "-") for k in (m.id, *m.aliases))]
    if members:
        if all(m.max_output for m in members):
            return _Ceiling(max(m.max_output for m in members), f"every {model_id} model", f" ({len(members)} in the catalogue)")
        return None
    provider = _CATALOGUE_PROVIDER.get(call.site.provider)
    known = [m.max_output for m in ctx.catalog.models.values() if m.provider == provider and m.max_output]
    if provider is None or not known:
        return None
    return _Ceiling(max(known), f"every {provider} model", f" ({model_id} is not in the catalogue)")


# A call site's provider -> the catalogue's: Claude on Bedrock and Vertex AI is Anthropic's model.
_CATALOGUE_PROVIDER = {"anthropic": "anthropic", "bedrock": "anthropic", "vertex": "anthropic", "openai": "openai"}


def _keyword(call: Call) -> str:
    """The cap keyword as the call writes it (`max_output_tokens`, `max_tokens_to_sample`);
    for a value that arrives unnamed, the one the SDK table gives for the call's API."""
    for name in call.site.keywords("max_tokens"):
        if name in call.args:
            return name.rsplit(".", 1)[-1]
    shape = sdk.api_facts(call.site.provider, call.site.api)
    return shape.output_limit_keyword if shape is not None and shape.output_limit_keyword else "max_tokens"


def _fix(call: Call, arg, proposed: int, limit: int, sources, keyword: str):
    from claude_lint.fixes import max_tokens

    return max_tokens.build(call, arg, proposed, limit, sources, keyword)


def _origin(arg) -> str:
    loc = getattr(arg.value, "loc", None)
    if loc is None or (loc.path == arg.at.path and loc.row == arg.at.row):
        return ""
    return f" (from {loc.path}:{loc.row})"
