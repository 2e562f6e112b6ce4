"""Conversations sent in a JSON body (issue 16): Bedrock's `invoke_model(body=json.dumps(...))`
whose "messages" is the growing list, written in the call, through a local name and
`.encode()`, or returned by a helper (a def or a lambda) handed the list; and a module-level
agent loop that grows the list and calls a lambda sending it (sgpx/notes' computer-use
agent). The finding goes on the request, wherever the body is built."""
from __future__ import annotations

import pytest
from conftest import lint_tree, write_project

HEAD = "import json\nimport boto3\n\nrt = boto3.client('bedrock-runtime')\nMODEL = 'anthropic.claude-sonnet-4-5-20250929-v1:0'\n"
# a tool loop at module level; SEND is the request's line
LOOP = (HEAD + "HELPER\nsteps = [{'role': 'user', 'content': task}]\nwhile True:\n    out = SEND\n"
        "    steps.append({'role': 'assistant', 'content': out['content']})\n    steps.append({'role': 'user', 'content': run_tools(out)})\n")
DIRECT = "json.loads(rt.invoke_model(modelId=MODEL, body=BODY)['body'].read())"
DICT = "{'anthropic_version': 'bedrock-2023-05-31', 'max_tokens': 512, 'messages': LIST}"


def rows(tmp_path, source: str, rule: str) -> list:
    write_project(tmp_path, {"agent.py": source}, suite=False)
    return [d.loc.row for d in lint_tree(tmp_path, suite=False, select=(rule,)).diagnostics if d.code == rule]


@pytest.mark.parametrize("helper, body", [
    ("", "json.dumps(" + DICT.replace("LIST", "steps") + ")"),
    ("def make(history):\n    return " + DICT.replace("LIST", "history") + "\n", "json.dumps(make(steps))"),
    ("make = lambda msgs: " + DICT.replace("LIST", "msgs") + "\n", "json.dumps(make(msgs=steps)).encode('utf-8')"),
])
@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_growing_list_in_a_json_body_is_resent_whole(tmp_path, rule, helper, body):
    source = LOOP.replace("HELPER", helper).replace("SEND", DIRECT.replace("BODY", body))
    assert rows(tmp_path, source, rule) == [source.splitlines().index("    out = " + DIRECT.replace("BODY", body)) + 1]


@pytest.mark.parametrize("helper, body", [
    ("", "json.dumps(" + DICT.replace("LIST", "steps[-10:]") + ")"),  # a window
    ("def make(history):\n    return " + DICT.replace("LIST", "history[-10:]") + "\n", "json.dumps(make(steps))"),
    ("def make(history):\n    return " + DICT.replace("LIST", "[history[0]]") + "\n", "json.dumps(make(steps))"),
])
@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_window_in_a_json_body_is_silent(tmp_path, rule, helper, body):
    assert rows(tmp_path, LOOP.replace("HELPER", helper).replace("SEND", DIRECT.replace("BODY", body)), rule) == []


# the request in a lambda that reads the module's list; the loop calls it, then grows the list
LAMBDA = (HEAD + "history = [{'role': 'user', 'content': task}]\n"
          "send = lambda: json.loads(rt.invoke_model(modelId=MODEL, body=json.dumps(" + DICT.replace("LIST", "history") + "))['body'].read())\n"
          "LOOP:\n    out = send()\n    history.append({'role': 'assistant', 'content': out['content']})\n"
          "    history.append({'role': 'user', 'content': run_tools(out)})\n")


@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_module_loop_calling_the_sender_grows_its_list(tmp_path, rule):
    assert rows(tmp_path, LAMBDA.replace("LOOP", "while True"), rule) == [7]


def test_a_capped_module_loop_is_cl011s_only(tmp_path):
    source = LAMBDA.replace("LOOP", "for step in range(40)")
    assert (rows(tmp_path, source, "CL004"), rows(tmp_path, source, "CL011")) == ([], [7])


@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_examples_built_at_import_are_no_conversation(tmp_path, rule):
    # a module loop growing the list without calling the sender: few-shot examples, built once
    source = (HEAD + "shots = []\nfor q, a in PAIRS:\n    shots += [{'role': 'user', 'content': q}, {'role': 'assistant', 'content': a}]\n"
              "def ask(q):\n    return rt.invoke_model(modelId=MODEL, body=json.dumps(" + DICT.replace("LIST", "shots + [{'role': 'user', 'content': q}]") + "))\n")
    assert rows(tmp_path, source, rule) == []


# a wrapper sends the list it is handed in its body; the REPL around its call grows the list
WRAPPER = ("import json\nimport boto3\n\n\ndef converse(messages):\n    rt = boto3.client('bedrock-runtime')\n"
           "    body = json.dumps({'anthropic_version': 'bedrock-2023-05-31', 'max_tokens': 1024, 'messages': SENT})\n"
           "    out = rt.invoke_model(modelId='anthropic.claude-sonnet-4-5-20250929-v1:0', body=body.encode('utf-8'))\n"
           "    return json.loads(out['body'].read())['content'][0]['text']\n\n\nturns = []\nwhile True:\n"
           "    turns.append({'role': 'user', 'content': input()})\n    answer = converse(turns)\n"
           "    turns.append({'role': 'assistant', 'content': answer})\n")


@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_wrapper_sending_the_list_in_its_body_resends_the_callers_conversation(tmp_path, rule):
    assert rows(tmp_path, WRAPPER.replace("SENT", "messages"), rule) == [15]


@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_wrapper_sending_a_window_in_its_body_is_silent(tmp_path, rule):
    assert rows(tmp_path, WRAPPER.replace("SENT", "messages[-8:]"), rule) == []


@pytest.mark.parametrize("model, found", [("anthropic.claude-sonnet-4-5-20250929-v1:0", {"CL004": [15], "CL011": [15]}),
                                          ("mistral.mistral-large-2402-v1:0", {"CL004": [15], "CL011": []})])
@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_body_among_the_spread_arguments_is_read(tmp_path, rule, model, found):
    # `invoke_model(**kwargs)`, the body one key of the dict; another vendor's model has no breakpoints
    spread = (WRAPPER.replace("SENT", "messages").replace("body = json.dumps(", "kwargs = {'modelId': 'MODEL', 'body': json.dumps(")
              .replace("'messages': messages})\n", "'messages': messages})}\n")
              .replace("rt.invoke_model(modelId='anthropic.claude-sonnet-4-5-20250929-v1:0', body=body.encode('utf-8'))", "rt.invoke_model(**kwargs)"))
    assert rows(tmp_path, spread.replace("MODEL", model), rule) == found[rule]
