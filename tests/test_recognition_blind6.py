"""Request shapes the sixth blind set missed (eval/realworld/misses-blind6.md), each written
anew: what must be recognised, and the look-alikes that must not."""
from __future__ import annotations

from conftest import line_of, report_routes


def _routes(cli, tmp_path, example) -> dict:
    """(file, line) -> (api, the line of the request it reaches: None for the request itself)."""
    return {(r["filename"], r["line"]): (r["api"], (r["via"] or {}).get("line")) for r in report_routes(cli, tmp_path, example)}


# --- a wrapper a package star-imports (`from .describe import *` in its __init__.py) ----------

SHARED_CLIENT = "from openai import AsyncOpenAI\n\nclient = AsyncOpenAI()\n"
STAR_INIT = "from .describe import *\nfrom .frames import *\n"
DESCRIBE = (
    "from media import client\n\n\n"
    "async def caption(image_url, model='gpt-4o'):\n"
    "    reply = await client.chat.completions.create(model=model, messages=[{'role': 'user', 'content': image_url}])\n"
    "    return reply.choices[0].message.content\n"
)
FRAMES = "def resize(image_url, width):\n    return f'{image_url}?w={width}'\n"
HANDLERS = (
    "from media import vision\nfrom media.vision import caption\n\n\n"
    "async def on_upload(url):\n    return await vision.caption(vision.resize(url, 512))\n\n\n"
    "async def on_retry(url):\n    return await caption(url, model='gpt-4o-mini')\n"
)


def test_a_wrapper_star_imported_by_its_package_is_reached_through_the_package(cli, tmp_path):
    """`vision.caption(...)` and `from media.vision import caption` name the function the
    package's `from .describe import *` binds; `vision.resize` is no wrapper and stays silent."""
    found = _routes(cli, tmp_path, {
        "media/__init__.py": SHARED_CLIENT, "media/vision/__init__.py": STAR_INIT,
        "media/vision/describe.py": DESCRIBE, "media/vision/frames.py": FRAMES, "handlers.py": HANDLERS,
    })
    request = line_of(DESCRIBE, "client.chat.completions.create")
    assert found == {
        ("media/vision/describe.py", request): ("chat.completions.create", None),
        ("handlers.py", line_of(HANDLERS, "vision.caption(")): ("chat.completions.create", request),
        ("handlers.py", line_of(HANDLERS, "await caption(")): ("chat.completions.create", request),
    }


OTHER_STAR_INIT = "from .frames import *\nfrom string import *\n"
OTHER_HANDLERS = "from media import vision\n\n\nasync def on_upload(url):\n    return await vision.caption(url)\n"


def test_a_name_no_star_imported_module_defines_reaches_no_wrapper(cli, tmp_path):
    """The package star-imports modules without `caption` (and one outside the project): the
    wrapper of another folder of the same name is not what the call reaches."""
    found = _routes(cli, tmp_path, {
        "media/__init__.py": SHARED_CLIENT, "media/vision/__init__.py": OTHER_STAR_INIT,
        "media/vision/frames.py": FRAMES, "media/other/describe.py": DESCRIBE, "handlers.py": OTHER_HANDLERS,
    })
    assert found == {("media/other/describe.py", line_of(DESCRIBE, "client.chat.completions.create")): ("chat.completions.create", None)}


# --- a function without parameters that calls a wrapper (a script's entry point) -------------

SCRIPT = (
    "import google.generativeai as genai\n\n\n"
    "def generate(prompt, text):\n"
    "    model = genai.GenerativeModel('gemini-1.5-flash')\n"
    "    return model.generate_content(f'{prompt}\\n{text}').text\n\n\n"
    "def process_notes():\n"
    "    prompt = open('prompt.txt').read()\n"
    "    try:\n        answer = generate(prompt, open('notes.txt').read())\n"
    "    except OSError:\n        return\n"
    "    print(answer)\n\n\n"
    "if __name__ == '__main__':\n    process_notes()\n"
)


def test_a_function_without_parameters_calling_a_wrapper_is_a_wrapper(cli, tmp_path):
    """It has nothing of its caller's to hand on: each call of it makes the request."""
    found = _routes(cli, tmp_path, {"notes.py": SCRIPT})
    request = line_of(SCRIPT, "model.generate_content")
    assert found == {
        ("notes.py", request): ("generate_content", None),
        ("notes.py", line_of(SCRIPT, "answer = generate(")): ("generate_content", request),
        ("notes.py", line_of(SCRIPT, "    process_notes()")): ("generate_content", request),
    }


