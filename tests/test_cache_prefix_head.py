"""CL006 at the head of a prompt a provider caches by itself, read message after message:
the value counts only against the fixed text right behind it, and only where the provider
caches prefixes on its own (OpenAI, not a third-party service, not Claude without a mark)."""
from __future__ import annotations

from claude_lint.checks import cache_prefix_head as prompt_head

from conftest import lint_tree, write_project

RULES = prompt_head.RULES


def _found(tmp_path, call):
    write_project(tmp_path, suite=False, example={"bot.py": prompt_head.ASK.format(call=call)})
    return lint_tree(tmp_path, suite=False, select=("CL006",)).diagnostics


def _chat(messages):
    return prompt_head.CHAT.format(messages=messages)


def test_the_clock_opening_the_only_message_names_what_it_keeps_out_of_the_cache(tmp_path):
    found = _found(tmp_path, _chat('{"role": "user", "content": f"Now: {datetime.datetime.now()}\\n{RULES}\\n{q}"}'))
    assert len(found) == 1, found
    assert found[0].loc.row == 5
    assert "sits at the head of the prompt, ahead of ~3,00" in found[0].message
    assert "the full input price instead of a cached read" in found[0].message


def test_the_fixed_text_counts_only_up_to_the_next_run_time_part(tmp_path):
    assert not _found(tmp_path, _chat('{"role": "user", "content": f"Now: {datetime.datetime.now()}\\n{q}\\n{RULES}"}'))
    assert not _found(tmp_path, _chat('{"role": "system", "content": f"Now: {datetime.datetime.now()}"}, '
                                      '{"role": "user", "content": q}, {"role": "system", "content": RULES}'))


def test_a_message_the_linter_cannot_read_ends_the_head(tmp_path):
    assert not _found(tmp_path, _chat('{"role": "system", "content": f"Now: {datetime.datetime.now()}"}, *history, '
                                      '{"role": "system", "content": RULES}'))


def test_a_loop_item_at_the_head_of_a_message_is_its_content_not_a_stamp(tmp_path):
    loop = "def run(docs):\n    for doc in docs:\n        OpenAI()." + _chat('{"role": "user", "content": f"{doc}\\n{RULES}"}') + ")\n"
    write_project(tmp_path, suite=False, example={"bot.py": prompt_head.ASK.format(call=_chat("")) + loop})
    assert not lint_tree(tmp_path, suite=False, select=("CL006",)).diagnostics


def test_only_where_the_provider_caches_by_itself(tmp_path):
    head = '{"role": "user", "content": f"Now: {datetime.datetime.now()}\\n{RULES}\\n{q}"}'
    for client in ("OpenAI(base_url='https://openrouter.ai/api/v1')", "OpenAI(base_url='http://localhost:11434/v1')"):
        write_project(tmp_path, suite=False, example={"bot.py": prompt_head.ASK.format(call=_chat(head)).replace("OpenAI()", client)})
        assert not lint_tree(tmp_path, suite=False, select=("CL006",)).diagnostics, client
    claude = ("import anthropic, datetime\n" + f"RULES = {RULES!r}\n" + "def ask(q):\n    return anthropic.Anthropic().messages.create("
              "model='claude-sonnet-4-6', max_tokens=300, messages=[{'role': 'user', 'content': f'Now: {datetime.datetime.now()}\\n{RULES}\\n{q}'}])\n")
    write_project(tmp_path, suite=False, example={"bot.py": claude})
    assert not lint_tree(tmp_path, suite=False, select=("CL006",)).diagnostics


def test_a_clock_helper_is_read_by_its_name_and_its_time_of_day_format():
    from claude_lint.checks.cache_prefix_history import clock_helper, resolution

    assert clock_helper("get_local_time():%d/%m/%Y %H:%M") and clock_helper("self._now().strftime('%H:%M:%S')")
    assert clock_helper("clock.currentTime().strftime('%I:%M %p')")
    # a date, an argument (a stored time), a name that is not a call
    assert not clock_helper("get_local_time():%d/%m/%Y")
    assert not clock_helper("parse_time(row):%H:%M") and not clock_helper("start_time:%H:%M")
    assert not clock_helper("user.last_login_time().strftime('%H:%M')")
    # ahead of a resent conversation the message says the clock's unit, not "new on every request"
    assert resolution("get_local_time():%H:%M") == "the minute"
