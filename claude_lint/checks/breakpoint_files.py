"""CL013's examples of cached text read by key from a YAML or JSON prompt file the code loads
(`extract/loaded_files.py`): the file's entry is the text measured, as if it were written in
the code. Kept apart from `breakpoints.py` for its size."""
from __future__ import annotations

from claude_lint.checks.base import Invalid

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
LONG = "Follow the Acme support policy in every answer. " * 300

# A pipeline's prompts kept in YAML, each step's goal sent as a cached system block
STEPS_YAML = "triage:\n  goal: You sort support tickets by urgency.\nreview:\n  goal: |\n    " + LONG + "\n"
STEPS = {"prompts.yaml": STEPS_YAML, "steps.py": HEAD + "import os\nimport yaml\n"
         "with open(os.path.join(os.path.dirname(__file__), 'prompts.yaml')) as f:\n    PROMPTS = yaml.safe_load(f)\n"
         "def run(step, ticket):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300,\n"
         "        system=[{'type': 'text', 'text': PROMPTS[STEP]['goal'], 'cache_control': {'type': 'ephemeral'}}],\n"
         "        messages=[{'role': 'user', 'content': ticket}])\n"}
FIRES = [Invalid({**STEPS, "steps.py": STEPS["steps.py"].replace("STEP", "'triage'")}, path="steps.py", row=9, message="ends a prefix of ~8 tokens")]
SILENT = [
    # the long goal reaches the minimum
    {**STEPS, "steps.py": STEPS["steps.py"].replace("STEP", "'review'")},
    # the step is picked at run time: either goal may be sent
    {**STEPS, "steps.py": STEPS["steps.py"].replace("STEP", "step")},
    # the file is not valid YAML: nothing is known of the text
    {**STEPS, "prompts.yaml": "triage: [unclosed\n"},
]
