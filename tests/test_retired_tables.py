"""CL007 on a model table another module writes, looked up by a run-time key: each retired
value once, where it is written; a written key reads only its own entry."""
from conftest import lint_tree, write_project

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
TABLE = "PICKS = {\n    'quick': 'claude-3-5-haiku-20241022',\n    'deep': 'claude-opus-4-8',\n    'old': 'claude-2.1',\n}\n"


def _found(tmp_path, files):
    write_project(tmp_path, files, suite=False)
    return lint_tree(tmp_path, suite=False, select=("CL007",)).diagnostics


def test_each_retired_value_once_where_it_is_written(tmp_path):
    ask = HEAD + "from pkg.table import PICKS\ndef ask(kind):\n    return client.messages.create(model=PICKS[kind], max_tokens=300, messages=[])\n"
    again = HEAD + "from pkg.table import PICKS\ndef other(kind):\n    return client.messages.create(model=PICKS[kind], max_tokens=90, messages=[])\n"
    found = _found(tmp_path, {"pkg/__init__.py": "", "pkg/table.py": TABLE, "pkg/ask.py": ask, "pkg/other.py": again})
    assert sorted((d.loc.path.rsplit("/", 1)[-1], d.loc.row) for d in found) == [("table.py", 2), ("table.py", 4)]


def test_an_inner_table_by_a_run_time_key(tmp_path):
    table = "BY_HOST = {'cloud': " + TABLE.split("=", 1)[1].strip() + ", 'home': {'any': 'claude-3-opus-20240229'}}\n"
    ask = HEAD + "from pkg.table import BY_HOST\ndef ask(kind):\n    return client.messages.create(model=BY_HOST['cloud'][kind], max_tokens=300, messages=[])\n"
    found = _found(tmp_path, {"pkg/__init__.py": "", "pkg/table.py": table, "pkg/ask.py": ask})
    assert sorted(d.loc.row for d in found) == [2, 4]  # not the 'home' table's model


def test_silent_for_a_written_key_of_a_current_model(tmp_path):
    ask = HEAD + "from pkg.table import PICKS\nclient.messages.create(model=PICKS['deep'], max_tokens=300, messages=[])\n"
    assert _found(tmp_path, {"pkg/__init__.py": "", "pkg/table.py": TABLE, "pkg/ask.py": ask}) == []


def test_silent_for_a_table_of_something_else(tmp_path):
    prices = "PRICES = {'claude-2.1': 8.0, 'claude-opus-4-8': 5.0}\n"
    ask = (HEAD + "from pkg.prices import PRICES\ndef ask(model):\n    cost = PRICES[model]\n"
           "    return client.messages.create(model='claude-opus-4-8', max_tokens=300, messages=[])\n")
    assert _found(tmp_path, {"pkg/__init__.py": "", "pkg/prices.py": prices, "pkg/ask.py": ask}) == []


def test_silent_for_a_table_its_module_replaces_at_run_time(tmp_path):
    table = "import json\n" + TABLE + "PICKS.clear()\nPICKS.update(json.load(open('picks.json')))\n"
    ask = HEAD + "from pkg.table import PICKS\ndef ask(kind):\n    return client.messages.create(model=PICKS[kind], max_tokens=300, messages=[])\n"
    assert _found(tmp_path, {"pkg/__init__.py": "", "pkg/table.py": table, "pkg/ask.py": ask}) == []


def test_silent_for_a_table_the_reading_module_changes(tmp_path):
    ask = (HEAD + "from pkg.table import PICKS\ndef ask(kind, more):\n    PICKS.update(more)\n"
           "    return client.messages.create(model=PICKS[kind], max_tokens=300, messages=[])\n")
    assert _found(tmp_path, {"pkg/__init__.py": "", "pkg/table.py": TABLE, "pkg/ask.py": ask}) == []


def test_get_with_a_run_time_key_reads_every_value_and_the_fallback(tmp_path):
    ask = (HEAD + "from pkg.table import PICKS\ndef ask(kind):\n"
           "    return client.messages.create(model=PICKS.get(kind, 'claude-3-opus-20240229'), max_tokens=300, messages=[])\n")
    found = _found(tmp_path, {"pkg/__init__.py": "", "pkg/table.py": TABLE, "pkg/ask.py": ask})
    assert sorted((d.loc.path.rsplit("/", 1)[-1], d.loc.row) for d in found) == [("ask.py", 5), ("table.py", 2), ("table.py", 4)]


def test_silent_for_get_of_a_current_table_or_of_a_module(tmp_path):
    table = "PICKS = {'quick': 'claude-haiku-4-5', 'deep': 'claude-opus-4-8'}\n"
    ask = (HEAD + "import requests\nfrom pkg.table import PICKS\ndef ask(kind, url):\n    requests.get(url)\n"
           "    return client.messages.create(model=PICKS.get(kind), max_tokens=300, messages=[])\n")
    assert _found(tmp_path, {"pkg/__init__.py": "", "pkg/table.py": table, "pkg/ask.py": ask}) == []
