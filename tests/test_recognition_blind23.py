"""Request shapes read from blind sets 2 and 3 (session 13), each with look-alikes that must
stay silent. Written anew: short code in the shape, never the repositories' own."""
from __future__ import annotations

from conftest import report_routes


def sites(routes):
    return sorted((r["filename"], r["line"], r["api"], (r["via"] or {}).get("line")) for r in routes)


def test_a_function_running_a_kept_pydantic_ai_agent_is_a_wrapper(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "rag.py": (
            "from pydantic_ai import Agent\n\nhelper = Agent(model='openai:gpt-4o-mini', system_prompt='Answer briefly.')\n\n\n"
            "class Loop:\n    def run_sync(self, job):\n        return job\n\n\njobs = Loop()\n\n\n"
            "def answer(question):\n    result = helper.run_sync(f'Question: {question}')\n    return result.output\n\n\n"
            "def work(job):\n    return jobs.run_sync(job)\n"
        ),
        "api.py": "from rag import answer, work\n\n\ndef handle(q):\n    work(q)\n    return answer(q)\n",
    })
    # the agent's constructor, and the call of answer() (the agent runs there); jobs.run_sync is no model's
    assert sites(found) == [("api.py", 6, "Agent (pydantic-ai)", 3), ("rag.py", 3, "Agent (pydantic-ai)", None)]
