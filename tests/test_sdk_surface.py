"""The SDK surface real code uses beyond text completions (issue 14, session 10): billed
requests that make audio or images, recognised as request sites with their model and what
they make (`modality` in `report --format json`) while no text-cost rule judges them; Bedrock
runtime clients made in one module and used in another; and a project function named like an
SDK method, read as the project's. Through the real CLI and engine."""
from __future__ import annotations

from pathlib import Path

from conftest import line_of, lint_tree, report_routes, write_project

MEDIA = (
    "import json\n\nimport boto3\nfrom google import genai\nfrom openai import OpenAI\n\n"
    "client = OpenAI()\ngclient = genai.Client()\nbedrock = boto3.client('bedrock-runtime', region_name='us-east-1')\n\n\n"
    "def transcribe(path):\n    with open(path, 'rb') as f:\n        return client.audio.transcriptions.create(model='whisper-1', file=f)\n\n\n"
    "def translate(f):\n    return client.audio.translations.create(model='whisper-1', file=f)\n\n\n"
    "def speak(text):\n    return client.audio.speech.with_streaming_response.create(model='tts-1', voice='alloy', input=text)\n\n\n"
    "def draw(prompt):\n    return client.images.generate(model='dall-e-3', prompt=prompt, size='1024x1024', n=1)\n\n\n"
    "def edit(img, prompt):\n    return client.images.edit(model='dall-e-2', image=img, prompt=prompt)\n\n\n"
    "def vary(img):\n    return client.images.create_variation(image=img, n=2)\n\n\n"
    "def imagen(prompt):\n    return gclient.models.generate_images(model='imagen-3.0-generate-002', prompt=prompt)\n\n\n"
    "def sdxl(prompt):\n    body = {'text_prompts': [{'text': prompt}], 'cfg_scale': 10, 'steps': 50}\n"
    "    return bedrock.invoke_model(body=json.dumps(body), modelId='stability.stable-diffusion-xl-v1')\n\n\n"
    "def titan(prompt):\n    body = json.dumps({'taskType': 'TEXT_IMAGE', 'textToImageParams': {'text': prompt}})\n"
    "    return bedrock.invoke_model(modelId='amazon.titan-image-generator-v1', body=body)\n"
)


def test_audio_and_image_requests_are_billed_sites_with_what_they_make(cli, tmp_path):
    found = sorted((r["line"], r["api"], r["modality"], r["model"], r["billed"]) for r in report_routes(cli, tmp_path, {"media.py": MEDIA}))
    at = lambda text: line_of(MEDIA, text)  # noqa: E731
    assert found == sorted([
        (at("audio.transcriptions"), "audio.transcriptions.create", "transcript", "whisper-1", True),
        (at("audio.translations"), "audio.translations.create", "transcript", "whisper-1", True),
        (at("audio.speech"), "audio.speech.create", "audio", "tts-1", True),
        (at("images.generate"), "images.generate", "image", "dall-e-3", True),
        (at("images.edit"), "images.edit", "image", "dall-e-2", True),
        (at("images.create_variation"), "images.create_variation", "image", "?", True),
        (at("models.generate_images"), "models.generate_images", "image", "imagen-3.0-generate-002", True),
        (at("bedrock.invoke_model(body"), "invoke_model (image)", "image", "stability.stable-diffusion-xl-v1", True),
        (at("bedrock.invoke_model(modelId"), "invoke_model (image)", "image", "amazon.titan-image-generator-v1", True),
    ])


def test_a_bedrock_text_body_stays_a_text_request_and_a_local_whisper_server_bills_nothing(cli, tmp_path):
    source = (
        "import json\nimport boto3\nfrom openai import OpenAI\n\nbedrock = boto3.client('bedrock-runtime')\n"
        "local = OpenAI(base_url='http://localhost:8000/v1')\n\n\n"
        "def ask(prompt):\n    body = {'anthropic_version': 'bedrock-2023-05-31', 'max_tokens': 300, 'messages': [{'role': 'user', 'content': prompt}]}\n"
        "    return bedrock.invoke_model(body=json.dumps(body), modelId='anthropic.claude-3-haiku-20240307-v1:0')\n\n\n"
        "def hear(f):\n    return local.audio.transcriptions.create(model='whisper-1', file=f)\n"
    )
    found = sorted((r["line"], r["api"], r["modality"], r["billed"], r["output_limit"]) for r in report_routes(cli, tmp_path, {"app.py": source}))
    assert found == [(11, "invoke_model", "text", True, 300), (15, "audio.transcriptions.create", "transcript", False, None)]


