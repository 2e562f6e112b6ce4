"""Request shapes read from blind set 4 (session 13), each with look-alikes that must stay silent.
Written anew: short code in the shape, never the repositories' own."""
from __future__ import annotations

from conftest import report_routes


def sites(routes):
    return sorted((r["filename"], r["line"], r["api"], (r["via"] or {}).get("line")) for r in routes)


def test_a_partner_package_class_imported_from_its_defining_submodule_is_the_class(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "models.py": (
            "from langchain_aws.chat_models.bedrock_converse import ChatBedrockConverse\n"
            "from langchain_google_vertexai.model_garden import ChatAnthropicVertex\n"
            "from langchain_aws.utils.helpers import ChatBedrockConverse as Odd\n"
            "from mylib.chat_models.bedrock_converse import ChatBedrockConverse as Mine\n\n\n"
            "def ask(model_id, text, cap=200):\n"
            "    chat = ChatBedrockConverse(model=model_id, max_tokens=cap, temperature=0)\n"
            "    return chat.invoke(text)\n\n\n"
            "vertex = ChatAnthropicVertex(model_name='claude-3-5-haiku@20241022', location='us-east5', max_output_tokens=512)\n"
            "mine = Mine(model='x')\n"
            "if __name__ == '__main__':\n    print(ask('amazon.nova-lite-v1:0', 'hi'))\n"
        ),
    })
    # both classes by their submodule path, and the call of ask(); a package not LangChain's partner is not one
    apis = {(f, line, api) for f, line, api, _ in sites(found)}
    assert ("models.py", 8, "ChatBedrockConverse") in apis and ("models.py", 12, "ChatAnthropicVertex") in apis
    assert ("models.py", 15, "ChatBedrockConverse") in apis
    assert not any(line == 13 for _, line, _ in apis)


def test_a_bedrock_batch_inference_job_is_a_request(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "jobs.py": (
            "import boto3\n\n\n"
            "def submit(client, model, uri, role):\n"
            "    return client.create_model_invocation_job(modelId=model, jobName='nightly', roleArn=role,\n"
            "        inputDataConfig={'s3InputDataConfig': {'s3Uri': uri}}, outputDataConfig={'s3OutputDataConfig': {'s3Uri': uri + '/out'}})\n\n\n"
            "def main():\n    bedrock = boto3.client(service_name='bedrock')\n"
            "    for uri in ['s3://a', 's3://b']:\n        submit(bedrock, 'amazon.nova-lite-v1:0', uri, 'arn:role')\n\n\n"
            "def other(queue):\n    return queue.create_model_invocation_job(name='x')\n"
        ),
    })
    # the job (and the loop's call of submit()); a method of the same name without modelId is no request
    assert sites(found) == [("jobs.py", 5, "create_model_invocation_job", None), ("jobs.py", 12, "create_model_invocation_job", 5)]
