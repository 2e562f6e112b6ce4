"""CL012's examples of a prefix read from elsewhere (a knowledge base read from a file, a content
bound to one of several texts), of LangChain's model and of a one-off console export. Kept apart
from `prefix_cache.py` for its size; the rule's `examples()` imports and lists them."""
from __future__ import annotations

import json

from claude_lint.checks.base import Invalid
from claude_lint.checks.system_cache import LONG_SYSTEM

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
RUBRIC = "Grade the answer against this rubric. A score of 5 means complete and correct. " * 120
TOOLS = [{"name": f"lookup_{i}", "description": "Look up an order, a customer or a refund by its id and return the record. " * 6,
          "input_schema": {"type": "object"}} for i in range(8)]

# A Telegram-style handler: the guide and the question, or, when the user replies to a message,
# the guide, that message and the question. Either text opens with the same guide.
REPLY = (HEAD + f"GUIDE = {RUBRIC!r}\n" + "def answer(q, replied=None):\n    content = f'{GUIDE}\\n\\nQuestion: {q}'\n"
         "    if replied:\n        content = SECOND\n"
         "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=[{'role': 'user', 'content': content}])\n")


def examples():
    fires, silent = [], []
    # A knowledge base read from a file: by a helper the caller hands the path (a written one,
    # or argparse's default), or into a module-level name first bound to a placeholder
    KB = {"knowledge-base.txt": RUBRIC, "ask.py": HEAD + "import argparse\n"
          "def load(path):\n    with open(path, encoding='utf-8') as f:\n        return f.read()\n"
          "def main():\n    parser = argparse.ArgumentParser()\n    parser.add_argument('-f', '--file', default='knowledge-base.txt')\n"
          "    args = parser.parse_args()\n    kb = load(PATH)\n"
          "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=[{'role': 'user', 'content': f'{kb}\\nQuestion: {input()}'}])\n"}
    MODULE_KB = {"knowledge-base.txt": RUBRIC, "bot.py": HEAD + "kb = ''\nwith open('knowledge-base.txt', encoding='utf-8') as f:\n    kb = f.read()\n"
                 "def answer(q):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=[{'role': 'user', 'content': kb + q}])\n"}
    fires = [*fires,
             Invalid({**KB, "ask.py": KB["ask.py"].replace("PATH", "args.file")}, path="ask.py", row=12, message="fixed head of the user turn ~2,48"),
             Invalid({**KB, "ask.py": KB["ask.py"].replace("PATH", "'knowledge-base.txt'")}, path="ask.py", row=12, message="fixed head of the user turn ~2,48"),
             Invalid(MODULE_KB, path="bot.py", row=7, message="fixed head of the user turn ~2,48")]
    silent = [*silent,
              # the path is typed in at run time
              {**KB, "ask.py": KB["ask.py"].replace("PATH", "input()")},
              # the file is read only on a condition: the placeholder may be what is sent
              {**MODULE_KB, "bot.py": MODULE_KB["bot.py"].replace("with open(", "if USE_KB:\n  with open(").replace("    kb = f.read()", "      kb = f.read()")}]

    # LangChain's ChatAnthropic invoked once with the rubric at the head of the human message
    LC = ("from langchain_anthropic import ChatAnthropic\nfrom langchain_core.messages import HumanMessage\n" + f"RUBRIC = {RUBRIC!r}\n"
          "llm = ChatAnthropic(model='claude-sonnet-4-6', max_tokens=300)\n\ndef grade(answer):\n    return llm.invoke([HumanMessage(content=CONTENT)])\n")
    fires = [*fires, Invalid(LC.replace("CONTENT", "RUBRIC + answer"), row=7, message="fixed head of the user turn ~2,48")]
    silent = [*silent, LC.replace("CONTENT", "[{'type': 'text', 'text': RUBRIC, 'cache_control': {'type': 'ephemeral'}}, {'type': 'text', 'text': answer}]"),
              # the model is bound with request settings of its own (which may turn caching on)
              LC.replace("CONTENT", "RUBRIC + answer").replace("max_tokens=300)", "max_tokens=300, model_kwargs={'cache_control': {'type': 'ephemeral'}})")]

    # A console export: the whole few-shot conversation written out, sent once from the module's
    # top level; nothing sends it again, so no breakpoint would be read. In a function it repeats.
    EXPORT = (HEAD + "message = client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=[\n"
              f"    {{'role': 'user', 'content': [{{'type': 'text', 'text': {RUBRIC!r}}}]}},\n"
              "    {'role': 'assistant', 'content': 'Understood.'}, {'role': 'user', 'content': 'Grade the essay above.'}])\n")
    silent = [*silent, EXPORT]
    fires = [*fires, Invalid(EXPORT.replace("message = client", "def grade():\n    return client"), row=4, message="fixed example turns")]

    fires = [*fires, Invalid(REPLY.replace("SECOND", "f'{GUIDE}\\n\\nEarlier: {replied}\\n\\nQuestion: {q}'"), row=8,
                             message="fixed head of the user turn ~2,48")]
    silent = [*silent,
              # the reply variant puts the earlier message first: the two texts share no head
              REPLY.replace("SECOND", "f'Earlier: {replied}\\n\\n{GUIDE}\\n\\nQuestion: {q}'"),
              # the reply variant is built by a helper the linter does not read
              REPLY.replace("SECOND", "thread_prompt(replied, q)"),
              # the shared head (~1,600 tokens) passes the 2,048 minimum only added to the tools (~1,200): a reviewer's call
              REPLY.replace(f"GUIDE = {RUBRIC!r}", f"GUIDE = {RUBRIC[:6000]!r}\nTOOLS = {TOOLS!r}").replace(
                  "messages=[{'role'", "tools=TOOLS, messages=[{'role'").replace("SECOND", "f'{GUIDE}\\n\\nEarlier: {replied}\\n\\nQuestion: {q}'")]

    # Prompts kept in a YAML or JSON file loaded once and read by key (the file read as link reads any prompt file:
    # inside the project only, YAML through the safe composer)
    PROMPTS_YAML = "grader:\n  intro: Grade the answer.\n  rubric: |\n    " + RUBRIC + "\n"
    LOADED = {"prompts.yaml": PROMPTS_YAML, "grade.py": HEAD + "from pathlib import Path\nimport yaml\n"
              "with open(Path(__file__).parent / 'prompts.yaml', encoding='utf-8') as f:\n    PROMPTS = yaml.safe_load(f)\n"
              "def grade(answer):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=[{'role': 'user', 'content': CONTENT}])\n"}
    JSON_OBJECT = {"prompts.json": '{"grader": {"rubric": ' + json.dumps(RUBRIC) + '}}', "grade.py": HEAD + "import json\nclass Grader:\n"
                   "    def __init__(self):\n        with open('prompts.json') as fh:\n            self.prompts = json.load(fh)\n\n    def grade(self, answer):\n"
                   "        rubric = self.prompts['grader']['rubric']\n"
                   "        return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=[{'role': 'user', 'content': f'{rubric}\\n{answer}'}])\n"}
    fires = [*fires,
             Invalid({**LOADED, "grade.py": LOADED["grade.py"].replace("CONTENT", "PROMPTS['grader']['rubric'] + answer")}, path="grade.py", row=8,
                     message="fixed head of the user turn ~2,48"),
             Invalid(JSON_OBJECT, path="grade.py", row=11, message="fixed head of the user turn ~2,48")]
    silent = [*silent,
              # the short entry is the one sent
              {**LOADED, "grade.py": LOADED["grade.py"].replace("CONTENT", "PROMPTS['grader']['intro'] + answer")},
              # a key the file does not hold: nothing is known of the text
              {**LOADED, "grade.py": LOADED["grade.py"].replace("CONTENT", "PROMPTS['grader']['rubrics'] + answer")},
              # a file outside the project is never read
              {**LOADED, "grade.py": LOADED["grade.py"].replace("Path(__file__).parent / 'prompts.yaml'", "'/etc/grader/prompts.yaml'").replace(
                  "CONTENT", "PROMPTS['grader']['rubric'] + answer")},
              # the answer comes first
              {**LOADED, "grade.py": LOADED["grade.py"].replace("CONTENT", "answer + PROMPTS['grader']['rubric']")}]
    # the file loaded by a helper of another module: followed when the helper always loads the same file
    HELPER = {"prompts/prompts.yaml": PROMPTS_YAML, "prompts/__init__.py": "", "prompts/store.py": "import os\nimport yaml\n\ndef load_prompts(NAME):\n"
              "    with open(os.path.join(os.path.dirname(__file__), PATH)) as f:\n        return yaml.safe_load(f)\n",
              "grade.py": HEAD + "from prompts.store import load_prompts\nclass Grader:\n    def __init__(self):\n        self.prompts = load_prompts(ARG)\n\n"
              "    def grade(self, answer):\n        return client.messages.create(model='claude-sonnet-4-6', max_tokens=300,\n"
              "            messages=[{'role': 'user', 'content': self.prompts['grader']['rubric'] + answer}])\n"}
    fires = [*fires, Invalid({**HELPER, "prompts/store.py": HELPER["prompts/store.py"].replace("NAME", "").replace("PATH", "'prompts.yaml'"),
                              "grade.py": HELPER["grade.py"].replace("ARG", "")}, path="grade.py", row=10, message="fixed head of the user turn ~2,48")]
    # the helper's parameter names the file: the call's argument (another file) is not read across modules
    silent = [*silent, {**HELPER, "prompts/store.py": HELPER["prompts/store.py"].replace("NAME", "name='prompts.yaml'").replace("PATH", "name"),
                        "grade.py": HELPER["grade.py"].replace("ARG", "'grader.yaml'")}]

    # A long system prompt (CL002's finding) and, after it, a long fixed head of the user turn: a breakpoint on
    # the system prompt leaves the head uncached, so the head is reported too, priced alone
    BOTH = (HEAD + f"SYSTEM = {LONG_SYSTEM!r}\nBIBLE = {RUBRIC!r}\n" + "def shots(scene):\n"
            "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, system=SYSTEM,\n"
            "        messages=[{'role': 'user', 'content': f'{BIBLE}\\n\\nScene: {scene}'}])\n")
    fires = [*fires, Invalid(BOTH, row=7, message="system prompt ~")]
    silent = [*silent, BOTH.replace("{BIBLE}\\n\\nScene", "Scene")]  # a short user head: CL002's alone

    # The wrapper routes by the model's name to OpenAI or Claude: the Claude request, one of those the call may make, is judged too
    ROUTED = {"llm.py": HEAD + "from openai import OpenAI\nopenai_client = OpenAI()\n"
              "def generate(prompt, model='claude-sonnet-4-6'):\n    if model.startswith('gpt'):\n"
              "        return openai_client.chat.completions.create(model=model, max_tokens=300, messages=[{'role': 'user', 'content': prompt}])\n"
              "    return client.messages.create(model=model, max_tokens=300, messages=[{'role': 'user', 'content': prompt}])\n",
              "grade.py": "from llm import generate\n" + f"RUBRIC = {RUBRIC!r}\n" + "def grade(answer):\n    return generate(HEAD_TEXT + answer)\n"}
    fires = [*fires, Invalid({**ROUTED, "grade.py": ROUTED["grade.py"].replace("HEAD_TEXT", "RUBRIC")}, path="grade.py", row=4, message="fixed head of the user turn ~2,48")]
    silent = [*silent, {**ROUTED, "grade.py": ROUTED["grade.py"].replace("HEAD_TEXT", "'Grade this answer: '")}]

    return fires, silent