NOT_CALLING = (
    "import google.generativeai as genai\n\n\n"
    "def generate(prompt):\n"
    "    return genai.GenerativeModel('gemini-1.5-flash').generate_content(prompt).text\n\n\n"
    "def pick():\n    return generate\n\n\n"
    "def log_only(path):\n    print(path)\n\n\n"
    "handler = pick()\nlog_only('x')\n"
)


def test_a_function_without_parameters_that_only_names_a_wrapper_is_no_request(cli, tmp_path):
    """`pick()` hands the wrapper back uncalled: calling `pick` makes no request."""
    found = _routes(cli, tmp_path, {"tools.py": NOT_CALLING})
    assert found == {("tools.py", line_of(NOT_CALLING, "generate_content")): ("generate_content", None)}


# --- a wrapper handed by its module's name to a helper that runs it ---------------------------

EXTRACTORS = (
    "import asyncio\nfrom openai import AsyncOpenAI\n\nclient = AsyncOpenAI()\n\n\n"
    "async def tags(prompt, text, model='gpt-4o-mini'):\n"
    "    reply = await client.chat.completions.create(model=model, messages=[{'role': 'user', 'content': prompt + text}])\n"
    "    return reply.choices[0].message.content\n\n\n"
    "async def tags_strict(prompt, text):\n"
    "    reply = await client.chat.completions.create(model='gpt-4o', messages=[{'role': 'user', 'content': prompt + text}])\n"
    "    return reply.choices[0].message.content\n\n\n"
    "async def for_each_prompt(step, prompts, *rest):\n"
    "    return await asyncio.gather(*[step(p, *rest) for p in prompts])\n"
)
PIPELINE = (
    "import extractors\n\n\n"
    "async def label(text, strict):\n"
    "    if strict:\n        step = extractors.tags_strict\n        rest = [text]\n"
    "    else:\n        step = extractors.tags\n        rest = [text, 'gpt-4o-mini']\n"
    "    return await extractors.for_each_prompt(step, ['short', 'long'], *rest)\n\n\n"
    "async def label_once(text):\n    step = extractors.tags\n    return await extractors.for_each_prompt(step, ['short'], text)\n"
)


def test_a_local_name_bound_to_a_modules_wrapper_and_handed_to_a_helper_is_run(cli, tmp_path):
    """`step = extractors.tags` (or another of its wrappers in another branch) handed to a
    helper runs as `tags` handed by its bare name does."""
    found = _routes(cli, tmp_path, {"extractors.py": EXTRACTORS, "pipeline.py": PIPELINE})
    loose, strict = line_of(EXTRACTORS, "reply = await client"), line_of(EXTRACTORS, "model='gpt-4o', messages")
    assert found[("pipeline.py", line_of(PIPELINE, "for_each_prompt(step"))][1] in (loose, strict)
    assert found[("pipeline.py", line_of(PIPELINE, "for_each_prompt(step, ['short']"))] == ("chat.completions.create", loose)
    assert len(found) == 4


KEPT_FOR_LATER = (
    "import extractors\nfrom django.urls import path\nfrom ui import Button, on\n\n"
    "urlpatterns = [path('tags/', extractors.tags)]\n\n\n"
    "def build(panel):\n    Button('Tag', extractors.tags)\n    panel.click(extractors.tags_strict, inputs=[])\n"
    "    step = panel.pick\n    on('click', step)\n"
)


def test_a_wrapper_registered_by_its_module_name_or_an_objects_method_is_kept_not_run(cli, tmp_path):
    """`path('tags/', extractors.tags)`, a button's `click(extractors.tags_strict)`: registered to
    be called later by a function or a method, not run there; a name bound to an object's method
    is no wrapper of the project. Handed to a class, `Button('Tag', extractors.tags)`, the function
    is registered: that line is a site reached through it (registrations.py), and only that one."""
    found = _routes(cli, tmp_path, {"extractors.py": EXTRACTORS, "screen.py": KEPT_FOR_LATER})
    assert {k for k in found if k[0] == "screen.py"} == {("screen.py", line_of(KEPT_FOR_LATER, "Button('Tag', extractors.tags)"))}
