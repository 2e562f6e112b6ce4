from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Iterator

from claude_lint.checks.base import Context, Invalid, Rule, money
from claude_lint.diagnostics import Diagnostic
from claude_lint.estimate import estimate
from claude_lint.extract.sdk import api_facts
from claude_lint.facts import Lit
from claude_lint.link import Call

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
CREATE = 'client.messages.create(model="claude-sonnet-4-6", max_tokens=500, messages={msgs})'
DISCOUNT = 0.5


class BatchCandidate(Rule):
    """## What it does
    Flags a synchronous request made once per item of a collection, in a `for` loop
    or a comprehension, where each request is independent of the others: the loop's
    item flows into the request, and nothing the request reads is carried over from
    one iteration to the next.

    ## Why is this bad?
    The Message Batches API (and OpenAI's Batch API) bills input and output at 50% of
    the standard price. Jobs that loop over documents, rows or tickets rarely need an
    answer within seconds; most batches finish within an hour (24 hours at most).
    The message gives the saving per 1,000 requests from the call's known prompt and
    its output limit.

    The rule stays silent on chains: a request that reads a value the previous
    iteration produced (an accumulated summary, an appended list, an attribute or
    dict it writes), a loop that exits early (`break`, `return`: fallbacks and
    retries), a loop that does not use its item in the request (retries, sampling),
    `while` loops (agent and chat loops) and loops calling `input()`. Calls in
    `async def` functions are not reported either: concurrent code (`asyncio.gather`)
    is usually written for latency, which a batch cannot give; except a request
    awaited right inside the loop (`for x in xs: await f(x)`, `[await f(x) for x in
    xs]`, `f` the request or a project's async function reaching it), which waits for
    each answer before sending the next. A notebook cell that loops
    over a dataset (labelling a DataFrame's rows, grading eval items) is reported
    like a script: the person who runs it waits for the whole loop, not for one
    answer.

    Nor dispatch loops (`for step in plan: if step["action"] == "search": ... elif
    ...`: an agent running the few, ordered steps a plan lists), requests handed to a
    thread pool (`executor.submit`: concurrent, for latency), or any request in an
    interactive program: a file that reads what a person types in a loop (a REPL, or a
    menu of `questionary`, `inquirer`, click's or typer's prompts), or
    a UI or web handler module (Streamlit, Gradio, Discord, Telegram, Slack, route
    decorators). Someone waits for each of those answers.

    Nor a trial on the first few items of a dataset (`texts[:20]`, `df.head(10)`, up
    to 50): the author reads those answers before running the rest.

    A function run once per item by pandas (`df.text.apply(f)`, `df.text.map(f)`,
    `progress_apply`, a lambda written in place) or by the builtin `map` is such a loop;
    an executor's or a pool's `map` is not (`with ThreadPoolExecutor() as ex:
    ex.map(f, xs)`, `Pool(4).map`: concurrent, for latency). Gemini's `generate_content` has a
    Batch Mode at half price too.

    Writing each answer back into what the loop iterates (`df.at[i, "answer"] = ...`
    in `for i, row in df.iterrows()`) is not a chain: the loop's rows were taken
    before the first request. Growing it (`append`) is.

    ## Example
    ```python
    for ticket in tickets:
        client.messages.create(model=M, max_tokens=300, messages=[{"role": "user", "content": ticket}])
    ```

    ## Use instead
    ```python
    client.messages.batches.create(requests=[
        {"custom_id": str(i), "params": {"model": M, "max_tokens": 300,
                                          "messages": [{"role": "user", "content": t}]}}
        for i, t in enumerate(tickets)
    ])
    ```
    """

    code = "CL005"
    name = "batch-candidate"
    summary = "independent requests in a loop that the Batch API would bill at half price"
    preview = True
    preview_reason = ("Measured on real code (eval/realworld, the 172 labelled repositories, main and held out, and the "
                      "186 precision samples; 2026-12-03): precision 0.76 (60 of 79 findings right: 36 of 41 on the "
                      "main set, 24 of 38 held out), recall 0.68. Below 0.90 once the held-out set counts.")

    @staticmethod
    def examples():
        from claude_lint.checks import examples as ex

        fires = [
            Invalid(HEAD + "for doc in docs:\n    " + CREATE.format(msgs='[{"role": "user", "content": doc}]') + "\n", row=4,
                    message="called once per item of the loop at line 3, and the requests do not depend on each other. "
                    "Send them through the Message Batches API (client.messages.batches.create)"),
            HEAD + "results = [" + CREATE.format(msgs='[{"role": "user", "content": f"Summarise: {t}"}]') + " for t in texts]\n",
            # the message list is built fresh inside the loop
            HEAD + "def run(rows):\n    out = []\n    for row in rows:\n        msgs = [{'role': 'user', 'content': row['text']}]\n"
            "        out.append(" + CREATE.format(msgs="msgs") + ")\n    return out\n",
            Invalid('from openai import OpenAI\nclient = OpenAI()\nfor q in questions:\n'
                    '    client.chat.completions.create(model="gpt-4o", max_completion_tokens=200, messages=[{"role": "user", "content": q}])\n',
                    row=4, message="Send them through the OpenAI Batch API (client.batches.create)"),
        ]
        silent = [
            # a chain: the previous answer feeds the next request
            HEAD + "summary = ''\nfor doc in docs:\n    r = " + CREATE.format(msgs='[{"role": "user", "content": summary + doc}]')
            + "\n    summary = r.content[0].text\n",
            # the conversation grows across iterations
            HEAD + "history = []\nfor q in questions:\n    history.append({'role': 'user', 'content': q})\n    r = " + CREATE.format(msgs="history")
            + "\n    history.append({'role': 'assistant', 'content': r.content})\n",
            # interactive
            HEAD + "for _ in range(10):\n    q = input('> ')\n    " + CREATE.format(msgs='[{"role": "user", "content": q}]') + "\n",
            # retries: the item is not used
            HEAD + "for attempt in range(3):\n    try:\n        r = " + CREATE.format(msgs="[]") + "\n        break\n    except Exception:\n        pass\n",
            # a fallback chain over models
            HEAD + "for m in ['claude-haiku-4-5', 'claude-sonnet-4-6']:\n"
            "    r = client.messages.create(model=m, max_tokens=100, messages=[])\n    if r.stop_reason == 'end_turn':\n        break\n",
            # async code is written for latency
            "import asyncio, anthropic\nclient = anthropic.AsyncAnthropic()\n\nasync def run(docs):\n"
            "    return await asyncio.gather(*[" + CREATE.format(msgs='[{"role": "user", "content": d}]') + " for d in docs])\n",
            # a work queue: each answer may add items the loop will reach
            HEAD + "for url in urls:\n    r = " + CREATE.format(msgs='[{"role": "user", "content": url}]') + "\n    urls.extend(parse(r))\n",
            # a trial on the first few rows: the author reads them before running the rest
            HEAD + "for i, row in df.head(20).iterrows():\n    " + CREATE.format(msgs="[{'role': 'user', 'content': row['text']}]") + "\n",
            HEAD + "for text in tickets.text[:20]:\n    " + CREATE.format(msgs="[{'role': 'user', 'content': text}]") + "\n",
            # the prompt grows across iterations: each request carries the ones before
            HEAD + "prompt = ''\nfor doc in docs:\n    prompt += doc\n    " + CREATE.format(msgs="[{'role': 'user', 'content': prompt}]") + "\n",
            # a whole job run per configuration (`job.run()`): its own loop is where requests are made
            HEAD + "class Job:\n    def __init__(self, model):\n        self.model = model\n    def run(self):\n"
            "        summary = ''\n        for r in ROWS:\n"
            "            summary = client.messages.create(model=self.model, max_tokens=300, messages=[{'role': 'user', 'content': summary + r}])\n"
            "        return summary\n\n"
            "def compare():\n    for m in ['claude-haiku-4-5', 'claude-sonnet-4-6']:\n        job = Job(m)\n        job.run()\n",
            # a dispatch loop: an agent runs the actions a plan lists, each by its kind
            HEAD + "def act(plan):\n    for step in plan:\n        kind = step['function']\n        if kind == 'search':\n"
            "            " + CREATE.format(msgs="[{'role': 'user', 'content': step['query']}]") + "\n"
            "        elif kind == 'report':\n            " + CREATE.format(msgs="[{'role': 'user', 'content': step['text']}]") + "\n",
            # an interactive program: the user waits for every edit the loop makes
            HEAD + "def apply_edits(files):\n    return [" + CREATE.format(msgs="[{'role': 'user', 'content': f}]") + " for f in files]\n\n"
            "while True:\n    command = input('> ')\n    if command == 'edit':\n        apply_edits(FILES)\n",
            # the same with a questionary menu (core-cartographer's CLI): each result is shown and confirmed
            HEAD + "import questionary\ndef extract_all(sets):\n    for s in sets:\n        " + CREATE.format(msgs="[{'role': 'user', 'content': s}]")
            + "\n        questionary.confirm('Save?').ask()\n\nwhile True:\n    if questionary.select('Action', choices=['extract', 'quit']).ask() == 'extract':\n        extract_all(SETS)\n",
            # a web handler: one page view's requests
            HEAD + "from flask import Flask\napp = Flask(__name__)\n\n@app.route('/translate')\ndef translate():\n"
            "    return [" + CREATE.format(msgs="[{'role': 'user', 'content': p}]") + " for p in PARAGRAPHS]\n",
            # handed to a thread pool: concurrent, written for latency
            HEAD + "import concurrent.futures\ndef judge(path):\n    return " + CREATE.format(msgs="[{'role': 'user', 'content': path}]") + "\n"
            "def run(paths):\n    with concurrent.futures.ThreadPoolExecutor() as ex:\n        return {ex.submit(judge, p): p for p in paths}\n",
            # already streaming: someone is waiting for the answer
            HEAD + "for doc in docs:\n    client.messages.create(model='claude-sonnet-4-6', max_tokens=500, stream=True, messages=[{'role': 'user', 'content': doc}])\n",
        ]

        fires = [
            *fires,
            # DataFrame rows, each answer written back into the frame being iterated
            HEAD + "import pandas as pd\ndf = pd.read_csv('reviews.csv')\nfor i, row in df.iterrows():\n"
            "    r = " + CREATE.format(msgs='[{"role": "user", "content": row["text"]}]') + "\n    df.at[i, 'label'] = r.content[0].text\n",
            # sequential awaits: one request at a time, in a for loop and in a comprehension
            "import anthropic\nclient = anthropic.AsyncAnthropic()\n\nasync def grade(essays):\n    out = []\n    for essay in essays:\n"
            "        r = await " + CREATE.format(msgs='[{"role": "user", "content": essay}]') + "\n        out.append(r)\n    return out\n",
            "import anthropic\nclient = anthropic.AsyncAnthropic()\n\nasync def grade(essays):\n"
            "    return [await " + CREATE.format(msgs='[{"role": "user", "content": e}]') + " for e in essays]\n",
        ]

        fires = [
            *fires,
            # the prompt is built afresh from each row, then extended with few-shot examples
            HEAD + "for index, row in df.iterrows():\n    prompt = 'Context: {}\\n'.format(row['text'])\n"
            "    for j in range(2):\n        prompt += 'Q: ' + df.question[j] + '\\n'\n    prompt += row['query']\n"
            "    " + CREATE.format(msgs="[{'role': 'user', 'content': prompt}]") + "\n",
            # a small client object built per item in the loop, then asked
            "import anthropic\n\nclass Api:\n    def __init__(self, prompt):\n        self.prompt = prompt\n        self.client = anthropic.Anthropic()\n\n"
            "    def ask(self, max_tokens):\n        return self.client.messages.create(model='claude-sonnet-4-6', max_tokens=max_tokens, "
            "messages=[{'role': 'user', 'content': self.prompt}])\n\n"
            "def predict(rows):\n    out = []\n    for row in rows:\n        api = Api(row['story'])\n        out.append(api.ask(max_tokens=400))\n    return out\n",
            # a notebook cell labelling a DataFrame's rows, one request per row
            Invalid({"label.ipynb": ex.notebook(
                "import anthropic, pandas as pd\nclient = anthropic.Anthropic()\ndf = pd.read_csv('tweets.csv')",
                "md:## Label every tweet",
                "labels = [" + CREATE.format(msgs="[{'role': 'user', 'content': t}]") + " for t in df['text']]")},
                path="label.ipynb", row=1, message="that saves about $3.75 per 1,000 requests ($7.50 -> $3.75)"),
        ]
        silent = [
            *silent,
            # a notebook cell that asks a few different questions in turn: no item feeds the request
            {"demo.ipynb": ex.notebook(
                "import anthropic\nclient = anthropic.Anthropic()",
                "for attempt in range(3):\n    " + CREATE.format(msgs="[{'role': 'user', 'content': 'Tell me a joke'}]"))},
        ]

        ASK_ONE = "def ask(t):\n    return " + CREATE.format(msgs="[{'role': 'user', 'content': t}]") + ".content[0].text\n"
        fires = [
            *fires,
            # pandas: a lambda run once per row (apply, tqdm's progress_apply), and the builtin map
            HEAD + "import pandas as pd\ndf = pd.read_csv('reviews.csv')\n"
            "df['label'] = df['text'].apply(lambda t: " + CREATE.format(msgs="[{'role': 'user', 'content': t}]") + ".content[0].text)\n",
            HEAD + ASK_ONE + "from tqdm import tqdm\ntqdm.pandas()\ndf['label'] = df.progress_apply(lambda row: ask(row['text']), axis=1)\n",
            HEAD + "labels = list(map(lambda t: " + CREATE.format(msgs="[{'role': 'user', 'content': t}]") + ", texts))\n",
            # a pandas column's map runs a wrapper on one row after another
            HEAD + ASK_ONE + "import pandas as pd\ndf = pd.read_csv('reviews.csv')\ndf['label'] = df['text'].map(ask)\n",
            # the Gemini API has a Batch Mode at half price too
            Invalid("import google.generativeai as genai\nmodel = genai.GenerativeModel('gemini-2.5-flash')\n"
                    "for index, row in df.iterrows():\n    answers.append(model.generate_content(f\"Question: {row['question']}\").text)\n",
                    row=4, message="Send them through the Gemini API's Batch Mode"),
        ]
        silent = [
            *silent,
            # an executor's map runs the lambda concurrently: written for latency
            HEAD + "from concurrent.futures import ThreadPoolExecutor\nwith ThreadPoolExecutor(8) as ex:\n"
            "    out = list(ex.map(lambda t: " + CREATE.format(msgs="[{'role': 'user', 'content': t}]") + ", texts))\n",
            # a wrapper handed to an executor's or a pool's map: concurrent, written for latency
            HEAD + ASK_ONE + "from concurrent.futures import ThreadPoolExecutor\nwith ThreadPoolExecutor() as executor:\n"
            "    labels = list(executor.map(ask, texts))\n",
            HEAD + ASK_ONE + "import multiprocessing\npool = multiprocessing.Pool(4)\nlabels = pool.map(ask, texts)\n",
            HEAD + ASK_ONE + "def label_all(texts, executor):\n    return list(executor.map(ask, texts))\n",
            HEAD + ASK_ONE + "import multiprocessing as mp\nwith mp.get_context('spawn').Pool(4) as workers:\n    labels = workers.map(ask, texts)\n",
            HEAD + ASK_ONE + "pool = make_pool(8)\nlabels = pool.map(ask, texts)\n",
            # a Streamlit page imported on one line with others: someone waits for the labels
            "import anthropic, streamlit as st\nclient = anthropic.Anthropic()\nif st.button('Label'):\n"
            "    df['label'] = df['text'].apply(lambda t: " + CREATE.format(msgs="[{'role': 'user', 'content': t}]") + ")\n",
            # a lambda kept as a callback, not run per item
            HEAD + "handler = lambda t: " + CREATE.format(msgs="[{'role': 'user', 'content': t}]") + "\nregister(handler)\n",
        ]

        # Through a project's wrapper: the caller's loop is judged, at the caller.
        WRAPPER = (
            "import anthropic\nclient = anthropic.Anthropic()\n\n"
            "def summarise(text, model='claude-sonnet-4-6', max_tokens=500):\n"
            "    return client.messages.create(model=model, max_tokens=max_tokens, messages=[{'role': 'user', 'content': text}])\n"
        )
        fires = [
            *fires,
            # a wrapper with defaults, called once per document
            WRAPPER + "\nfor doc in docs:\n    summarise(doc)\n",
            # in another module, and two levels deep (a retry wrapper around it)
            {
                "app/llm.py": WRAPPER,
                "app/retry.py": "from app.llm import summarise\n\ndef with_retry(text, tries=3):\n    for _ in range(tries):\n"
                "        try:\n            return summarise(text)\n        except TimeoutError:\n            continue\n",
                "app/jobs.py": "import app.retry as retry\n\ndef nightly(tickets):\n    return [retry.with_retry(t.body) for t in tickets]\n",
            },
            # a method of a client class, on an instance kept on self
            "import anthropic\n\nclass LLM:\n    def __init__(self):\n        self.client = anthropic.Anthropic()\n\n"
            "    def ask(self, text):\n        return self.client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=[{'role': 'user', 'content': text}])\n\n"
            "class Job:\n    def __init__(self, llm=None):\n        self.llm = llm or LLM()\n\n"
            "    def run(self, rows):\n        return [self.llm.ask(row['text']) for row in rows]\n",
        ]
        ASYNC_WRAPPER = ("import anthropic, asyncio\nclient = anthropic.AsyncAnthropic()\n\nasync def ask(text):\n"
                         "    r = await client.messages.create(model='claude-sonnet-4-6', max_tokens=50, messages=[{'role': 'user', 'content': text}])\n"
                         "    return r.content[0].text\n\n")
        fires = [
            *fires,
            # an async wrapper awaited one item at a time: sequential, as a direct await in the loop
            Invalid(ASYNC_WRAPPER + "async def main(texts):\n    out = []\n    for t in texts:\n        out.append(await ask(t))\n    return out\n",
                    row=11, message="called once per item of the loop at line 10"),
        ]
        silent = [
            *silent,
            # the same wrapper gathered: concurrent, written for latency
            ASYNC_WRAPPER + "async def main(texts):\n    return await asyncio.gather(*[ask(t) for t in texts])\n",
            # an async job awaited per configuration: its own loop over the items is where requests are made
            ASYNC_WRAPPER + "async def evaluate(model, items):\n    return await asyncio.gather(*[ask(i) for i in items])\n\n"
            "async def grid(models, items):\n    for m in models:\n        await evaluate(m, items)\n",
            ASYNC_WRAPPER + "async def main(texts):\n    return await asyncio.gather(*[ask(t) for t in texts])\n",
            # the wrapper called once: its own body has no loop
            WRAPPER + "\nsummarise(open('report.txt').read())\n",
            # a chain through the wrapper: each request reads the previous answer
            WRAPPER + "\nsummary = ''\nfor doc in docs:\n    summary = summarise(summary + doc)\n",
            # a look-alike: a project function of the same name that makes no request
            "import anthropic\n\ndef summarise(text):\n    return text[:200]\n\nfor doc in docs:\n    summarise(doc)\n",
        ]
        return fires, silent

    def check_call(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        site = call.site
        shape = api_facts(site.provider, site.api)
        target = shape.batch_api_for(site.provider) if shape is not None else None
        sequential = site.awaited_in_loop  # awaited one by one (the request, or the wrapper reaching it): no concurrency to keep
        if target is None or site.loop is None or not site.loop_independent or (site.in_async and not sequential) or site.streaming or site.interactive:
            return
        stream = call.value("stream")
        if stream is not None and not (isinstance(stream, Lit) and stream.value is False):
            return
        cost = estimate(call, ctx.catalog)
        saving = ""
        usd = None
        if cost.total:
            usd = cost.total * DISCOUNT
            saving = f"; on this call's known prompt and output limit that saves about {money(usd)} per 1,000 requests ({money(cost.total)} -> {money(cost.total - usd)})"
        yield self.diagnostic(
            site.loc,
            f"{site.api} is called once per item of the loop at line {site.loop.row}, and the requests do not depend on each other. "
            f"Send them through {target}: 50% off input and output{saving}, results within 24 hours.",
            cost=usd,
        )
