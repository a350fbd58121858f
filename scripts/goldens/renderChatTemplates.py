#!/usr/bin/env python3
"""Renders every chat template of test/fixtures/chatTemplates against every conversation of the corpus, the way
transformers' apply_chat_template does (its Jinja2 environment) after vLLM's message normalisation, and writes the
expected prompts to test/fixtures/chatTemplates/goldens.json. CI does not run this: it needs Debian's python3-jinja2
(3.1.x). Run from the repository root: python3 scripts/goldens/renderChatTemplates.py
"""
import json
import sys
from datetime import datetime
from pathlib import Path

import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

FIXTURES = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "chatTemplates"
# strftime_now reads the clock; goldens are rendered at this fixed local time (the tests render at the same one).
FIXED_NOW = datetime(2025, 6, 28, 12, 0, 0)


def compile_template(source):
    """transformers.utils.chat_template_utils._compile_jinja_template, minus the {% generation %} tracker."""

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(format):
        return FIXED_NOW.strftime(format)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env.from_string(source)


class ToolCallArguments(dict):
    """Arguments parsed into a mapping (vLLM), which a template concatenating them to a string sees as the JSON text
    the client sent (what transformers renders when given that text): `'```json\\n' + arguments` in DeepSeek's
    templates, where plain vLLM raises TypeError."""

    def __init__(self, mapping, text):
        super().__init__(mapping)
        self.text = text

    def __radd__(self, other):
        if isinstance(other, str):
            return other + self.text
        return NotImplemented

    def __add__(self, other):
        if isinstance(other, str):
            return self.text + other
        return NotImplemented


def normalise_messages(messages):
    """vLLM's parse_chat_messages with the "string" content format, then _postprocess_messages."""
    out = []
    for message in messages:
        role = message["role"]
        content = message.get("content")
        if content is None:
            text = ""
        elif isinstance(content, str):
            text = content
        else:
            text = "\n".join(part["text"] for part in content)
        result = {"role": role, "content": text}
        if role == "assistant":
            if message.get("tool_calls") is not None:
                result["tool_calls"] = [json.loads(json.dumps(call)) for call in message["tool_calls"]]
            reasoning = message.get("reasoning") or message.get("reasoning_content")
            if reasoning is not None:
                result["reasoning"] = reasoning
                result["reasoning_content"] = reasoning
        elif role == "tool" and "tool_call_id" in message:
            result["tool_call_id"] = message["tool_call_id"]
        if isinstance(message.get("name"), str):
            result["name"] = message["name"]
        out.append(result)
    for message in out:
        calls = message.get("tool_calls")
        if message["role"] != "assistant" or not isinstance(calls, list):
            continue
        if len(calls) == 0:
            del message["tool_calls"]
            continue
        for call in calls:
            function = call["function"]
            raw = function.get("arguments")
            parsed = {}
            if isinstance(raw, dict):
                parsed = raw
            elif raw:
                try:
                    parsed = json.loads(raw)
                except json.JSONDecodeError:
                    parsed = {}
                if not isinstance(parsed, dict):
                    parsed = {}
            function["arguments"] = ToolCallArguments(parsed, raw if isinstance(raw, str) else json.dumps(parsed))
    return out


def render(template, spec, conversation):
    kwargs = dict(conversation.get("chat_template_kwargs", {}))
    variables = {"bos_token": spec["bos_token"], "eos_token": spec["eos_token"], **kwargs}
    variables.update(
        messages=normalise_messages(conversation["messages"]),
        tools=conversation.get("tools"),
        documents=None,
        add_generation_prompt=conversation.get("add_generation_prompt", True),
    )
    return template.render(**variables)


def main():
    specs = json.loads((FIXTURES / "templates.json").read_text())
    conversations = json.loads((FIXTURES / "conversations.json").read_text())
    goldens = {}
    for name, spec in specs.items():
        template = compile_template((FIXTURES / spec["file"]).read_text())
        goldens[name] = {}
        for conversation_name, conversation in conversations.items():
            try:
                goldens[name][conversation_name] = {"prompt": render(template, spec, conversation)}
            except Exception as error:  # the template refused the conversation: the expected outcome is an error
                goldens[name][conversation_name] = {"error": f"{type(error).__name__}: {error}"}
    (FIXTURES / "goldens.json").write_text(json.dumps(goldens, ensure_ascii=False, indent=1) + "\n")
    print(f"jinja2 {jinja2.__version__}: {len(specs)} templates x {len(conversations)} conversations", file=sys.stderr)


if __name__ == "__main__":
    main()
