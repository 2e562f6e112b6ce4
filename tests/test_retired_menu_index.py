"""CL007 on a menu the request indexes with its own model: each retired key, once, where it is written."""
from conftest import lint_tree, write_project

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
BOT = (HEAD + "class Bot:\n    CHOICES = {{\n        'claude-sonnet-4-6': {{'cap': 8000}},\n        'claude-3-opus-20240229': {{'cap': 4000}},\n    }}\n"
       "    def use(self, name):\n        if name not in self.CHOICES:\n            raise ValueError(name)\n        self.model = name\n{extra}"
       "    def ask(self, text):\n        client.messages.create(model=self.model, max_tokens=self.CHOICES[self.model]['cap'], messages=[])\n"
       "    def again(self, text):\n        client.messages.create(model=self.model, max_tokens=self.CHOICES[self.model]['cap'], messages=[])\n")


def _found(tmp_path, text):
    write_project(tmp_path, {"app.py": text}, suite=False)
    return lint_tree(tmp_path, suite=False, select=("CL007",)).diagnostics


def test_a_retired_key_is_reported_once_where_it_is_written(tmp_path):
    found = _found(tmp_path, BOT.format(extra=""))
    assert [d.loc.row for d in found] == [6]
    assert "claude-3-opus-20240229" in found[0].message


def test_a_module_menu_indexed_by_a_parameter(tmp_path):
    text = (HEAD + "LIMITS = {'claude-3-haiku-20240307': 4000, 'claude-haiku-4-5': 8000}\n"
            "def ask(model, text):\n    return client.messages.create(model=model, max_tokens=LIMITS[model], messages=[])\n")
    assert [d.loc.row for d in _found(tmp_path, text)] == [3]


def test_silent_when_the_menu_is_changed_at_run_time(tmp_path):
    extra = "    def load(self, more):\n        self.CHOICES = more\n"
    assert _found(tmp_path, BOT.format(extra=extra)) == []


def test_silent_when_the_dict_is_indexed_by_something_else(tmp_path):
    text = (HEAD + "PRICES = {'claude-3-haiku-20240307': 0.25, 'claude-haiku-4-5': 1.0}\n"
            "def ask(model, tier, text):\n    return client.messages.create(model=model, max_tokens=300, metadata={'user_id': str(PRICES[tier])}, messages=[])\n")
    assert _found(tmp_path, text) == []


def test_a_written_model_is_judged_as_written_not_through_the_menu(tmp_path):
    text = (HEAD + "LIMITS = {'claude-3-haiku-20240307': 4000, 'claude-haiku-4-5': 8000}\n"
            "client.messages.create(model='claude-haiku-4-5', max_tokens=LIMITS['claude-haiku-4-5'], messages=[])\n")
    assert _found(tmp_path, text) == []
