"""An INI file's option as configparser reads it (extract/config_values.ini_value), where the
finding about a model written there lands."""
from claude_lint.extract.config_values import ini_value

INI = """# settings
[DEFAULT]
model = gpt-4o

[OpenAI]
Base_URL: https://api.openai.com/v1
CHATGPT_MODEL = gpt-3.5-turbo-0301
multi = first
    second
templated = %(model)s-mini

[Azure]
CHATGPT_MODEL =
"""


def test_option_in_its_section_case_insensitive_with_its_column():
    assert ini_value(INI, "OpenAI", "chatgpt_model") == (7, 17, "gpt-3.5-turbo-0301")
    assert ini_value(INI, "OpenAI", "base_url") == (6, 11, "https://api.openai.com/v1")


def test_default_section_stands_behind_every_other():
    assert ini_value(INI, "Azure", "model") == (3, 9, "gpt-4o")


def test_empty_missing_continued_or_interpolated_values():
    assert ini_value(INI, "Azure", "CHATGPT_MODEL")[2] == ""
    assert ini_value(INI, "Azure", "nothing") is None
    assert ini_value(INI, "Nowhere", "CHATGPT_MODEL") is None
    assert ini_value(INI, "OpenAI", "multi") is None
    assert ini_value(INI, "OpenAI", "templated") is None
