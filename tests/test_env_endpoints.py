"""A request whose endpoint or model is read from the environment goes where the project's
environment file says: a local server there (`.env.example`: `LLM_BASE=http://localhost:11434`)
makes it local, never billed (issue 14); anything else leaves it billed."""
from __future__ import annotations

import json

from conftest import report_routes

AGENT = (
    "import os\n\nimport litellm\nfrom dotenv import load_dotenv\n\n\nclass Helper:\n"
    "    def __init__(self):\n        load_dotenv()\n"
    "        self.base = os.getenv('HELPER_BASE')\n        self.model = os.environ.get('HELPER_MODEL')\n\n"
    "    def reply(self, text):\n"
    "        return litellm.completion(model=self.model, api_base=self.base, messages=[{'role': 'user', 'content': text}])\n\n\n"
    "def serve(text):\n    return Helper().reply(text)\n"
)
CLIENT = (
    "import os\n\nfrom openai import OpenAI\n\nclient = OpenAI(base_url=os.environ['CHAT_URL'], api_key='none')\n\n\n"
    "def ask(q):\n    return client.chat.completions.create(model='llama3', messages=[{'role': 'user', 'content': q}])\n"
)


def billed(routes):
    return sorted((r["filename"], r["line"], r["billed"]) for r in routes)


def test_an_endpoint_the_environment_file_sets_to_a_local_server_is_local(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "helper.py": AGENT, ".env.template": "HELPER_BASE=http://localhost:11434\nHELPER_MODEL=ollama/mistral\nKEY=\n",
        "client.py": CLIENT, ".env.example": "# the chat server\nexport CHAT_URL=\"http://127.0.0.1:8080/v1\"\n",
    })
    # the request in the method, and the call of it (a wrapper): both local
    assert billed(found) == [("client.py", 9, False), ("helper.py", 14, False), ("helper.py", 18, False)]


def test_a_local_model_route_alone_makes_it_local(cli, tmp_path):
    found = report_routes(cli, tmp_path, {"app/helper.py": AGENT, "app/.env.example": "HELPER_MODEL=ollama/llama3\n"})
    assert billed(found) == [("app/helper.py", 14, False), ("app/helper.py", 18, False)]


def test_other_endpoints_and_files_leave_it_billed(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        # a billed endpoint beside a local model route: the endpoint decides
        "helper.py": AGENT, ".env.example": "HELPER_BASE=https://api.openai.com/v1\nHELPER_MODEL=ollama/mistral\n",
        # the variable set in no environment file; a local URL in a file of another name
        "client.py": CLIENT, "notes.txt": "CHAT_URL=http://localhost:8080\n",
    })
    assert billed(found) == [("client.py", 9, True), ("helper.py", 14, True), ("helper.py", 18, True)]


def test_the_run_environment_file_comes_before_the_example(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "client.py": CLIENT, ".env": "CHAT_URL=https://gateway.example.com/v1\n", ".env.example": "CHAT_URL=http://localhost:8080/v1\n",
    })
    assert billed(found) == [("client.py", 9, True)]


def test_a_local_value_of_a_variable_the_request_does_not_read_changes_nothing(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "client.py": CLIENT.replace("os.environ['CHAT_URL']", "'https://api.together.xyz/v1'"),
        ".env.example": "CHAT_URL=http://localhost:8080/v1\nOLLAMA_HOST=http://localhost:11434\n",
    })
    assert billed(found) == [("client.py", 9, True)]


def test_an_environment_file_linked_from_outside_the_project_is_not_read(cli, tmp_path):
    project = tmp_path / "project"
    outside = tmp_path / "elsewhere.env"
    outside.write_text("CHAT_URL=http://localhost:8080/v1\n", encoding="utf-8")
    project.mkdir()
    (project / ".env").symlink_to(outside)
    (project / "client.py").write_text(CLIENT, encoding="utf-8")
    done = cli("report", ".", "--format", "json", cwd=str(project))
    assert done.returncode == 0, done.stderr.decode()
    assert billed(json.loads(done.stdout)["routes"]) == [("client.py", 9, True)]
    # the same file inside the project says where the request goes
    (project / ".env").unlink()
    (project / ".env").write_text(outside.read_text(encoding="utf-8"), encoding="utf-8")
    done = cli("report", ".", "--format", "json", cwd=str(project))
    assert billed(json.loads(done.stdout)["routes"]) == [("client.py", 9, False)]
