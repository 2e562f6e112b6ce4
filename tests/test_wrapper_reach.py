"""Wrapper calls the blind sets showed unreached (issue 14, session 12): a call through an
attribute annotated with an abstract base whose implementation sits in another package.
Each is shown recognised, and its look-alikes silent."""
from __future__ import annotations

import os

from conftest import line_of, report_routes


def _routes(cli, tmp_path, example) -> dict:
    """(file, line) -> the line of the request it reaches (None: the request itself)."""
    return {(r["filename"], r["line"]): (r["via"] or {}).get("line") for r in report_routes(cli, tmp_path, example)}


BASE = "from abc import ABC, abstractmethod\n\n\nclass Responder(ABC):\n    @abstractmethod\n    def respond(self, messages):\n        ...\n"
GEMINI = (
    "from google import genai\nfrom contracts.base import Responder\n\n\nclass GeminiResponder(Responder):\n"
    "    def __init__(self):\n        self.client = genai.Client()\n\n"
    "    def respond(self, messages):\n"
    "        return self.client.models.generate_content(model='gemini-2.5-flash', contents=messages).text\n"
)
REPORTS = (
    "from contracts.base import Responder\n\n\nclass Reporter:\n    def __init__(self, responder: Responder):\n"
    "        self.responder = responder\n\n    def digest(self, notes):\n        return self.responder.respond([notes])\n"
)
MAIN = "from engines.gemini import GeminiResponder\nfrom services.reports import Reporter\n\nprint(Reporter(GeminiResponder()).digest('q3 notes'))\n"
# Another abstract base of another package, a method of the same name, no request behind it.
STORE_BASE = "from abc import ABC, abstractmethod\n\n\nclass Store(ABC):\n    @abstractmethod\n    def respond(self, key):\n        ...\n"
STORE_USER = (
    "from stores.base import Store\n\n\nclass Cache:\n    def __init__(self, store: Store):\n        self.store = store\n\n"
    "    def get(self, key):\n        return self.store.respond(key)\n"
)


def test_a_call_through_an_abstract_base_of_another_package_reaches_the_implementation(cli, tmp_path):
    found = _routes(cli, tmp_path, {
        "contracts/__init__.py": "", "contracts/base.py": BASE,
        "engines/__init__.py": "", "engines/gemini.py": GEMINI,
        "services/__init__.py": "", "services/reports.py": REPORTS,
        "stores/__init__.py": "", "stores/base.py": STORE_BASE, "stores/cache.py": STORE_USER,
        "main.py": MAIN,
    })
    request = line_of(GEMINI, "generate_content")
    assert found == {
        (os.path.join("engines", "gemini.py"), request): None,
        (os.path.join("services", "reports.py"), line_of(REPORTS, ".respond(")): request,
        ("main.py", line_of(MAIN, "digest(")): request,
    }
