"""Request shapes the ninth blind set missed (eval/realworld/misses-blind9.md), each written
anew: what must be recognised, and the look-alikes that must not."""
from __future__ import annotations

from conftest import line_of, report_routes


def _routes(cli, tmp_path, example) -> dict:
    """(file, line) -> (api, the line of the request it reaches: None for the request itself, model)."""
    return {(r["filename"], r["line"]): (r["api"], (r["via"] or {}).get("line"), r["model"])
            for r in report_routes(cli, tmp_path, example)}


# --- a request-making function handed by name to a framework that calls it later -----------------

BOT = (
    "import openai\n"
    "from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, Updater, filters\n\n"
    "messages = [{'role': 'system', 'content': 'You are a helpful bot.'}]\n\n\n"
    "def text_message(update, context, model='gpt-4o-mini'):\n"
    "    messages.append({'role': 'user', 'content': update.message.text})\n"
    "    r = openai.ChatCompletion.create(model=model, messages=messages, max_tokens=300)\n"
    "    update.message.reply_text(r['choices'][0]['message']['content'])\n\n\n"
    "def start(update, context):\n"
    "    update.message.reply_text('hi')\n\n\n"
    "def main():\n"
    "    updater = Updater('token')\n"
    "    updater.dispatcher.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, text_message))\n"
    "    updater.dispatcher.add_handler(CommandHandler('ask', callback=text_message))\n"
    "    updater.dispatcher.add_handler(CommandHandler('start', start))\n"
    "    conv = ConversationHandler(entry_points=[CommandHandler('start', start)],\n"
    "                               states={1: [MessageHandler(filters.TEXT, text_message)]}, fallbacks=[])\n"
    "    updater.dispatcher.add_handler(conv)\n"
    "    updater.start_polling()\n\n\n"
    "if __name__ == '__main__':\n"
    "    main()\n"
)


def test_a_handler_registered_by_name_is_a_site_reached_through_it(cli, tmp_path):
    """`MessageHandler(filters, text_message)` keeps the function and the bot calls it on every
    message: the registration (positional, `callback=`, or a conversation state's) is a route
    through the handler's request, with the model the handler's request sends (its default:
    the framework passes `update` and `context`, not the model)."""
    found = _routes(cli, tmp_path, {"bot.py": BOT})
    request = line_of(BOT, "openai.ChatCompletion.create(")
    for needle in ("MessageHandler(filters.TEXT & ~", "callback=text_message", "states={1: [MessageHandler("):
        assert found[("bot.py", line_of(BOT, needle))] == ("ChatCompletion.create (openai<1.0)", request, "gpt-4o-mini"), needle


def test_registering_a_handler_makes_no_request_of_its_own(cli, tmp_path):
    """A handler that makes no request is no site; and the function that registers (main)
    makes no request by registering, so its own call is no site either."""
    found = _routes(cli, tmp_path, {"bot.py": BOT})
    assert ("bot.py", line_of(BOT, "CommandHandler('start', start))")) not in found
    assert ("bot.py", line_of(BOT, "    main()")) not in found


LOOKS = (
    "import inspect\n"
    "from anthropic import Anthropic\n"
    "from fasthtml.common import Form\n"
    "from typing import TypeVar\n\n"
    "client = Anthropic()\n\n\n"
    "def ask(question):\n"
    "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=512, messages=[{'role': 'user', 'content': question}])\n\n\n"
    "HANDLERS = {'ask': ask}\n"
    "signature = inspect.signature(ask)\n"
    "usable = callable(ask)\n"
    "page = Form(hx_post=ask, hx_target='#out')\n"
    "T = TypeVar('T', bound=ask)\n"
)


def test_a_function_only_named_stored_or_looked_at_is_no_site(cli, tmp_path):
    """A reference kept in a dict, one a call only inspects (`inspect.signature`, `callable`),
    a keyword that only names the function (FastHTML's `hx_post=` writes its route's path into
    the page) and a class that reads it as a type (`TypeVar(bound=...)`) call nothing."""
    found = _routes(cli, tmp_path, {"app.py": LOOKS})
    assert set(found) == {("app.py", line_of(LOOKS, "client.messages.create("))}


MAPPED = (
    "from concurrent.futures import ThreadPoolExecutor\n"
    "from anthropic import Anthropic\n\n"
    "client = Anthropic()\n\n\n"
    "def summarise(text):\n"
    "    return client.messages.create(model='claude-haiku-4-5', max_tokens=256, messages=[{'role': 'user', 'content': text}])\n\n\n"
    "def run(texts):\n"
    "    done = list(map(summarise, texts))\n"
    "    with ThreadPoolExecutor() as pool:\n"
    "        done += list(pool.map(summarise, texts))\n"
    "    return done\n"
)


def test_a_function_handed_to_map_is_still_called_there(cli, tmp_path):
    """`map(f, xs)` and a pool's `map` run the function on each item now: sites as before."""
    found = _routes(cli, tmp_path, {"jobs.py": MAPPED})
    request = line_of(MAPPED, "client.messages.create(")
    assert found[("jobs.py", line_of(MAPPED, "list(map(summarise"))][1] == request
    assert found[("jobs.py", line_of(MAPPED, "pool.map(summarise"))][1] == request
