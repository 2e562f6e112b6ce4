from __future__ import annotations

from typing import Iterator

from claude_lint.checks import evidence as ev
from claude_lint.checks import examples as ex
from claude_lint.checks.base import Context, Rule, money, per_mtok, tokens
from claude_lint.diagnostics import Diagnostic
from claude_lint.estimate import MAX_PRICED_TOKENS
from claude_lint.facts import Lit, Mapping
from claude_lint.link import Call


class OversizedMaxTokens(Rule):
    """## What it does
    Flags an output limit (`max_tokens`, `max_completion_tokens`) that the call's own
    code proves far too large:

    - the limit is at or above the model's maximum output, so it guards nothing (above
      it, the API rejects the request), unless the answer is long by nature (below); or
    - the answer is short by the evidence of the call and the limit is several times
      what that answer needs: the answer is parsed with `int()`/`float()`/`bool()`,
      compared with a label (`answer == "yes"`, `answer in ("A", "B")`), parsed whole as
      JSON or YAML; a tool call is forced (`tool_choice`) whose schema is a few short
      fields; or the prompt asks for a short answer ("answer yes or no", "one word",
      "in one sentence", "classify ... into", "return only the label").

    The whole answer parsed as JSON or YAML counts as a small object (about 256 tokens);
    a JSON object found inside a longer answer (a regex match, a split) does not, nor
    does a check of a field beside the text (`stop_reason`, a block's `type`).
    It stays silent where the answer is long by nature or unknown: a prompt that asks
    for code, files, a rewrite, a transcription or a translation, an answer written to
    a file, or no evidence at all. A model-maximum limit on such a call is intended.
    The message names the evidence and proposes a limit derived from it.

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
    preview_reason = "Measured on the real-world corpus (eval/realworld, 36 repositories): precision 0.58 (7 of 12 findings right; the rest a model-maximum limit on open-ended or code-generating calls whose prompt is not readable)."
    fires = [
        # the answer is parsed as a number
        'import anthropic\nclient = anthropic.Anthropic()\nr = client.messages.create(model="claude-sonnet-4-6", max_tokens=4096, messages=[])\n'
        "score = int(r.content[0].text.strip())\n",
        # compared with a label, through a wrapper's default
        "from anthropic import Anthropic\nclient = Anthropic()\n\ndef is_spam(q, max_tokens=16000):\n"
        '    r = client.messages.create(model="claude-sonnet-4-6", max_tokens=max_tokens, messages=[{"role": "user", "content": q}])\n'
        '    return r.content[0].text.strip().lower() == "yes"\n',
        # the prompt asks for a short answer; the limit comes from another module through a **params dict
        {
            "settings.py": "MAX_OUTPUT = 2000\n",
            "app.py": "import anthropic\nfrom settings import MAX_OUTPUT\n\nPARAMS = {\"model\": \"claude-opus-4-6\", \"max_tokens\": MAX_OUTPUT}\n"
            "client = anthropic.Anthropic()\nclient.messages.create(**PARAMS, system=\"Answer only with yes or no.\", messages=[])\n",
        },
        # the whole answer parsed as JSON, 16 times what a small object needs
        "import json\nfrom openai import OpenAI\nr = OpenAI().chat.completions.create(model=\"gpt-4o\", max_tokens=4096, messages=[])\n"
        "verdict = json.loads(r.choices[0].message.content.strip())\n",
        # a forced tool call whose schema is one enum and one number
        'import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model="claude-sonnet-4-6", max_tokens=4096, messages=[],\n'
        '    tools=[{"name": "grade", "input_schema": {"type": "object", "properties": {"grade": {"type": "string", "enum": ["A", "B", "C"]},'
        ' "confidence": {"type": "number"}}}}],\n    tool_choice={"type": "tool", "name": "grade"})\n',
        # equal to the model's maximum output, nothing says the answer is long
        'import anthropic\nanthropic.AsyncAnthropic().messages.create(model="claude-haiku-4-5", max_tokens=64000, messages=[])\n',
        # a forced small tool call at the maximum of an old model: the evidence decides, not the maximum
        'import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model="claude-3-haiku-20240307", max_tokens=4096, messages=[],\n'
        '    tools=[{"name": "sentiment", "input_schema": {"type": "object", "properties": {"positive": {"type": "number"}, "negative": {"type": "number"}}}}],\n'
        '    tool_choice={"type": "tool", "name": "sentiment"})\n',
        # above the model's maximum: the API rejects it
        'import anthropic\nanthropic.Anthropic().messages.create(model="claude-3-5-sonnet-20240620", max_tokens=8192, messages=[])\n',
    ]
    silent = [
        'import anthropic\nclient = anthropic.Anthropic()\nr = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])\n'
        "score = int(r.content[0].text)\n",
        # the model's maximum for a document translation: long by nature
        'import anthropic\nanthropic.Anthropic().messages.create(model="claude-3-5-sonnet-20240620", max_tokens=4096,\n'
        '    system="Translate the whole document into French.", messages=[])\n',
        # no evidence of the answer's size: a large limit is not by itself a finding
        'import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model="claude-sonnet-4-6", max_tokens=8192, messages=[])\n',
        # code generation: the model's maximum is intended
        'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4-turbo", max_tokens=4096,\n'
        '    messages=[{"role": "system", "content": "You are a senior engineer. Write the code for every file the user asks for."}])\n',
        # the answer is a file: long by nature, even with a JSON step elsewhere
        'import anthropic\nclient = anthropic.Anthropic()\nr = client.messages.create(model="claude-sonnet-4-6", max_tokens=64000, messages=[])\n'
        'with open("out.md", "w") as f:\n    f.write(r.content[0].text)\n',
        # a parsed JSON answer needs room (a small object, about 256 tokens): 1,024 is not far above
        "import json\nfrom openai import OpenAI\nr = OpenAI().chat.completions.create(model=\"gpt-4o\", max_tokens=1024, messages=[])\n"
        "plan = json.loads(r.choices[0].message.content)\n",
        # a JSON object found inside a longer answer says nothing of the answer's length
        "import json, re\nfrom openai import OpenAI\nr = OpenAI().chat.completions.create(model=\"gpt-4o\", max_tokens=4096, messages=[])\n"
        "text = r.choices[0].message.content\nfound = re.search(r'{.*}', text, re.DOTALL)\nquery = json.loads(found.group())['q']\n",
        # a field beside the text is not the answer: an agent loop checks the stop reason
        'import anthropic\nclient = anthropic.Anthropic()\nr = client.messages.create(model="claude-sonnet-4-6", max_tokens=8192, messages=[])\n'
        'if r.stop_reason == "tool_use":\n    pass\nfor block in r.content:\n    if block.type == "text":\n        print(block.text)\n',
        # reasoning is asked for before the label
        'import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model="claude-sonnet-4-6", max_tokens=1000, messages=[],\n'
        '    system="Think step by step in <thinking> tags, then classify the text into one of: ALLOW, BLOCK.")\n',
        # unwrapping a code fence is not a label check
        'import anthropic\nclient = anthropic.Anthropic()\nr = client.messages.create(model="claude-sonnet-4-6", max_tokens=4096, messages=[])\n'
        'text = r.content[0].text\nif text.startswith("```"):\n    text = text.strip("`")\n',
        # a raw POST's JSON is the API's envelope, not a short answer
        'import requests, json\nr = requests.post("https://api.openai.com/v1/chat/completions",\n'
        '    json={"model": "gpt-4o", "max_tokens": 4096, "messages": []})\ndata = json.loads(r.text)\n',
        # a search inside the answer is not a label
        'import anthropic\nclient = anthropic.Anthropic()\nr = client.messages.create(model="claude-sonnet-4-6", max_tokens=8192, messages=[])\n'
        'if "ERROR" in r.content[0].text:\n    print(r.content[0].text)\n',
        # a local model server bills nothing
        'from openai import OpenAI\nc = OpenAI(base_url="http://localhost:11434/v1")\n'
        'r = c.chat.completions.create(model="llama3", max_tokens=4096, messages=[])\nn = int(r.choices[0].message.content)\n',
        # not an LLM call: a Django thread's messages
        "import anthropic\nthread.messages.create(max_tokens=9000, body='hi')\n",
        # a tokenizer argument of the same name
        "import anthropic\nfrom tokenizers import Tokenizer\nTokenizer.truncate(text, max_tokens=100000)\n",
        # unresolvable: stays silent rather than guess
        "import os, anthropic\nclient = anthropic.Anthropic()\n"
        'client.messages.create(model="claude-sonnet-4-6", max_tokens=int(os.environ["MAX"]), messages=[])\n',
        # the thinking budget needs the room
        'import anthropic\nclient = anthropic.Anthropic()\nr = client.messages.create(model="claude-sonnet-4-6", max_tokens=10100,\n'
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
        {"prompts/triage.prompty": ex.prompty("gpt-4o", 16384)},
        {"prompts/summarize.prompt": ex.dotprompt("vertexai/claude-opus-4-6", 128000)},
        {"proxy/config.yaml": ex.litellm("anthropic/claude-sonnet-4-6", max_tokens=128000)},
        {"evals/promptfooconfig.yaml": ex.promptfoo("anthropic:messages:claude-sonnet-4-6", 128000)},
        {"batches/nightly.jsonl": ex.batch(3, model="claude-haiku-4-5", max_tokens=64000)},
    ]
    silent = [
        *silent,
        # suppressed inside the cell
        {"explore.ipynb": ex.notebook("import anthropic\nclient = anthropic.Anthropic()",
                                      'client.messages.create(model="claude-opus-4-6", max_tokens=128000, messages=[])  # noqa: CL001')},
        {"prompts/triage.prompty": ex.prompty("gpt-4o", 8192)},
        {"prompts/summarize.prompt": ex.dotprompt("googleai/gemini-2.5-flash", 1024)},
        # the limit comes from the environment at run time
        {"proxy/config.yaml": ex.litellm("anthropic/claude-sonnet-4-6", max_tokens="os.environ/MAX_TOKENS")},
        {"batches/nightly.jsonl": ex.batch(3, model="claude-sonnet-4-6", max_tokens=8192)},
        # a YAML file that is no known config and not named by `prompt-files`: never read
        {"settings.yaml": "model: claude-sonnet-4-6\nmax_tokens: 128000\n"},
        # a JSONL data set, not a batch request file
        {"data/train.jsonl": '{"prompt": "hi", "max_tokens": 128000, "model": "claude-sonnet-4-6"}\n'},
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

    def check_call(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        limit = call.int_value("max_tokens")
        if limit is None:
            return
        arg = call.arg("max_tokens")
        assert arg is not None
        model = ctx.model(call)
        # Only a thinking argument we can see raises the bar: hiding one in **kwargs is rare.
        thinking_arg = call.arg("thinking")
        thinking = thinking_arg.value if thinking_arg is not None else None
        budget = 0
        if thinking is not None and not (isinstance(thinking, Lit) and thinking.value is None):
            value = thinking.get("budget_tokens") if isinstance(thinking, Mapping) else None
            if not (isinstance(value, Lit) and isinstance(value.value, int)):
                return
            budget = value.value
        maximum = model.max_output if model is not None else None
        above = maximum is not None and limit > maximum
        at_max = maximum is not None and limit >= maximum
        origin = _origin(arg)
        if str(ctx.option("mode")) == "threshold":
            threshold = int(ctx.option("warn-at")) + budget
            if limit < threshold and not at_max:
                return
            proposed = int(ctx.option("suggested"))
            evidence = f"is at or above the review threshold of {tokens(threshold)}"
        else:
            found = ev.of(call)
            short = found.short
            if above:
                proposed, evidence = int(ctx.option("suggested")), ""
            elif short is not None and limit >= int(ctx.option("factor")) * short.needs + budget:
                proposed = ev.suggested(short.needs) + budget
                evidence = f"but {short.what}: that answer needs about {tokens(short.needs)} tokens"
            elif at_max and found.long is None:
                proposed, evidence = int(ctx.option("suggested")), ""
            else:
                return
        if above:
            reason = f"is above {model.id}'s maximum output of {tokens(maximum)}, so the API rejects it"
        elif at_max and not evidence.startswith("but"):
            reason = f"is {model.id}'s maximum output: the limit guards nothing"
        else:
            reason = evidence
        cost = None
        price = ""
        if model is not None and model.output is not None:
            per_call = min(limit, maximum or limit, MAX_PRICED_TOKENS) * model.output / 1e6
            cost = per_call * 1000
            price = f"; worst case {money(per_call)} of output per call ({money(cost)} per 1,000 calls) on {model.id} at {per_mtok(model.output)}"
        advice = (f"Set max_tokens={proposed}, room for that answer." if reason is evidence and evidence.startswith("but")
                  else f"Set the smallest limit the response needs (e.g. {proposed}).")
        yield self.diagnostic(
            arg.at,
            f"max_tokens={limit}{origin} {reason}{price}. {advice}",
            cost=cost,
            severity="error" if above else None,
            fix=_fix(call, arg, proposed, limit, ctx.sources),
        )


def _fix(call: Call, arg, proposed: int, limit: int, sources):
    from claude_lint.fixes import max_tokens

    return max_tokens.build(call, arg, proposed, limit, sources)


def _origin(arg) -> str:
    loc = getattr(arg.value, "loc", None)
    if loc is None or (loc.path == arg.at.path and loc.row == arg.at.row):
        return ""
    return f" (from {loc.path}:{loc.row})"
