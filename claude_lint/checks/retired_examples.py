"""CL007's examples for where a model ID reaches a request from: a third-party service's
catalogue (not judged), and a configuration object or table (a settings object's field
default, a table looked up by a run-time key, one of several request dicts). Kept apart
from the rule module for its size; the rule's `examples()` imports and lists them."""
from __future__ import annotations

from claude_lint.checks.base import Invalid

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"

# A third-party service (OpenRouter, Groq, Together AI) serves models under its own IDs and
# keeps its own dates: the provider's retirement is not the service's.
GATEWAY = ("import httpx\nURL = 'https://openrouter.ai/api/v1/chat/completions'\n"
           "def chat(messages):\n    return httpx.post(URL, json={{'model': {model}, 'messages': messages, 'max_tokens': 300}})\n")
GATEWAY_FIRES = [
    # the provider's own host, or a proxy that forwards to it: the provider's dates apply
    "import httpx\ndef chat(messages):\n    return httpx.post('https://api.openai.com/v1/chat/completions', "
    "json={'model': 'gpt-4', 'messages': messages, 'max_tokens': 300})\n",
    'from openai import OpenAI\nclient = OpenAI(base_url="http://litellm-proxy:4000")\n'
    'client.chat.completions.create(model="gpt-4-0613", messages=[], max_tokens=100)\n',
]
GATEWAY_SILENT = [
    # a raw POST to OpenRouter, the model an environment default
    "import os\n" + GATEWAY.format(model="os.getenv('MODEL', 'gpt-4')"),
    # an OpenAI client pointed at OpenRouter, or the Groq SDK
    'from openai import OpenAI\nclient = OpenAI(base_url="https://openrouter.ai/api/v1")\n'
    'client.chat.completions.create(model="gpt-4-0613", messages=[], max_tokens=100)\n',
    'import os\nfrom openai import OpenAI\nclient = OpenAI(base_url=os.environ["OPENROUTER_BASE_URL"])\n'
    'client.chat.completions.create(model="gpt-3.5-turbo", messages=[], max_tokens=100)\n',
    'from groq import Groq\nGroq().chat.completions.create(model="gpt-3.5-turbo", messages=[], max_tokens=100)\n',
    # openai<1.0 pointed at OpenRouter (or a local server) for the whole module
    'import openai\nopenai.api_base = "https://openrouter.ai/api/v1"\nopenai.ChatCompletion.create(model="gpt-4", messages=[], max_tokens=100)\n',
    'import openai\nopenai.api_base = "http://localhost:8000/v1"\nopenai.ChatCompletion.create(model="gpt-4", messages=[], max_tokens=100)\n',
    # a module named for the gateway posts to an endpoint from its configuration
    {"bridge_openrouter.py": "import random, requests\ndef ask(endpoint, model, messages):\n    if model == 'gpt-3.5-random':\n"
                             "        model = random.choice(['gpt-3.5-turbo', 'gpt-3.5-turbo-0613'])\n"
                             "    return requests.post(endpoint, json={'model': model, 'messages': messages, 'max_tokens': 300})\n"},
]


# A settings object handed to the function that sends the request: its class's field default
# is what the object holds unless it was built with another (pydantic `BaseSettings`, a dataclass).
SETTINGS = ("from pydantic import Field\nfrom pydantic_settings import BaseSettings\n\n"
            "class Settings(BaseSettings):\n    api_key: str = Field(..., description='key')\n"
            "    model: str = Field(\n        default='{model}',\n        description='the extraction model',\n    )\n"
            "    judge_model: str = '{judge}'\n")
EXTRACTOR = (HEAD + "from app.config import Settings\n\n"
             "def extract(settings: Settings, prompt):\n"
             "    return client.messages.create(model=settings.model, max_tokens=1000, messages=[{'role': 'user', 'content': prompt}])\n\n"
             "def extract_all(settings: 'Settings', prompts):\n"
             "    return client.messages.create(model=settings.model, max_tokens=4000, messages=[])\n")
SHARED = "\nsettings = Settings()\n"
SHARED_USER = (HEAD + "from app.config import settings\n\ndef ask(prompt):\n"
               "    return client.messages.create(model=settings.model, max_tokens=1000, messages=[{'role': 'user', 'content': prompt}])\n")
