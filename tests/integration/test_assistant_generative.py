"""With a model that writes (here: the openai backend against the real service, treated as an instruct model),
the assistant adds a short answer generated from the passages, keeping the sources and never an exercise key."""

import html

from hocai.ai.backends.openai_backend import OpenAIBackend
from hocai.assistant.answer import grounded_prompt
from hocai.assistant.ask import ask


def test_grounded_answer_through_the_openai_backend(service):
    backend = OpenAIBackend(base_url=service.url + "v1")
    backend.start().join(60)
    backend.teaching_model = False  # the tiny model writes nonsense, but through the same generation path
    result = ask("ao giac cua AI la gi?", backend=backend)
    assert result["status"] == "answer" and result["sources"][0]["lesson"] == 5
    assert isinstance(result.get("answer"), str) and result["answer"]
    assert f"<p>{html.escape(result['answer'])}</p>" in result["html"]  # shown, escaped: it is model output


def test_the_prompt_holds_the_passages_and_the_decline_sentence():
    sources = [{"label": "Bài 5, mục 1", "excerpt": "Ảo giác là khi AI bịa."}]
    system = grounded_prompt("Ảo giác là gì?", sources)[0]["content"]
    assert "[Bài 5, mục 1] Ảo giác là khi AI bịa." in system and "Tài liệu khóa học không nói về điều này." in system