def test_a_bedrock_image_model_is_known_by_its_id_when_the_body_is_built_elsewhere(cli, tmp_path):
    """`invoke_model(body=prompt.encode("utf-8"), modelId="amazon.titan-image-generator-v1")` with
    the body built by another function (seen: a notes repository's Titan Image scripts): the
    model written is an image model's, so the request makes an image; a Claude model's call
    with a body built elsewhere stays a text request."""
    source = (
        "import json\nimport boto3\n\nbedrock = boto3.client('bedrock-runtime')\n\n\n"
        "def prompt_body(text):\n    return json.dumps({'taskType': 'TEXT_IMAGE', 'textToImageParams': {'text': text}})\n\n\n"
        "def draw(text):\n    body = prompt_body(text)\n"
        "    return bedrock.invoke_model(body=body.encode('utf-8'), modelId='amazon.titan-image-generator-v1')\n\n\n"
        "def ask(text, make_body):\n"
        "    return bedrock.invoke_model(body=make_body(text), modelId='anthropic.claude-3-5-haiku-20241022-v1:0')\n"
    )
    found = sorted((r["line"], r["api"], r["modality"]) for r in report_routes(cli, tmp_path, {"app.py": source}))
    assert found == [(line_of(source, "body.encode"), "invoke_model (image)", "image"), (line_of(source, "make_body(text)"), "invoke_model", "text")]


def test_a_bedrock_embedding_model_makes_no_text_request(cli, tmp_path):
    """`invoke_model` also serves Bedrock's embedding models (seen: Titan Embeddings in a prompt
    evaluation's cosine similarity): a vector, no answer, no site. The same client's Claude call
    and a model that may be either stay requests (only the written default of an environment
    variable, an embedding model's, makes none either)."""
    source = (
        "import json\nimport os\nimport boto3\n\nbedrock = boto3.client('bedrock-runtime')\n\n\n"
        "def vectors(text):\n    body = json.dumps({'inputText': text})\n"
        "    return bedrock.invoke_model(body=body, modelId='amazon.titan-embed-text-v2:0', accept='application/json')\n\n\n"
        "def cohere_vectors(texts):\n    return bedrock.invoke_model(body=json.dumps({'texts': texts, 'input_type': 'search_document'}), modelId='cohere.embed-english-v3')\n\n\n"
        "def ask(prompt):\n    body = {'anthropic_version': 'bedrock-2023-05-31', 'max_tokens': 300, 'messages': [{'role': 'user', 'content': prompt}]}\n"
        "    return bedrock.invoke_model(body=json.dumps(body), modelId='anthropic.claude-3-5-haiku-20241022-v1:0')\n\n\n"
        "def configured(text):\n    return bedrock.invoke_model(body=json.dumps({'inputText': text}), modelId=os.environ.get('EMBED_MODEL', 'amazon.titan-embed-text-v1'))\n\n\n"
        "def either(text, vectors):\n    model = 'amazon.titan-embed-text-v1' if vectors else 'amazon.titan-text-express-v1'\n"
        "    return bedrock.invoke_model(body=json.dumps({'inputText': text}), modelId=model)\n"
    )
    found = sorted((r["line"], r["model"]) for r in report_routes(cli, tmp_path, {"app.py": source}))
    assert found == [(line_of(source, "bedrock.invoke_model(body=json.dumps(body)"), "claude-3-5-haiku-20241022"),
                     (line_of(source, "modelId=model"), "?")]


def test_a_transcription_is_listed_as_one_and_never_priced_by_tokens(cli, tmp_path):
    """Whisper and gpt-4o-transcribe write text from audio, billed by the minute of audio: the
    report lists them (billed requests) as `transcript`, with no token price, no output limit,
    and says why they are not in the total (not "model or output limit unknown")."""
    source = (
        "from openai import OpenAI\n\nclient = OpenAI()\n\n\n"
        "def hear(f):\n    return client.audio.transcriptions.create(model='gpt-4o-mini', file=f)\n\n\n"
        "def ask(q):\n    return client.chat.completions.create(model='gpt-4o-mini', max_tokens=100, messages=[{'role': 'user', 'content': q}])\n"
    )
    write_project(tmp_path, {"app.py": source})
    import json

    done = cli("report", ".", "--format", "json", cwd=str(tmp_path))
    report = json.loads(done.stdout)
    heard = next(r for r in report["routes"] if r["api"] == "audio.transcriptions.create")
    assert (heard["modality"], heard["cost_usd"]["total"], heard["output_limit"]) == ("transcript", None, None)
    asked = next(r for r in report["routes"] if r["api"] == "chat.completions.create")
    assert report["total_usd"] == asked["cost_usd"]["total"] > 0
    table = cli("report", ".", cwd=str(tmp_path)).stdout.decode()
    assert "1 route billed by the minute of audio, per image or per video, not per token" in " ".join(table.split())
    assert "no known price" not in table