DATACLASS = ("from dataclasses import dataclass, field\nfrom openai import OpenAI\nclient = OpenAI()\n\n"
             "@dataclass\nclass ModelConfig:\n    model_name: str = {model}\n\n"
             "def ask(config: {annotation}, prompt):\n"
             "    return client.chat.completions.create(model=config.model_name, messages=[], max_tokens=100)\n")
# A tier table looked up with `.get(tier, fallback)`, in the module or through a helper of another one.
TIERS = ("CLAUDE_MODELS = {{\n    'haiku': '{haiku}',\n    'sonnet': 'claude-sonnet-4-6',\n}}\n\n"
         "def model_for(tier: str) -> str:\n    return CLAUDE_MODELS.get({key}, CLAUDE_MODELS['sonnet'])\n")
AGENT = (HEAD + "from app.models import model_for\n\n"
         "def run(question, tier: str = 'sonnet'):\n    model = model_for(tier)\n"
         "    return client.messages.create(model=model, max_tokens=1000, messages=[{'role': 'user', 'content': question}])\n")
# The request's keywords are one of two dicts written in two branches, spread into the call.
BRANCHES = (HEAD + "def ask(question, fast):\n    if fast:\n"
            "        kwargs = {{'model': '{fast}', 'max_tokens': 300, 'messages': []}}\n"
            "    else:\n        kwargs = {{'model': 'claude-sonnet-4-6', 'max_tokens': 300, 'messages': []}}\n"
            "    return client.messages.create(**kwargs)\n")

CONFIG_FIRES = [
    Invalid({"app/__init__.py": "", "app/config.py": SETTINGS.format(model="claude-3-opus-20240229", judge="claude-sonnet-4-6"),
             "app/extract.py": EXTRACTOR}, path="app/config.py", row=7, message="Model claude-3-opus-20240229 was retired"),
    Invalid(DATACLASS.format(model="'gpt-4-0613'", annotation="ModelConfig"), row=7, message="gpt-4-0613 (a version of gpt-4) was retired"),
    DATACLASS.format(model="field(default='gpt-4-0613')", annotation="Optional['ModelConfig']").replace("\n\n@", "\nfrom typing import Optional\n\n@", 1),
    Invalid({"app/__init__.py": "", "app/models.py": TIERS.format(haiku="claude-3-haiku-20240307", key="tier.lower()"), "app/agent.py": AGENT},
            path="app/models.py", row=2, message="Model claude-3-haiku-20240307 was retired"),
    Invalid(BRANCHES.format(fast="claude-3-haiku-20240307"), row=5, message="Model claude-3-haiku-20240307 was retired"),
    # the module builds the settings once and another module imports the instance
    Invalid({"app/__init__.py": "", "app/config.py": SETTINGS.format(model="claude-3-opus-20240229", judge="claude-sonnet-4-6") + SHARED,
             "app/ask.py": SHARED_USER}, path="app/config.py", row=7, message="Model claude-3-opus-20240229 was retired"),
]
CONFIG_SILENT = [
    # the instance is built with the model given: the class's default is never sent
    {"app/__init__.py": "", "app/config.py": SETTINGS.format(model="claude-3-opus-20240229", judge="claude-sonnet-4-6")
     + SHARED.replace("Settings()", "Settings(model=os.environ['MODEL'])").replace("\n", "\nimport os\n", 1), "app/ask.py": SHARED_USER},
    # the retired ID is the default of another field, which no request reads
    {"app/__init__.py": "", "app/config.py": SETTINGS.format(model="claude-sonnet-4-6", judge="claude-3-opus-20240229"), "app/extract.py": EXTRACTOR},
    # the settings object is replaced before use: its class's default is not what is sent
    {"app/__init__.py": "", "app/config.py": SETTINGS.format(model="claude-3-opus-20240229", judge="claude-sonnet-4-6"),
     "app/extract.py": EXTRACTOR.replace("def extract(settings: Settings, prompt):\n", "def extract(settings: Settings, prompt):\n    settings = load()\n")
     .replace("def extract_all(settings: 'Settings', prompts):\n    return client.messages.create(model=settings.model", "def extract_all(prompts):\n    return client.messages.create(model='claude-sonnet-4-6'")},
    # a written key picks one entry: the retired one is never looked up
    {"app/__init__.py": "", "app/models.py": TIERS.format(haiku="claude-3-haiku-20240307", key="'sonnet'"), "app/agent.py": AGENT},
    BRANCHES.format(fast="claude-haiku-4-5"),
]

