"""The reply to one question: declined, an exercise pointer, the best passages (teaching model) or a short
grounded answer (instruct model), always with the sources as «Bài 4, mục 2» links."""

from __future__ import annotations

import html
import re
from typing import Any

from hocai.assistant import exercises
from hocai.assistant.index import Hit, Index, current
from hocai.assistant.textnorm import fold, syllables

DECLINED = "Tài liệu khóa học không nói về điều này."
EXERCISE = (
    "Câu này thuộc bài tập, nên trợ giảng không nói đáp án. Hãy đọc lại phần bài học dạy nội dung này rồi tự trả lời:"
)
INTRO = "Trong tài liệu khóa học:"
# When is a passage about the question? Chosen by the worst of the four tuning sets (tests/data/assistant_dev,
# dev2, dev3 questions and assistant_questions.jsonl; ties by their mean), never blind2. Coverage weighs each word
# by how rare it is in generic Vietnamese (index.Index.coverage), so "lúa", "Zalo", "modem" weigh much and "nói",
# "người" little:
MIN_COVERAGE = 0.57  # share of what the question's content words say that the passage holds, or ...
MIN_PAIRS = 2  # ... at least this many of its pairs of content words ("dữ liệu", "lừa đảo") found there,
PAIRED_COVERAGE = 0.2  # with this much coverage (a long, rambling question names many things the course does not)
TOP_K = 3
EXCERPT_CHARS = 420


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def excerpt(text: str, question: str, limit: int = EXCERPT_CHARS) -> str:
    """The paragraph of a passage that shares most words with the question (the heading is shown apart)."""
    words = set(syllables(question))
    paras = _paragraphs(text)[1:] or _paragraphs(text)
    best = max(paras, key=lambda p: len(words & set(syllables(p))), default="")
    return best if len(best) <= limit else best[:limit].rsplit(" ", 1)[0] + "…"


def highlight(text: str, question: str) -> str:
    """Escaped text with the question's content syllables in <mark>, matched without tones."""
    words = {w for w in syllables(question) if len(w) > 1}
    out = []
    for piece in re.split(r"(\w+)", text):
        safe = html.escape(piece)
        out.append(f"<mark>{safe}</mark>" if piece and fold(piece) in words else safe)
    return "".join(out)


def relevant(hit: Hit) -> bool:
    """Does the passage answer the question, rather than share a word or two with it?"""
    return hit.coverage >= MIN_COVERAGE or (hit.pairs >= MIN_PAIRS and hit.coverage >= PAIRED_COVERAGE)


def _source(hit: Hit, question: str, base: str) -> dict[str, Any]:
    p = hit.passage
    return {
        "lesson": p.lesson,
        "section": p.heading,
        "label": p.label,
        "url": p.url(base),
        "excerpt": excerpt(p.text, question),
        "score": round(hit.score, 3),
        "coverage": round(hit.coverage, 3),
    }


def _pointer(question: str, stem: exercises.Stem, index: Index, base: str) -> dict[str, Any]:
    """The numbered lesson section that teaches an exercise (question and objective as the query); no key."""
    objective = exercises.bank.objectives().get(stem.objective, "")
    hits = [
        h for h in index.search(f"{objective} {question}", k=len(index.passages)) if h.passage.lesson == stem.lesson
    ]
    hit = next((h for h in hits if not h.passage.overview), hits[0] if hits else None)
    sources = []
    if hit and not exercises.holds_key(hit.passage.heading, stem):
        sources = [
            {
                "lesson": hit.passage.lesson,
                "section": hit.passage.heading,
                "label": hit.passage.label,
                "url": hit.passage.url(base),
                "excerpt": "",
                "score": round(hit.score, 3),
                "coverage": 0.0,
            }
        ]
    return {"status": "exercise", "text": EXERCISE, "sources": sources}


def retrieve(question: str, index: Index | None = None, base: str = "/lab/tree/notebooks/") -> dict[str, Any]:
    """Declined, exercise pointer, or the top passages; no model involved."""
    index = index or current()
    stem, share = exercises.match(question)
    says_exercise = " bai tap " in f" {' '.join(syllables(question))} "  # "trong bài tập 7 thì chọn ý nào?"
    if stem is not None and (share >= exercises.EXERCISE_MATCH or (says_exercise and share >= exercises.EXERCISE_NEAR)):
        return _pointer(question, stem, index, base)
    if index.foreign(question):
        return {"status": "declined", "text": DECLINED, "sources": []}
    hits = index.search(question, k=TOP_K + 3)
    close = exercises.near(question)
    if close:
        hits = [h for h in hits if not any(exercises.holds_key(h.passage.text, s) for s in close)]
    hits = hits[:TOP_K]
    if not hits or not relevant(hits[0]):
        return {"status": "declined", "text": DECLINED, "sources": []}
    hits = [hits[0]] + [h for h in hits[1:] if relevant(h) or h.coverage >= hits[0].coverage / 2]
    return {"status": "answer", "text": INTRO, "sources": [_source(h, question, base) for h in hits]}


def grounded_prompt(question: str, sources: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Chat messages asking an instruct model for a short answer from the passages only, citing them."""
    context = "\n\n".join(f"[{s['label']}] {s['excerpt']}" for s in sources)
    system = (
        "Bạn là trợ giảng của khóa học về AI. Chỉ trả lời dựa vào các đoạn tài liệu dưới đây, ngắn gọn "
        "(tối đa 4 câu), bằng tiếng Việt có dấu, và ghi nguồn trong ngoặc vuông như [Bài 4, mục 2]. "
        f"Nếu tài liệu không nói về câu hỏi, trả lời đúng câu: «{DECLINED}»\n\nTài liệu:\n{context}"
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": question}]


def to_html(result: dict[str, Any], question: str) -> str:
    """The reply as HTML: text, then each source as a link with its excerpt highlighted."""
    parts = [f"<p>{html.escape(result['text'])}</p>"]
    if result.get("answer"):
        parts.append(f"<p>{html.escape(result['answer'])}</p>")
    for s in result.get("sources", []):
        link = (
            f'<a href="{html.escape(s["url"])}" target="_blank" rel="noopener" class="hocai-source">'
            f"{html.escape(s['label'])}</a>"
            if s.get("url")
            else html.escape(s["label"])
        )
        title = html.escape(s["section"])
        body = f"<div>{highlight(s['excerpt'], question)}</div>" if s.get("excerpt") else ""
        parts.append(f'<div class="hocai-passage"><b>{link}</b> — {title}{body}</div>')
    return "\n".join(parts)