def test_an_images_look_alike_is_no_request(cli, tmp_path):
    # a project object's `images.generate` in a file without the OpenAI SDK; a chain on an unknown receiver without a prompt
    source = "from app.gallery import gallery\n\n\ndef thumbs(size):\n    return gallery.images.generate(size=size)\n"
    assert report_routes(cli, tmp_path, {"app/__init__.py": "", "app/gallery.py": "gallery = None\n", "app/use.py": source}) == []


# Text-cost rules, on each shape in a loop over independent items (CL005), without an output
# cap (CL010), with a short-answer prompt (CL001, CL003, CL009): silent on the media requests,
# firing on the chat request beside them (the same project, so the test can fail).
LOOPED = MEDIA + (
    "\n\nfor p in ['a cat', 'a dog', 'a bird']:\n"
    "    client.images.generate(model='dall-e-3', prompt='Answer yes or no: ' + p, n=1)\n"
    "    client.audio.speech.create(model='tts-1', voice='alloy', input=p)\n"
    "    gclient.models.generate_images(model='imagen-3.0-generate-002', prompt=p)\n"
    "    sdxl(p)\n"
    "    client.chat.completions.create(model='gpt-4o', messages=[{'role': 'user', 'content': p}])\n"
)


def test_text_cost_rules_stay_silent_on_audio_and_image_requests(tmp_path):
    write_project(tmp_path, {"media.py": LOOPED})
    found = {(d.loc.row, d.code) for d in lint_tree(tmp_path).diagnostics}
    chat = line_of(LOOPED, "client.chat.completions.create(")
    assert {(chat, "CL005"), (chat, "CL010")} <= found
    text_rules = {"CL001", "CL002", "CL003", "CL004", "CL005", "CL009", "CL010", "CL011", "CL012", "CL013"}
    assert {(row, code) for row, code in found if code in text_rules and row != chat} == set()


def test_a_project_wide_rule_counts_no_image_request(tmp_path):
    # CL003: a light task on Opus and an image request with a model the catalogue lacks; the
    # image request is no text task, so it neither routes work to a cheaper tier nor hides one
    source = (
        "import anthropic\nfrom openai import OpenAI\n\nclient = anthropic.Anthropic()\n\n\n"
        "def triage(q):\n    return client.messages.create(model='claude-opus-4-6', max_tokens=300, system='Answer only with yes or no.',"
        " messages=[{'role': 'user', 'content': q}])\n\n\n"
        "def picture(p):\n    return OpenAI().images.generate(model='dall-e-3', prompt=p)\n"
    )
    write_project(tmp_path, {"app.py": source})
    assert [(d.loc.row, d.code) for d in lint_tree(tmp_path, select=("CL003",)).diagnostics] == [(8, "CL003")]


# Bedrock runtime clients as real code makes them, in one module, used by another.
CLIENTS = (
    "import boto3\n\nsession = boto3.Session(profile_name='dev')\n"
    "bedrock_runtime = boto3.client('bedrock-runtime', region_name='us-east-1')\n"
    "runtime2 = session.client(service_name='bedrock-runtime')\n"
    "runtime3 = boto3.Session(region_name='us-west-2').client('bedrock-runtime')\n\n\n"
    "def get_bedrock_client(region='us-east-1'):\n    return boto3.client(service_name='bedrock-runtime', region_name=region)\n"
)
BODIES = (
    "def build_body(prompt):\n    body = {\n        'anthropic_version': 'bedrock-2023-05-31',\n        'max_tokens': 900,\n"
    "        'messages': [{'role': 'user', 'content': prompt}],\n    }\n    return body\n"
)
USES = (
    "import json\n\nfrom .bodies import build_body\nfrom .clients import bedrock_runtime, get_bedrock_client, runtime2, runtime3\n\n"
    "MODEL_ID = 'anthropic.claude-3-haiku-20240307-v1:0'\n\n\n"
    "def ask(prompt, model_id=MODEL_ID):\n    response = bedrock_runtime.invoke_model(body=json.dumps(build_body(prompt)), modelId=model_id)\n"
    "    return json.loads(response['body'].read())\n\n\n"
    "def ask_stream(prompt):\n    body = build_body(prompt)\n    return runtime2.invoke_model_with_response_stream(modelId=MODEL_ID, body=json.dumps(body))\n\n\n"
    "def chat_stream(prompt):\n    return runtime3.converse_stream(modelId=MODEL_ID, messages=[{'role': 'user', 'content': [{'text': prompt}]}])\n\n\n"
    "def chat(prompt):\n    client = get_bedrock_client()\n"
    "    return client.converse(modelId=MODEL_ID, messages=[{'role': 'user', 'content': [{'text': prompt}]}], inferenceConfig={'maxTokens': 300})\n\n\n"
    # look-alikes: no modelId (a chat library's converse), a project class's own method
    "def other(bot, text):\n    return bot.converse(messages=[text])\n\n\n"
    "class Store:\n    def invoke_model(self, modelId, body):\n        return body\n\n"
    "    def save(self, body):\n        return self.invoke_model(modelId='m', body=body)\n"
)