# An INI file read by configparser: the finding is where the ID is written in it.
INI = "[OpenAI]\nOPENAI_API_BASE = https://api.openai.com/v1\nCHATGPT_MODEL = {model}\nLEGACY_MODEL = gpt-3.5-turbo-0301\n\n[Azure]\nCHATGPT_MODEL =\n"
READER = ("import configparser\nimport openai\n\nclass Reader:\n    def __init__(self, azure=False):\n"
          "        self.config = configparser.ConfigParser()\n        self.config.read('apikey.ini')\n"
          "        self.model = self.config.get('OpenAI', 'CHATGPT_MODEL')\n        if azure:\n"
          "            self.model = self.config.get('Azure', 'CHATGPT_MODEL')\n\n    def summary(self, text):\n"
          "        return openai.ChatCompletion.create(model=self.model, messages=[{'role': 'user', 'content': text}], max_tokens=500)\n")
SCRIPT = ("import configparser\nfrom openai import OpenAI\n\nconfig = configparser.ConfigParser()\nconfig.read('settings.ini')\n"
          "MODEL = config['OpenAI']['{key}']\nOpenAI().chat.completions.create(model=MODEL, messages=[], max_tokens=100)\n")
CONFIG_FIRES += [
    Invalid({"apikey.ini": INI.format(model="gpt-3.5-turbo-0301"), "reader.py": READER}, path="apikey.ini", row=3,
            message="Model gpt-3.5-turbo-0301 (a version of gpt-3.5-turbo) was retired"),
    Invalid({"settings.ini": INI.format(model="gpt-3.5-turbo-0301"), "run.py": SCRIPT.format(key="chatgpt_model")}, path="settings.ini", row=3,
            message="was retired"),
]
CONFIG_SILENT += [
    # the retired ID is the value of another option than the one the request reads
    {"apikey.ini": INI.format(model="gpt-5.4"), "reader.py": READER},
    {"settings.ini": INI.format(model="gpt-5.4"), "run.py": SCRIPT.format(key="CHATGPT_MODEL")},
    # a dict's .get(key, default) is no INI read: the second argument is the default, not an option
    "from openai import OpenAI\n\ndef ask(config):\n"
    "    return OpenAI().chat.completions.create(model=config.get('model', 'gpt-5.4'), messages=[], max_tokens=100)\n",
]

# A Streamlit app keeps the model in st.session_state: any value the file puts there may be sent.
STREAMLIT = ("import anthropic\nimport streamlit as st\n\nDEFAULTS = {{\n    Provider.ANTHROPIC: '{default}',\n    Provider.VERTEX: 'claude-sonnet-4-6@default',\n}}\n\n"
             "def reset(provider):\n    st.session_state.model = DEFAULTS[cast(Provider, provider)]\n\n"
             "st.sidebar.selectbox('Model', ['claude-sonnet-4-6', '{menu}'], key='{key}')\n"
             "if 'model' not in st.session_state:\n    reset(st.session_state.provider)\n"
             "anthropic.Anthropic().messages.create(model=st.session_state.model, max_tokens=500, messages=[])\n")
CONFIG_FIRES += [
    Invalid(STREAMLIT.format(default="claude-sonnet-4-20250514", menu="claude-haiku-4-5", key="model"), row=5,
            message="Model claude-sonnet-4-20250514 was retired"),
    Invalid(STREAMLIT.format(default="claude-sonnet-4-6", menu="claude-3-haiku-20240307", key="model"), row=12,
            message="Model claude-3-haiku-20240307 was retired"),
]
CONFIG_SILENT += [
    # the menu is keyed to another value of the session: its retired option is not the model sent
    STREAMLIT.format(default="claude-sonnet-4-6", menu="claude-3-haiku-20240307", key="judge_model"),
]

