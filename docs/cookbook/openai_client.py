"""Recipe 4 of docs/cookbook.md: the openai Python client against a standing stream-replay mock.

Start the mock first (from the repository root):
    swift run stream-replay serve scenarios/standing --match --port 8080
then: python3 docs/cookbook/openai_client.py
"""

import json

from openai import OpenAI

# The mock ignores the key, but the client insists on one.
client = OpenAI(base_url="http://127.0.0.1:8080/v1", api_key="unused")

# A plain answer: the model name picks scenarios/standing/plain-answer.yaml.
stream = client.chat.completions.create(
    model="plain-answer",
    stream=True,
    messages=[{"role": "user", "content": "hi"}],
)
print("".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices))

# A tool loop against test-model (scenarios/standing/weather-tool.yaml): the first answer is a
# get_weather call streamed in pieces, the follow-up with the tool's result gets the text.
messages = [{"role": "user", "content": "What is the weather in Paris?"}]
calls = {}
for chunk in client.chat.completions.create(model="test-model", stream=True, messages=messages):
    for call in (chunk.choices[0].delta.tool_calls or []) if chunk.choices else []:
        slot = calls.setdefault(call.index, {"id": None, "name": "", "arguments": ""})
        slot["id"] = call.id or slot["id"]
        slot["name"] += call.function.name or ""
        slot["arguments"] += call.function.arguments or ""
print(calls)

messages.append({
    "role": "assistant",
    "content": None,
    "tool_calls": [
        {"id": c["id"], "type": "function", "function": {"name": c["name"], "arguments": c["arguments"]}}
        for c in calls.values()
    ],
})
for c in calls.values():
    messages.append({"role": "tool", "tool_call_id": c["id"], "content": json.dumps({"temp_c": 21})})

answer = client.chat.completions.create(model="test-model", stream=True, messages=messages)
print("".join(chunk.choices[0].delta.content or "" for chunk in answer if chunk.choices))