def test_a_bedrock_runtime_made_in_one_module_is_used_by_another(cli, tmp_path):
    found = sorted((r["filename"], r["line"], r["api"], r["provider"], r["model"], r["output_limit"]) for r in report_routes(cli, tmp_path, {
        "app/__init__.py": "", "app/clients.py": CLIENTS, "app/bodies.py": BODIES, "app/llm.py": USES}))
    at = lambda text: line_of(USES, text)  # noqa: E731
    model = "claude-3-haiku-20240307"
    assert found == sorted([
        ("app/llm.py", at("bedrock_runtime.invoke_model("), "invoke_model", "bedrock", model, 900),
        ("app/llm.py", at("runtime2.invoke"), "invoke_model_with_response_stream", "bedrock", model, 900),
        ("app/llm.py", at("runtime3.converse_stream("), "converse_stream", "bedrock", model, None),
        ("app/llm.py", at("client.converse("), "converse", "bedrock", model, 300),
    ])


# A project function named like Google's `generate_content`, whose body sends a Bedrock request:
# its callers are calls of the project's wrapper (with the request inside it as `via`).
PROJECT_GENERATE = (
    "import json\nimport os\n\nfrom utils import bedrock\n\n"
    "bedrock_runtime = bedrock.get_bedrock_client(region=os.environ.get('AWS_DEFAULT_REGION', 'us-west-2'))\n\n\n"
    "def generate_content(messages, system, params, model_id, runtime=bedrock_runtime):\n"
    "    params['system'] = system\n    params['messages'] = messages\n"
    "    response = runtime.invoke_model(modelId=model_id, body=json.dumps(params))\n"
    "    return json.loads(response.get('body').read())\n"
)
FACTORY = (
    "import boto3\n\n\ndef get_bedrock_client(region=None, runtime=True):\n    session = boto3.Session(region_name=region)\n"
    "    return session.client(service_name='bedrock-runtime' if runtime else 'bedrock')\n"
)
CALLERS = (
    "import google.generativeai as genai\n\nfrom ui import llm\nfrom ui.llm import generate_content\n\n\n"
    "def summary(text):\n    return llm.generate_content([{'role': 'user', 'content': text}], 'Summarise.',"
    " {'anthropic_version': 'bedrock-2023-05-31', 'max_tokens': 200}, 'anthropic.claude-3-haiku-20240307-v1:0')\n\n\n"
    "def short(text):\n    return generate_content([{'role': 'user', 'content': text}], 'Be brief.', {'max_tokens': 100}, 'anthropic.claude-3-haiku-20240307-v1:0')\n\n\n"
    "def gemini(text):\n    return genai.GenerativeModel('gemini-1.5-flash').generate_content(text)\n"
)


def test_a_project_function_named_like_an_sdk_method_is_the_projects(cli, tmp_path):
    routes = report_routes(cli, tmp_path, {"ui/__init__.py": "", "utils/__init__.py": "", "utils/bedrock.py": FACTORY,
                                           "ui/llm/__init__.py": PROJECT_GENERATE, "ui/app.py": CALLERS})
    inside = line_of(PROJECT_GENERATE, "runtime.invoke_model(")
    found = sorted((r["filename"], r["line"], r["api"], r["provider"], r["model"], r["output_limit"], (r["via"] or {}).get("line")) for r in routes)
    assert found == sorted([
        ("ui/app.py", line_of(CALLERS, "llm.generate_content("), "invoke_model", "bedrock", "claude-3-haiku-20240307", 200, inside),
        ("ui/app.py", line_of(CALLERS, "return generate_content("), "invoke_model", "bedrock", "claude-3-haiku-20240307", 100, inside),
        ("ui/app.py", line_of(CALLERS, "GenerativeModel("), "generate_content", "google", "gemini-1.5-flash", None, None),
        ("ui/llm/__init__.py", inside, "invoke_model", "bedrock", "?", None, None),
    ])