# A helper that returns a table's entry for a run-time key, re-exported by its package.
PROVIDERS = ("DEFAULT_MODELS = {\n    Provider.ANTHROPIC: '{anthropic}',\n    Provider.OPENAI: 'gpt-5.4',\n}\n\n"
             "def default_model(provider):\n    return DEFAULT_MODELS[provider]\n")
GATEWAY_CORE = (HEAD + "from app import default_model\n\nclass Core:\n    def __init__(self, provider):\n"
                "        self.model = default_model(provider)\n\n    def run(self, messages):\n"
                "        return client.messages.create(model=self.model, max_tokens=500, messages=messages)\n")
CONFIG_FIRES += [
    Invalid({"app/__init__.py": "from app.config import default_model\n", "app/config.py": PROVIDERS.replace("{anthropic}", "claude-sonnet-4-20250514"),
             "app/core.py": GATEWAY_CORE}, path="app/config.py", row=2, message="Model claude-sonnet-4-20250514 was retired"),
]
CONFIG_SILENT += [
    {"app/__init__.py": "from app.config import default_model\n", "app/config.py": PROVIDERS.replace("{anthropic}", "claude-sonnet-4-6"),
     "app/core.py": GATEWAY_CORE},
]

# A Claude ID that names a known model wrongly: a snapshot date the model never had, or a Claude 4+
# name in the 3.x word order. Certain (the API answers not_found), so judged among several values too.
# An uncatalogued `-latest` alias shares its snapshots' fate, and so does a Claude name written
# without its date (`claude-3-sonnet`, never an ID of the API: blind set 7's LiteLLM demo).
CALL = 'client.messages.create(model="{model}", max_tokens=300, messages=[])\n'
MENU = "TIERS = {{'fast': 'claude-haiku-4-5', 'smart': '{smart}'}}\ndef ask(q, tier):\n    return client.messages.create(model=TIERS[tier], max_tokens=300, messages=[])\n"
NAME_FIRES = [
    # a `-latest` alias the catalogue does not list, all of whose model's snapshots are retired
    Invalid(HEAD + CALL.format(model="claude-3-5-sonnet-latest"), row=3, message="(every claude-3-5-sonnet snapshot is retired) was retired by 2025-10-28"),
    Invalid(HEAD + CALL.format(model="claude-3-sonnet"), row=3, message="Model claude-3-sonnet (every claude-3-sonnet snapshot is retired) was retired by 2025-07-21"),
    Invalid('import litellm\nlitellm.completion(model="anthropic/claude-3-opus", messages=[])\n', row=2, message="every claude-3-opus snapshot is retired"),
    # `claude/` routes to no LiteLLM provider: the model is judged, the ID not rewritten (the route would still fail)
    Invalid('import litellm\nlitellm.completion(model="claude/claude-3-sonnet", messages=[])\n', row=2, message="Model claude-3-sonnet (every"),
    Invalid(HEAD + CALL.format(model="claude-4-6-sonnet-latest"), row=3, message="a Claude 4.6 model is named family first (claude-sonnet-4-6)",
            expected_replacement=HEAD + CALL.format(model="claude-sonnet-4-6")),
    Invalid(HEAD + MENU.format(smart="claude-opus-4-5-20251124"), row=3, message="claude-opus-4-5 has one snapshot, dated 20251101, not 20251124"),
    Invalid("from anthropic import AnthropicVertex\nclient = AnthropicVertex()\n" + CALL.format(model="claude-opus-4@20250508"), row=3,
            message="Use claude-opus-4@20250514"),
    # a misspelt vendor word on an undated major version: a typo of an ID that is itself retired
    Invalid("from langchain_anthropic import ChatAnthropic\nllm = ChatAnthropic(model='claud-2', max_tokens=300)\n", row=2,
            message="looks like a typo of 'claude-2': the API rejects unknown models. claude-2 itself was retired"),
    Invalid(HEAD + CALL.format(model="cluade-3-haiku-20240307"), row=3, message="claude-3-haiku-20240307 itself was retired"),
]
NAME_SILENT = [
    # a `-latest` alias of a model one of whose snapshots is still served: nothing certain
    HEAD + CALL.format(model="claude-haiku-4-5-latest"),
    # an undated Claude name that an OpenAI request would send is a dispatch key a branch keeps from it
    "from openai import OpenAI\n\ndef generate(prompt, model='claude-3-7-sonnet'):\n    if model.startswith('gpt'):\n"
    "        return OpenAI().chat.completions.create(model=model, messages=[], max_tokens=100)\n    return None\n",
    # an undated name the catalogue knows, or whose model is still served
    HEAD + CALL.format(model="claude-haiku-4-5"),
    HEAD + CALL.format(model="claude-opus-4-6"),
    # a dated snapshot of a model the catalogue does not know yet, or of one whose IDs carry no date
    HEAD + CALL.format(model="claude-sonnet-5-6-20270301"),
    HEAD + MENU.format(smart="claude-sonnet-4-6-20260301"),
    # a name of another vendor's model or a major version nobody released: no typo of a known ID
    HEAD + CALL.format(model="cloud-2"),
    HEAD + CALL.format(model="claude-9"),
]


