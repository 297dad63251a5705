"""Replicate's language models: the story, the chat plan, and plain completions.

Language models on Replicate take no ``response_format``: the schema goes in the prompt,
and :func:`~adpipeline.providers.shared.structured.ask_json` strips fences and repairs once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...models import Brief, Feedback, StageName, Story
from ..base import FeedbackPlan
from ..shared.prompts import (
    PLAN_SCHEMA,
    plan_messages,
    read_plan,
    read_story,
    story_messages,
    story_schema,
)
from ..shared.structured import ask_json
from .client import ReplicateProvider
from .pricing import STORY_OUTPUT_TOKENS


class ReplicateTextProvider(ReplicateProvider):
    """Text: a story as JSON, what a chat message means, and one-off completions."""

    def write_story(
        self, brief: Brief, previous: Story | None, feedback: list[Feedback], seed: int
    ) -> Story:
        """Ask the text model for a story as JSON, validate it, and fix its timings."""
        system, user = story_messages(brief, previous, feedback, seed)
        return ask_json(self._send(STORY_OUTPUT_TOKENS + 500), system, user, name="story",
                        schema=story_schema(strict=False), strict=False, mode="prompt",
                        read=lambda data: read_story(data, brief),
                        who=f"Replicate model {self.model}")

    def interpret(
        self, stage: StageName, text: str, item: int | None, story: Story | None
    ) -> FeedbackPlan:
        """Ask the text model what a chat message means for ``stage``."""
        system, user = plan_messages(stage, text, item, story)
        return ask_json(self._send(300), system, user, name="reply", schema=PLAN_SCHEMA,
                        strict=False, mode="prompt", read=lambda data: read_plan(data, stage, text),
                        who=f"Replicate model {self.model}")

    def _send(self, max_tokens: int) -> Callable[[list[dict[str, str]], Any], str]:
        def send(messages: list[dict[str, str]], _format: Any) -> str:
            system = messages[0]["content"]
            rest = "\n\n".join(f"{m['role']}: {m['content']}" if i else m["content"]
                                for i, m in enumerate(messages[1:]))
            return self._complete(system, rest, max_tokens=max_tokens)

        return send

    def complete(self, system: str, user: str, *, seed: int, max_tokens: int = 600) -> str:
        """One answer to ``system`` + ``user`` (the prompt tools' critic and rewriter).

        The seed is not sent (language models on Replicate do not all take one); the
        gateway's cache is what makes a repeated run give the same answer.
        """
        return self._complete(system, user, max_tokens=max_tokens)

    def _complete(self, system: str, prompt: str, *, max_tokens: int) -> str:
        client = self.client()
        (output,) = self._run(client, [{
            "prompt": prompt, "system_prompt": system, "max_tokens": max_tokens,
            "temperature": 0.6,
        }])
        # Language models on Replicate stream tokens: the output is a list of strings.
        if isinstance(output, list):
            return "".join(str(part) for part in output)
        return str(output or "")
