"""The noqa module: its comment scan agrees with Python's tokenizer, and one placement
serves the engine's reading, the editor's action and --add-noqa."""
from __future__ import annotations

import io
import os
import tokenize

import pytest

from claude_lint import noqa

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _tokenized(text):
    return [(t.start[0], t.start[1], t.string) for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.COMMENT]


SHAPES = [
    'x = "# noqa"  # noqa: CL001\n',
    "s = '''\n# noqa\n'''  # real\n",
    's = """a\\"""# no\n"""\nt = 1 # after\n',
    "f(a,  # one\n  b)  # two\r\nc = r'\\'#' # three\n",
    "x = 'a\\\n# inside' # out\n",
    "d = f\"{x['#']}\"  # tail\n",
    "x = 1 \\\n  + 2  # cont\n",
    "# only\n\n    # indented\n",
]


@pytest.mark.parametrize("text", SHAPES)
def test_comments_are_the_tokenizers(text):
    assert list(noqa.comments(text)) == _tokenized(text)


def test_comments_of_this_repository_are_the_tokenizers():
    checked = 0
    for folder in ("claude_lint", "tests"):
        for dirpath, _, names in os.walk(os.path.join(ROOT, folder)):
            for name in names:
                if name.endswith(".py"):
                    with open(os.path.join(dirpath, name), "rb") as fh:
                        data = fh.read()
                    try:
                        text = data.decode(tokenize.detect_encoding(io.BytesIO(data).readline)[0])
                        expected = _tokenized(text)
                    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError):
                        continue
                    assert list(noqa.comments(text)) == expected, name
                    checked += 1
    assert checked > 100


def test_line_noqa_reads_codes_and_stops_at_the_last_mention():
    text = 'a = "# noqa"\nb()  # noqa\nc()  # noqa: cl001,CL002\n"""\n# noqa: CL003\n"""\n'
    assert noqa.line_noqa(text) == [(2, None), (3, ("CL001", "CL002"))]
    assert noqa.line_noqa("x = 1  # NoQA\n") == []  # neither spelling the extractor ever read
    assert noqa.line_noqa("x = 1\n") == []


def test_placement_moves_past_strings_and_continuations():
    text = (
        'f("""a\n'
        'b""", x)\n'
        "y = 1 + \\\n"
        "    2\n"
        "z()  # why\n"
        "w()  # noqa: CL003\n"
        "v()  # noqa\n"
    )
    assert noqa.placements(text, {1: {"CL002"}, 3: {"CL001"}, 5: {"CL001"}, 6: {"CL001", "CL003"}, 7: {"CL004"}}) == [
        (2, 8, 8, "  # noqa: CL002"),
        (4, 5, 5, "  # noqa: CL001"),
        (5, 10, 10, "  # noqa: CL001"),
        (6, 18, 18, ", CL001"),
    ]


def test_a_comment_ending_in_a_backslash_is_no_continuation():
    text = "x = 1  # see C:\\\ny = 2\n"
    assert noqa.placements(text, {1: {"CL001"}}) == [(1, 16, 16, "  # noqa: CL001")]