# A table of the code looked up by a run-time key (a menu whose selection is sent); a request dict
# whose model an unknown update may override. Not menus: a price table, another option's default.
TABLE_FIRES = [
    # a model table looked up by a run-time key: a menu whose selection is sent
    Invalid(HEAD + "TIERS = {'fast': 'claude-3-haiku-20240307', 'smart': 'claude-sonnet-4-6'}\n"
            "def ask(q, tier):\n    return client.messages.create(model=TIERS[tier], max_tokens=300, messages=[])\n",
            row=3, message="Model claude-3-haiku-20240307 was retired"),
    HEAD + "MODELS = {'anthropic': ['claude-3-haiku-20240307', 'claude-sonnet-4-6'], 'premium': ['claude-opus-4-8']}\n"
    "def ask(q, provider, model=None):\n    model = model or MODELS[provider][0]\n"
    "    return client.messages.create(model=model, max_tokens=300, messages=[])\n",
    # a request dict whose model an unknown update may override: the written one is sent otherwise
    HEAD + "def ask(q, extra):\n    params = {'model': 'claude-3-opus-20240229', 'max_tokens': 300, 'messages': []}\n"
    "    params.update(extra)\n    return client.messages.create(**params)\n",
    # another module's table (or one of its inner tables) looked up by a run-time key: reported where the ID is written
    Invalid({"app/choices.py": "MODELS = {'fast': 'claude-3-haiku-20240307', 'smart': 'claude-sonnet-4-6'}\n",
             "app/ask.py": HEAD + "from app.choices import MODELS\ndef ask(q, pick):\n"
                           "    return client.messages.create(model=MODELS[pick], max_tokens=300, messages=[])\n"},
            path="app/choices.py", row=1, message="Model claude-3-haiku-20240307 was retired"),
    Invalid({"app/choices.py": "MODELS = {'hosted': {'fast': 'claude-3-haiku-20240307'}, 'local': {'small': 'llama3'}}\n",
             "app/ask.py": HEAD + "from app.choices import MODELS\ndef ask(q, pick):\n"
                           "    return client.messages.create(model=MODELS['hosted'][pick], max_tokens=300, messages=[])\n"},
            path="app/choices.py", row=1, message="Model claude-3-haiku-20240307 was retired"),
    {"app/choices.py": "MODELS = {'fast': 'claude-3-haiku-20240307', 'smart': 'claude-sonnet-4-6'}\n",
     "app/ask.py": HEAD + "from app.choices import MODELS\ndef ask(q, pick):\n"
                   "    return client.messages.create(model=MODELS.get(pick, 'claude-sonnet-4-6'), max_tokens=300, messages=[])\n"},
]
TABLE_SILENT = [
    # another module's table looked up by a written key: only that entry is sent
    {"app/choices.py": "MODELS = {'fast': 'claude-3-haiku-20240307', 'smart': 'claude-sonnet-4-6'}\n",
     "app/ask.py": HEAD + "from app.choices import MODELS\nclient.messages.create(model=MODELS['smart'], max_tokens=300, messages=[])\n"},
    # another module's list picked by a run-time index, or its table of current models
    {"app/choices.py": "MODELS = ['claude-3-haiku-20240307', 'claude-sonnet-4-6']\nCURRENT = {'fast': 'claude-haiku-4-5'}\n",
     "app/ask.py": HEAD + "from app.choices import CURRENT, MODELS\ndef ask(i, pick):\n"
                   "    client.messages.create(model=MODELS[i], max_tokens=300, messages=[])\n"
                   "    return client.messages.create(model=CURRENT[pick], max_tokens=300, messages=[])\n"},
    # the update sets the model: the written one is never sent
    HEAD + "def ask(q, extra):\n    params = {'model': 'claude-3-opus-20240229', 'max_tokens': 300, 'messages': []}\n"
    "    params.update(model='claude-sonnet-4-6')\n    return client.messages.create(**params)\n",
    # only each provider's first model is sent; a retired second one is never chosen here
    HEAD + "MODELS = {'anthropic': ['claude-sonnet-4-6', 'claude-3-haiku-20240307']}\n"
    "def ask(q, provider, model=None):\n    model = model or MODELS[provider][0]\n"
    "    return client.messages.create(model=model, max_tokens=300, messages=[])\n",
    # a price table keyed by model IDs is no menu: nothing from it is sent as a model
    HEAD + "PRICES = {'claude-3-haiku-20240307': 0.25, 'claude-sonnet-4-6': 3.0}\n"
    "def ask(q, model):\n    cost = PRICES[model]\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=[])\n",
    # another option's default: args.model is whatever the user passes
    "import argparse\nfrom openai import OpenAI\nclient = OpenAI()\nparser = argparse.ArgumentParser()\n"
    "parser.add_argument('--judge-model', default='gpt-4-0613')\nargs = parser.parse_args()\n"
    "client.chat.completions.create(model=args.model, messages=[], max_tokens=100)\n",
    # a fallback only for an attribute never set (`hasattr`): the object's own model is sent
    HEAD + "class Bot:\n    def __init__(self, model):\n        self.model = model\n"
    "    def ask(self):\n        model = self.model if hasattr(self, 'model') else 'claude-3-opus-20240229'\n"
    "        return client.messages.create(model=model, max_tokens=300, messages=[])\n",
    # the written fallback is current
    "import os\n" + HEAD + "MODEL = os.getenv('CLAUDE_MODEL', 'claude-sonnet-4-6')\nclient.messages.create(model=MODEL, max_tokens=300, messages=[])\n",
    # an environment default that no request reads
    "import os\n" + HEAD + "LEGACY = os.getenv('LEGACY_MODEL', 'claude-3-opus-20240229')\nclient.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=[])\n",
    # one of several values that is not a known ID is no typo guess: the code may map it first
    HEAD + "def ask(q, model):\n    return client.messages.create(model=model or 'claude-sonet-4-6', max_tokens=300, messages=[])\n",
]

