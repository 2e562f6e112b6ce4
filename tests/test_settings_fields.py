"""A model ID held by a settings object another module builds (`settings = Settings()`, a
getter returning one), a class attribute read from the environment with a default, Django's
`getattr(settings, "X", default)`: the written default is what the request sends unless the
run sets another, so CL007 judges it (extract/config_values.instance_fields, got_field)."""
from conftest import lint_tree, write_project

SETTINGS = '''from functools import lru_cache
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    api_key: str
    model: str = "claude-3-sonnet-20240229"
    bare_model: str


settings = Settings()


@lru_cache
def get_settings() -> Settings:
    return Settings()
'''

ASK = "import anthropic\n{imports}\n\ndef ask(text):\n    {before}return anthropic.Anthropic().messages.create(model={model}, max_tokens=64, messages=[{{'role': 'user', 'content': text}}])\n"


def _retired(tmp_path, files):
    write_project(tmp_path, files, suite=False)
    return sorted((d.loc.path.rsplit("/", 1)[-1], d.loc.row) for d in lint_tree(tmp_path, suite=False, select=("CL007",)).diagnostics)


def test_instance_built_in_another_module_sends_the_field_default(tmp_path):
    app = ASK.format(imports="from config import settings", before="", model="settings.model")
    assert _retired(tmp_path, {"config.py": SETTINGS, "app.py": app}) == [("config.py", 7)]


def test_getter_called_at_the_request_or_bound_first(tmp_path):
    direct = ASK.format(imports="from config import get_settings", before="", model="get_settings().model")
    bound = ASK.format(imports="from config import get_settings", before="s = get_settings()\n    ", model="s.model")
    assert _retired(tmp_path / "a", {"config.py": SETTINGS, "app.py": direct}) == [("config.py", 7)]
    assert _retired(tmp_path / "b", {"config.py": SETTINGS, "app.py": bound}) == [("config.py", 7)]


def test_plain_class_instance_and_class_attribute_with_an_environment_default(tmp_path):
    config = ("import os\n\n\nclass Config:\n    MODEL = os.getenv('MODEL', 'claude-3-opus-20240229')\n"
              "    OTHER = os.getenv('OTHER')\n    NAME = 'claude-2.1'\n\n\nconfig = Config()\n")
    by_class = ASK.format(imports="from config import Config", before="", model="Config.MODEL")
    by_instance = ASK.format(imports="from config import config", before="", model="config.NAME")
    assert _retired(tmp_path / "a", {"config.py": config, "app.py": by_class}) == [("config.py", 5)]
    assert _retired(tmp_path / "b", {"config.py": config, "app.py": by_instance}) == [("config.py", 7)]


def test_django_getattr_of_settings_with_a_default(tmp_path):
    app = ("import anthropic\nfrom django.conf import settings\n\nMODEL = getattr(settings, 'ANTHROPIC_MODEL', 'claude-2')\n\n\n"
           "def ask(text):\n    return anthropic.Anthropic().messages.create(model=MODEL, max_tokens=64, messages=[])\n")
    assert _retired(tmp_path, {"app.py": app}) == [("app.py", 4)]


def test_silent_when_the_instance_is_built_with_the_field_or_it_has_no_default(tmp_path):
    given = SETTINGS.replace("settings = Settings()", "settings = Settings(model=os.environ['MODEL'])")
    spread = SETTINGS.replace("settings = Settings()", "settings = Settings(**load())")
    app = ASK.format(imports="from config import settings", before="", model="settings.model")
    assert _retired(tmp_path / "a", {"config.py": "import os\n" + given, "app.py": app}) == []
    assert _retired(tmp_path / "b", {"config.py": spread, "app.py": app}) == []
    set_after = SETTINGS + "settings.model = os.environ['MODEL']\n"
    assert _retired(tmp_path / "e", {"config.py": "import os\n" + set_after, "app.py": app}) == []
    bare = ASK.format(imports="from config import settings", before="", model="settings.bare_model")
    assert _retired(tmp_path / "c", {"config.py": SETTINGS, "app.py": bare}) == []


def test_silent_for_a_field_set_in_init_a_getter_given_arguments_or_no_written_default(tmp_path):
    config = ("import os\n\n\nclass Config:\n    MODEL = 'claude-2.1'\n    OTHER = os.getenv('OTHER')\n\n"
              "    def __init__(self):\n        self.MODEL = os.environ['MODEL']\n\n\nconfig = Config()\n\n\n"
              "def get_config(name):\n    return Config()\n")
    set_in_init = ASK.format(imports="from config import config", before="", model="config.MODEL")
    no_default = ASK.format(imports="from config import Config", before="", model="Config.OTHER")
    with_arguments = ASK.format(imports="from config import get_config", before="", model="get_config('prod').MODEL")
    assert _retired(tmp_path / "a", {"config.py": config, "app.py": set_in_init}) == []
    assert _retired(tmp_path / "b", {"config.py": config, "app.py": no_default}) == []
    assert _retired(tmp_path / "c", {"config.py": config, "app.py": with_arguments}) == []
    django = "from django.conf import settings\nMODEL = getattr(settings, 'ANTHROPIC_MODEL')\n"
    app = ASK.format(imports="from config import MODEL", before="", model="MODEL")
    assert _retired(tmp_path / "d", {"config.py": django, "app.py": app}) == []


def test_getattr_of_an_object_of_its_own_is_no_settings_default(tmp_path):
    app = ("import anthropic\n\n\nclass Translator:\n    def ask(self, text):\n"
           "        return anthropic.Anthropic().messages.create(model=getattr(self, 'model', 'claude-2'), max_tokens=64, messages=[])\n")
    assert _retired(tmp_path, {"app.py": app}) == []


def test_settings_object_re_exported_by_a_package(tmp_path):
    app = ASK.format(imports="from app import settings", before="", model="settings.model")
    files = {"app/__init__.py": "from app.config import settings\n", "app/config.py": SETTINGS, "main.py": app}
    assert _retired(tmp_path, files) == [("config.py", 7)]
