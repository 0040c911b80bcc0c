"""One question through the whole path: personal-data guard, retrieval, optional grounded answer, counts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from hocai.assistant import answer, exercises, stats
from hocai.assistant.index import current
from hocai.errors import UserError
from hocai.text import clean, nfc

log = logging.getLogger("hocai.app")
EMPTY = "Hãy gõ câu hỏi vào ô trước khi bấm nút."
MAX_CHARS = 1000
TOO_LONG = "Câu hỏi quá dài (tối đa {limit} ký tự); hãy hỏi ngắn gọn hơn."
LINK_BASE = "/lab/tree/notebooks/"
ANSWER_TOKENS = 200


def check_question(question: Any) -> str:
    if not isinstance(question, str) or not clean(question):
        raise UserError(EMPTY)
    question = nfc(clean(question))
    if len(question) > MAX_CHARS:
        raise UserError(TOO_LONG.format(limit=MAX_CHARS))
    return question


def _generate(backend: Any, question: str, result: dict[str, Any]) -> str:
    """A short answer from an instruct model, grounded in the passages; '' when the model fails."""
    try:
        backend.ready()
        tokens = min(ANSWER_TOKENS, getattr(backend, "max_new_tokens_cap", ANSWER_TOKENS))
        pieces = backend.chat_stream(
            answer.grounded_prompt(question, result["sources"]), max_new_tokens=tokens, temperature=0.2
        )
        return clean("".join(pieces))
    except UserError:
        return ""


def ask(
    question: Any, *, mask: Callable[[str], tuple[str, list]] | None = None, backend: Any = None, base: str = LINK_BASE
) -> dict[str, Any]:
    """The reply dict: status (answer/declined/exercise), text, answer (instruct model only), sources, html, masked."""
    question = check_question(question)
    masked: list = []
    if mask is not None:
        question, masked = mask(question)
    result = answer.retrieve(question, current(), base)
    if result["status"] == "answer" and backend is not None and not getattr(backend, "teaching_model", True):
        reply = _generate(backend, question, result)
        if reply and not any(exercises.holds_key(reply, s) for s in exercises.near(question)):
            result["answer"] = reply
    top = result["sources"][0] if result["sources"] else {"lesson": None, "section": ""}
    stats.record(top["lesson"], top["section"], result["status"])
    log.info("assistant %s status=%s", _fingerprint(question), result["status"])
    result["masked"] = [{"label": m["label"], "label_vi": m["label_vi"]} for m in masked]
    result["html"] = answer.to_html(result, question)
    if masked:
        from hocai.app.service import masked_summary

        result["html"] = f"<p>{masked_summary(result['masked'])}</p>\n" + result["html"]
    return result


def _fingerprint(text: str) -> str:
    from hocai.app.privacy import fingerprint

    return fingerprint(text)