# A platform ID the catalogue has no date for on that platform: a newer model of the same line the
# platform has already retired says the older one is gone too (a warning: inferred, not published).
VERTEX = "from anthropic import AnthropicVertex\nclient = AnthropicVertex()\n"
PLATFORM_FIRES = [
    Invalid(VERTEX + CALL.format(model="claude-3-haiku@20240307"), row=3,
            message="retired the newer claude-haiku-4-5-20251001 on 2026-10-15: requests to it almost certainly fail"),
]
PLATFORM_SILENT = [
    # Anthropic's pricing page says Opus 4.1 is still served on Google Cloud, whatever Vertex did with Opus 4.5
    VERTEX + CALL.format(model="claude-opus-4-1@20250805"),
    # no newer Sonnet is known to be retired on Vertex, nor a newer Haiku on Bedrock outside the eu profiles
    VERTEX + CALL.format(model="claude-3-sonnet@20240229"),
    "import boto3\nclient = boto3.client('bedrock-runtime')\n"
    'client.converse(modelId="anthropic.claude-3-haiku-20240307-v1:0", messages=[], inferenceConfig={"maxTokens": 300})\n',
]

# A preview of a retired OpenAI model: the sources date the model, not the preview (a warning that says so).
OPENAI = 'from openai import OpenAI\nOpenAI().chat.completions.create(model="{model}", messages=[], max_tokens=100)\n'
PREVIEW_FIRES = [
    # a legacy completions model, shut down in 2024, through LangChain's legacy `OpenAI` LLM
    Invalid("from langchain.llms import OpenAI\nllm = OpenAI(model_name='text-davinci-003', temperature=0.7)\nprint(llm('Outline a blog post'))\n",
            row=2, message="Model text-davinci-003 was retired on 2024-01-04"),
    Invalid(OPENAI.format(model="gpt-4-0125-preview"), row=2, message="is a preview of gpt-4-turbo, whose retirement date (2026-10-23) has passed"),
]

