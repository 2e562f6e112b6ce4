"""The usage tracker of the README: one JSON line per call, from the SDK's response.usage."""
import json


def track(route, response, path="usage.jsonl"):
    u = response.usage
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({
            "route": route,  # a function name, or "file.py:function" as the report names it
            "model": response.model,
            "input_tokens": u.input_tokens,
            "output_tokens": u.output_tokens,
            "cache_read_input_tokens": u.cache_read_input_tokens or 0,
            "cache_creation_input_tokens": u.cache_creation_input_tokens or 0,
            "stop_reason": response.stop_reason,
        }) + "\n")
