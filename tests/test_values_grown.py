"""A system text bound once and then grown with `+=` (under an `if` too) is read, where the
request sends the name itself, as its head with and without what is appended (issue 15:
`prompt = TEMPLATE.format(...)`, then `if context: prompt += f"...{context}"`)."""
from __future__ import annotations

from claude_lint.bounds import MAX_OPTIONS

RULES = "Follow the Acme support policy in every answer. " * 300
HEAD = ("import boto3, datetime\nclient = boto3.client('bedrock-runtime')\n"
        f"RULES = {RULES!r} + 'Shop: {{shop}}.'\n\n"
        "def answer(q, shop, notes):\n    prompt = RULES.format(shop=shop)\n")
SEND = ("    return client.converse(modelId='anthropic.claude-3-5-haiku-20241022-v1:0',\n"
        "        messages=[{'role': 'user', 'content': [{'text': q}]}],\n"
        "        system=[{'text': prompt}, {'cachePoint': {'type': 'default'}}])\n")
CLOCK = "f'\\nNow: {datetime.datetime.now().isoformat()}'"


def cl006(project, body: str) -> list:
    found = project({"app.py": HEAD + body + SEND}, select=("CL006",))
    return [d.loc.row for d in found.diagnostics if d.code == "CL006"]


def test_a_clock_appended_under_an_if_fires_where_it_is_appended(project):
    assert cl006(project, f"    if notes:\n        prompt += {CLOCK}\n") == [8]


def test_a_clock_appended_after_other_growths_fires(project):
    assert cl006(project, f"    prompt += notes\n    for n in notes:\n        prompt += n\n    prompt += {CLOCK}\n") == [10]


def test_growth_without_a_named_value_stays_silent(project):
    assert cl006(project, "    if notes:\n        prompt += f'\\nNotes: {notes}'\n") == []
    assert cl006(project, "    if notes:\n        prompt += f'\\nToday: {datetime.date.today()}'\n") == []


def test_a_read_between_the_bindings_or_another_scope_growth_is_not_claimed(project):
    # sent before the clock is appended: the request holds only the head
    between = f"    sent = prompt\n    if notes:\n        prompt += {CLOCK}\n"
    sent_before = SEND.replace("'text': prompt}", "'text': sent}")
    assert project({"app.py": HEAD + between + sent_before}, select=("CL006",)).diagnostics == []
    # a nested function's `prompt` is its own name
    nested = f"    def later(prompt):\n        prompt += {CLOCK}\n        return prompt\n"
    assert cl006(project, nested) == []


def test_growth_from_itself_or_past_the_bound_stays_unread(project):
    assert cl006(project, f"    prompt += prompt\n    prompt += {CLOCK}\n") == []
    many = "    prompt += notes\n" * MAX_OPTIONS + f"    prompt += {CLOCK}\n"
    assert cl006(project, many) == []


HELPER = ("    def context(seen):\n        parts = [f'Current time: {datetime.datetime.now().isoformat()}']\n"
          "        if seen:\n            parts.append('Seen:')\n            parts.insert(AT, 'Earlier:')\n"
          "        return '\\n'.join(parts)\n    context_text = context(notes)\n"
          "    if context_text:\n        prompt += f'\\n\\nContext:\\n{context_text}'\n")


def test_an_insert_behind_the_head_of_a_joined_list_keeps_its_clock(project):
    assert cl006(project, HELPER.replace("AT", "1")) == [8]
    assert cl006(project, HELPER.replace("AT", "5")) == [8]  # past the known items: still behind the head


def test_an_insert_at_the_head_or_at_a_run_time_index_is_not_read(project):
    assert cl006(project, HELPER.replace("AT", "0")) == []
    assert cl006(project, HELPER.replace("AT", "len(parts)")) == []