# A menu a person picks the model from: every option may be sent, so a retired one is reported
# where it is written (the request is a related location).
ST = "import anthropic\nimport streamlit as st\nclient = anthropic.Anthropic()\n"
SENT = "client.messages.create(model=model, max_tokens=300, messages=[])\n"
DESCRIBED = "MODELS = {{\n    'claude-sonnet-4-6': 'Sonnet 4.6 (balanced)',\n    '{fast}': 'Haiku (fast)',\n}}\n"
INDEXED = ("import anthropic\nclient = anthropic.Anthropic()\nclass Bot:\n    MENU = {{'claude-sonnet-4-6': {{'limit': 8000}}, '{old}': {{'limit': 4000}}}}\n"
           "    def pick(self, name):\n        self.model = name\n"
           "    def ask(self, text):\n        return client.messages.create(model=self.model, max_tokens=self.MENU[self.model]['limit'], "
           "messages=[{{'role': 'user', 'content': text}}])\n")
MENU_FIRES = [
    Invalid(ST + "model = st.selectbox('Model', ['claude-sonnet-4-6', 'claude-3-haiku-20240307'])\n" + SENT, row=4,
            message="Model claude-3-haiku-20240307 was retired"),
    # a dict of model IDs to descriptions offered by its keys, in the sidebar
    Invalid(ST + DESCRIBED.format(fast="claude-3-haiku-20240307")
            + "with st.sidebar:\n    model = st.radio('Model', options=list(MODELS.keys()), format_func=lambda m: MODELS[m])\n" + SENT,
            row=6, message="Model claude-3-haiku-20240307 was retired"),
    # a terminal menu whose choices carry the value sent
    Invalid("import questionary\nfrom openai import OpenAI\nclient = OpenAI()\n"
            "model = questionary.select('Model?', choices=[questionary.Choice('New', value='gpt-5.4'), questionary.Choice('Old', value='gpt-4-0613')]).ask()\n"
            "client.chat.completions.create(model=model, messages=[], max_tokens=100)\n", row=4, message="gpt-4-0613 (a version of gpt-4) was retired"),
    "import click\nfrom openai import OpenAI\nMODELS = ['gpt-5.4', 'gpt-3.5-turbo-0301']\n"
    "def main():\n    model = click.prompt('Model', type=click.Choice(MODELS), default='gpt-5.4')\n"
    "    OpenAI().chat.completions.create(model=model, messages=[], max_tokens=100)\n",
    # a Discord slash command's option choices (py-cord)
    "import discord\nimport anthropic\nclient = anthropic.Anthropic()\nbot = discord.Bot()\n@bot.slash_command()\n"
    "async def chat(ctx, prompt: str, model: str = discord.Option(str, choices=['claude-sonnet-4-6', 'claude-3-opus-20240229'])):\n"
    "    client.messages.create(model=model, max_tokens=300, messages=[])\n",
    # a class's menu the request indexes with its own model: whatever was picked is one of its keys
    Invalid(INDEXED.format(old="claude-3-opus-20240229"), row=4, message="Model claude-3-opus-20240229 was retired"),
]
MENU_SILENT = [
    # the menu indexed is not by the model sent (a price table looked up by another name)
    INDEXED.format(old="claude-3-opus-20240229").replace("self.MENU[self.model]", "self.MENU[self.judge]"),
    # every key current
    INDEXED.format(old="claude-haiku-4-5"),
    # every option current
    ST + DESCRIBED.format(fast="claude-haiku-4-5") + "model = st.selectbox('Model', list(MODELS))\n" + SENT,
    # another menu's options are not the model sent (a judge picked but only shown, a style)
    ST + "judge = st.radio('Judge', ['claude-3-haiku-20240307', 'claude-sonnet-4-6'])\n"
    "model = st.selectbox('Model', ['claude-sonnet-4-6', 'claude-haiku-4-5'])\n"
    "client.messages.create(model=model, max_tokens=300, messages=[{'role': 'user', 'content': judge}])\n",
    # a list of retired IDs the code checks a choice against is no menu: none of them is sent
    ST + "RETIRED = ['claude-3-haiku-20240307', 'claude-3-opus-20240229']\n"
    "model = st.selectbox('Model', ['claude-sonnet-4-6', 'claude-haiku-4-5'])\n"
    "if model in RETIRED:\n    st.stop()\n" + SENT,
    # a menu of something else whose text merely mentions a model
    ST + "style = st.selectbox('Style', ['like claude-3-haiku-20240307', 'plain'])\n"
    "client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=[{'role': 'user', 'content': style}])\n",
]

