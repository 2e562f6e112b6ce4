"""CL007 on the model an object keeps in `self` (no declared field) where the object is got by a
function's return annotation or handed in annotated: what `__init__` sets and what the file
assigns to objects of that class, each reported once where it is written."""
from conftest import lint_tree, write_project

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
USER = ("class User:\n    def __init__(self, uid):\n        self.uid = uid\n        self.model = {start}\n"
        "users = {{}}\ndef user(uid) -> User:\n    if uid not in users:\n        users[uid] = User(uid)\n    return users[uid]\n")
ASK = ("def ask(uid, text):\n    u = user(uid)\n"
       "    return client.messages.create(model=u.model, max_tokens=300, messages=[{'role': 'user', 'content': text}])\n")


def _rows(tmp_path, text):
    write_project(tmp_path, {"bot.py": text}, suite=False)
    return sorted(d.loc.row for d in lint_tree(tmp_path, suite=False, select=("CL007",)).diagnostics)


def test_the_constructor_value_and_every_value_set_on_such_an_object(tmp_path):
    text = (HEAD + USER.format(start="'claude-3-5-haiku-20241022'") + ASK
            + "def upgrade(uid):\n    u = user(uid)\n    u.model = 'claude-3-opus-20240229'\n"
              "def reset(u: User):\n    u.model = 'claude-haiku-4-5'\n")
    assert _rows(tmp_path, text) == [6, 17]


def test_an_object_handed_in_annotated(tmp_path):
    text = (HEAD + USER.format(start="'claude-3-5-haiku-20241022'")
            + "def ask(u: User, text):\n    return client.messages.create(model=u.model, max_tokens=300, messages=[])\n")
    assert _rows(tmp_path, text) == [6]


def test_silent_when_every_value_is_current(tmp_path):
    text = (HEAD + USER.format(start="'claude-haiku-4-5'") + ASK
            + "def upgrade(uid):\n    u = user(uid)\n    u.model = 'claude-opus-4-8'\n")
    assert _rows(tmp_path, text) == []


def test_silent_for_a_value_set_on_an_object_of_unknown_class(tmp_path):
    text = (HEAD + USER.format(start="'claude-haiku-4-5'") + ASK
            + "def upgrade(uid):\n    u = users[uid]\n    u.model = 'claude-3-opus-20240229'\n")
    assert _rows(tmp_path, text) == []


def test_silent_when_the_constructor_takes_the_model_from_its_caller(tmp_path):
    kept = USER.format(start="model").replace("(self, uid)", "(self, uid, model)").replace("User(uid)", "User(uid, model)")
    text = HEAD + "import os\n" + kept.replace("def user(uid)", "def user(uid, model=os.environ['MODEL'])") + ASK
    assert _rows(tmp_path, text) == []


def test_a_value_assigned_from_the_attribute_itself_ends(tmp_path):
    text = (HEAD + USER.format(start="'claude-haiku-4-5'") + ASK
            + "def keep(uid):\n    u = user(uid)\n    u.model = u.model or 'claude-3-opus-20240229'\n")
    assert _rows(tmp_path, text) == [17]