# A file written for Python 3.12 (PEP 701 f-strings: the enclosing quote reused inside a
# replacement field, a backslash there) linted by an older Python: the file's CL901 is kept,
# and its requests, in the function holding such an f-string too, are still read.
NEWER = (
    "import anthropic\n\nclient = anthropic.Anthropic()\nSYSTEM = 'Answer only with yes or no.'\n\n\n"
    "def ask(lines, question):\n"
    "    parts = [f\"Lines:\\n{\"\\n\".join(lines)}\"]\n"
    "    content = f\"\"\"{\"\\n\".join(parts)}\n\n{question}\"\"\"\n"
    "    return client.messages.create(model='claude-haiku-4-5', max_tokens=8192, system=SYSTEM, messages=[{'role': 'user', 'content': content}])\n\n\n"
    "def other(q):\n    return client.messages.create(model='claude-haiku-4-5', max_tokens=300, messages=[{'role': 'user', 'content': q}])\n"
)


def test_a_file_with_newer_f_strings_keeps_its_requests_and_its_syntax_error(cli, tmp_path):
    import json
    import sys

    routes = report_routes(cli, tmp_path, {"app.py": NEWER})
    asked, other = line_of(NEWER, "return client.messages.create(model='claude-haiku-4-5', max_tokens=8192"), line_of(NEWER, "max_tokens=300")
    assert sorted((r["line"], r["output_limit"]) for r in routes) == [(asked, 8192), (other, 300)]
    done = cli("check", ".", "--select", "CL001,CL002,CL012,CL901", "--output-format", "json", "--exit-zero")
    found = sorted((d["location"]["row"], d["code"]) for d in json.loads(done.stdout))
    # CL001 (threshold mode) on the 8192 limit; the replaced f-strings' values are unknown, never judged
    newer = [(line_of(NEWER, "parts = [f"), "CL901")] if sys.version_info < (3, 12) else []
    assert found == sorted(newer + [(asked, "CL001")])


def test_other_newer_syntax_and_broken_code_stay_unread(cli, tmp_path):
    import json
    import sys

    # a type alias (PEP 695) is not an f-string: the file stays unread on an older Python; broken code always
    files = {"alias.py": NEWER.replace("def other", "type Pair = tuple[int, int]\n\n\ndef other"),
             "broken.py": NEWER.replace("def other(q):", "def other(q)")}
    routes = report_routes(cli, tmp_path, files)
    assert {r["filename"] for r in routes} == (set() if sys.version_info < (3, 12) else {"alias.py"})
    done = cli("check", ".", "--select", "CL901", "--output-format", "json", "--exit-zero")
    unread = {d["filename"].rsplit("/", 1)[-1] for d in json.loads(done.stdout)}
    assert unread == ({"alias.py", "broken.py"} if sys.version_info < (3, 12) else {"broken.py"})


# A wrapper that transcribes a recording, then summarises the text: each call of it stands for
# the chat request (the one the rules judge), and the transcription is no other place of its findings.
TRANSCRIBE_THEN_SUMMARISE = (
    "from openai import OpenAI\n\nclient = OpenAI()\n\n\n"
    "def summarise_recording(f):\n    text = client.audio.transcriptions.create(model='whisper-1', file=f).text\n"
    "    return client.chat.completions.create(model='gpt-4o-mini', messages=[{'role': 'user', 'content': text}])\n"
)


def test_a_wrapper_call_reaching_a_transcription_and_a_chat_request_is_the_chat_request(cli, tmp_path):
    import json

    caller = "from app.audio import summarise_recording\n\n\ndef handle(upload):\n    return summarise_recording(upload)\n"
    routes = report_routes(cli, tmp_path, {"app/__init__.py": "", "app/audio.py": TRANSCRIBE_THEN_SUMMARISE, "app/main.py": caller})
    [call] = [r for r in routes if r["filename"] == "app/main.py"]
    assert (call["api"], call["modality"], call["via"]["line"], call["also_via"]) == ("chat.completions.create", "text", 8, [])
    done = cli("check", ".", "--select", "CL010", "--output-format", "json", "--exit-zero")
    related = {(d["location"]["row"], tuple(r["location"]["row"] for r in d["related"])) for d in json.loads(done.stdout) if d["filename"].endswith("audio.py")}
    assert related == {(8, (5,))}