# An object a function returns (by its return annotation, a dataclass of the file): its field
# default is what it holds unless it was built with another (a per-conversation state kept in a store).
STATE = ("from dataclasses import dataclass\n" + HEAD + "\n@dataclass\nclass ConversationState:\n    channel: str\n"
         "    model: str = 'claude-sonnet-4-20250514'\n\nclass Manager:\n    def __init__(self):\n        self.conversations = {{}}\n"
         "    def get(self, key) -> ConversationState:\n{body}"
         "    def reply(self, key, text):\n        conv = self.get(key)\n"
         "        return client.messages.create(model=conv.model, max_tokens=300, messages=[{{'role': 'user', 'content': text}}])\n")
STORED = ("        if key not in self.conversations:\n            self.conversations[key] = ConversationState(channel=key)\n"
          "        return self.conversations[key]\n")
STATE_FIRES = [
    Invalid(STATE.format(body=STORED), row=8, message="Model claude-sonnet-4-20250514 was retired"),
]
STATE_SILENT = [
    # every return builds the state with its own model: the default is never what it holds
    STATE.format(body="        return ConversationState(channel=key, model='claude-sonnet-4-6')\n"),
]

# An object of a class that keeps its model in `self` (no declared field), got by its return
# annotation or handed in annotated: what `__init__` sets, and what the file assigns to objects of
# that class (a chat's /model command picking from a table).
SESSION = ("import os\n" + HEAD + "class Chat:\n    def __init__(self):\n        self.model = os.getenv('CHAT_MODEL', {start!r})\n"
           "chats = {{}}\ndef chat_for(uid) -> Chat:\n    return chats.setdefault(uid, Chat())\n"
           "MENU = {{'fast': 'claude-haiku-4-5', 'deep': {deep!r}}}\n"
           "def choose(uid, key):\n    chat = chat_for(uid)\n    chat.model = MENU.get(key, 'claude-haiku-4-5')\n"
           "def reply(uid, text):\n    chat = chat_for(uid)\n"
           "    return client.messages.create(model=chat.model, max_tokens=300, messages=[{{'role': 'user', 'content': text}}])\n")
STATE_FIRES += [
    Invalid(SESSION.format(start="claude-3-opus-20240229", deep="claude-opus-4-8"), row=6, message="Model claude-3-opus-20240229 was retired"),
    Invalid(SESSION.format(start="claude-sonnet-4-6", deep="claude-3-opus-20240229"), row=10, message="Model claude-3-opus-20240229 was retired"),
]
STATE_SILENT += [
    SESSION.format(start="claude-sonnet-4-6", deep="claude-opus-4-8"),
    # a retired model set on an object of another class: not what a Chat holds
    SESSION.format(start="claude-sonnet-4-6", deep="claude-opus-4-8") + "class Draft:\n    pass\n"
    "def draft() -> Draft:\n    return Draft()\ndef old():\n    d = draft()\n    d.model = 'claude-3-opus-20240229'\n",
]
