#!/usr/bin/env python3
"""Validates the bundled scenarios against docs/scenario.schema.json, and checks that files with a
schema-level mistake are refused. Needs the `jsonschema` and `yaml` modules (PyPI or Debian's
python3-jsonschema and python3-yaml); without them it says so and exits 0."""
import glob
import json
import sys

try:
    import jsonschema
    import yaml
except ImportError as missing:
    print(f"skipped: {missing.name} is not installed (pip install jsonschema pyyaml)")
    sys.exit(0)

root = sys.argv[1] if len(sys.argv) > 1 else "."
schema = json.load(open(f"{root}/docs/scenario.schema.json", encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)

failed = 0
checked = 0
for path in sorted(glob.glob(f"{root}/scenarios/**/*.yaml", recursive=True)):
    try:
        document = yaml.safe_load(open(path, encoding="utf-8"))
    except yaml.YAMLError:
        # PyYAML reads YAML 1.1 and refuses a few flow forms libyaml accepts; lint is the judge.
        print(f"note: PyYAML cannot read {path}; not validated here")
        continue
    checked += 1
    for error in validator.iter_errors(document):
        failed += 1
        location = "/".join(str(step) for step in error.absolute_path)
        print(f"{path}: {location}: {error.message}")

valid = {"turns": [{"user": "hi"}], "llm": [{"stream": [{"text": "a"}, {"finish": "stop"}]}]}
mistakes = {
    "an unknown top-level key": {**valid, "turnz": []},
    "an unknown engine key": {**valid, "engine": {"modle": "m"}},
    "an unknown frame key": {"turns": [{"user": "hi"}], "llm": [{"stream": [{"txt": "a"}]}]},
    "an unknown key in a tool call": {"turns": [{"user": "hi"}], "llm": [{"stream": [{"tool_call": {"idx": 0}}]}]},
    "a wrong type": {**valid, "engine": {"max_tool_hops": "five"}},
    "turns that are not a list": {"turns": "hi"},
    "a missing turns": {"llm": []},
    "an unknown $ operator": {**valid, "expect": {"events": [{"content": {"$contain": "a"}}]}},
    "an operator mixed with keys": {**valid, "expect": {"events": [{"content": {"$regex": "a", "x": 1}}]}},
}
for what, document in mistakes.items():
    if validator.is_valid(document):
        failed += 1
        print(f"the schema accepts {what}: {json.dumps(document)}")

print(f"schema: {checked} bundled scenarios validated, {len(mistakes)} mistakes refused, {failed} problem(s)")
sys.exit(1 if failed else 0)
