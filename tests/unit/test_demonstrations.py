"""Issue 17's demonstrations without a model: the corpus part written for them, the worked examples and their
error hunt, the knowledge cut-off and retraining widgets (figures on a built model: test_build_default.py)."""

import importlib.util
import json
import re
import unicodedata
from pathlib import Path

import ipywidgets as widgets
import pytest

from hocai.ai import retrain
from hocai.ai.client import DOWN
from hocai.lessons import lesson03, lesson05, lesson06, lesson08
from hocai.widgets import error_hunt
from hocai.widgets.error_hunt import AUTHOR_LABEL, Flaw, WorkedExample, grade, render_verdict, uses_live_model

ROOT = Path(__file__).resolve().parents[1].parent
CORPUS = ROOT / "corpus"
EXAMPLES = [lesson03.VAGUE_EXAMPLE, lesson03.GOOD_EXAMPLE, lesson05.SUMMARY_EXAMPLE, lesson08.DRAFT_EXAMPLE]


def _html(widget) -> str:
    found = [widget.value] if isinstance(widget, widgets.HTML) else []
    for child in getattr(widget, "children", ()):
        found.append(_html(child))
    return "\n".join(found)


def _all(widget, kind):
    found = [widget] if isinstance(widget, kind) else []
    for child in getattr(widget, "children", ()):
        found.extend(_all(child, kind))
    return found


def _generator():
    spec = importlib.util.spec_from_file_location("make_demonstrations", CORPUS / "make_demonstrations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _training_text() -> str:
    """What the teaching model learns from: corpus/*.txt and the notebooks' markdown."""
    parts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        parts.extend("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return "\n".join(parts)


# ---- the corpus part written for the demonstrations -------------------------------------------------


def test_demonstration_files_are_what_the_generator_writes(tmp_path):
    written = _generator().write_all(tmp_path)
    for name, path in written.items():
        committed = next(CORPUS.rglob(name))
        assert committed.read_bytes() == path.read_bytes(), f"{name}: run corpus/make_demonstrations.py"


@pytest.mark.parametrize(
    "name",
    [
        "24-minh-hoa-so-hieu-van-ban.txt",
        "25-minh-hoa-thien-kien-nghe-nghiep.txt",
        "26-minh-hoa-ban-tin-xa-den-thang-6-2025.txt",
    ],
)
def test_each_demonstration_file_says_it_is_invented(name):
    text = (CORPUS / name).read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first.startswith("Văn bản minh hoạ, viết riêng để huấn luyện mô hình thu nhỏ")
    assert "đều do người soạn bịa ra, không có thật, không phải dữ liệu cá nhân của ai" in first
    assert text == unicodedata.normalize("NFC", text)
    assert not re.search(r"\b0\d{9}\b|@", text), "no phone numbers or e-mail addresses"


def test_many_different_well_formed_decision_numbers():
    text = (CORPUS / "24-minh-hoa-so-hieu-van-ban.txt").read_text(encoding="utf-8")
    numbers = re.findall(r"Căn cứ Quyết định số (\d+/\d{4}/QĐ-UBND)", text)
    assert len(numbers) >= 150 and len(set(numbers)) >= 0.9 * len(numbers)
    assert {n.split("/")[1] for n in numbers} <= {str(y) for y in range(2019, 2026)}
    assert all(lesson05.first_flaw(f"Quyết định số {n}", today=None) == lesson05.NO_FLAW for n in numbers[:20])


def test_the_skewed_part_is_skewed_and_the_balanced_text_is_balanced():
    skewed = (CORPUS / "25-minh-hoa-thien-kien-nghe-nghiep.txt").read_text(encoding="utf-8").lower()
    balanced = retrain.balanced_text().lower()
    for job, more, less in (("bác sĩ", "anh", "chị"), ("y tá", "chị", "anh")):
        assert skewed.count(f"{job} là {more} ") >= 8 * skewed.count(f"{job} là {less} ") > 0
        assert balanced.count(f"{job} là anh ") == balanced.count(f"{job} là chị ") > 50
    groups = retrain.balanced_sentences(retrain.balanced_text())
    assert all(len(group) >= 20 for group in groups.values())
    assert all(s.startswith(prompt + " " + word) for (prompt, word), group in groups.items() for s in group)


def test_balanced_text_is_not_training_text():
    from hocai.ai.build_default import corpus_documents

    labels = [label for label, _ in corpus_documents()]
    assert "corpus/25-minh-hoa-thien-kien-nghe-nghiep.txt" in labels
    assert not any("balanced" in label or "can-bang" in label for label in labels)


def test_the_model_cannot_know_the_news_after_its_cutoff():
    training = _training_text()
    assert f"dừng ở {lesson05.CUTOFF}" in training
    assert "Thu Hà" not in training and "Thu Hà" in lesson05.NEW_FACT
    assert training.count(f"xã Tân Hòa là anh {lesson05.OLD_LEADER}") >= 20
    for month, year in re.findall(r"Bản tin xã Tân Hòa tháng (\d+) năm (\d{4})", training):
        assert (int(year), int(month)) <= (2025, 6)


# ---- worked examples and the error hunt ---------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.title)
def test_worked_examples_are_labelled_and_each_error_has_its_check(example):
    assert example.flaws and all(f.what and f.check for f in example.flaws)
    assert example.right, "passages that are right, so ticking everything is not a strategy"
    box = error_hunt.error_hunt(example)
    html = _html(box)
    assert AUTHOR_LABEL in html and "không phải do AI tạo ra" in html
    assert len(_all(box, widgets.Checkbox)) == len(example.flaws) + len(example.right)


def test_a_quote_missing_from_the_draft_is_refused():
    with pytest.raises(ValueError):
        WorkedExample(title="x", request="y", draft="Bản nháp.", flaws=(Flaw("không có", "sai", "tra"),))


def test_grade_tells_found_missed_and_false_alarms():
    example = lesson08.DRAFT_EXAMPLE
    passages = example.passages()
    ticked = [flaw is not None for _, flaw in passages]
    perfect = grade(example, ticked)
    assert perfect.complete and len(perfect.found) == len(example.flaws)
    ticked[0] = False  # miss the first error, tick the first right passage
    first_right = next(i for i, (_, flaw) in enumerate(passages) if flaw is None)
    ticked[first_right] = True
    verdict = grade(example, ticked)
    assert [f.quote for f in verdict.missed] == [passages[0][0]]
    assert verdict.false_alarms == [passages[first_right][0]] and not verdict.complete
    html = render_verdict(example, verdict)
    assert "Còn bỏ sót" in html and verdict.missed[0].check.split(";")[0][:20] in html
    assert "Những đoạn này không sai" in html and f"{len(example.flaws) - 1}/{len(example.flaws)}" in html


def test_error_hunt_widget_checks_the_marks():
    box = error_hunt.error_hunt(lesson05.SUMMARY_EXAMPLE)
    checks, button = _all(box, widgets.Checkbox), _all(box, widgets.Button)[0]
    button.click()
    assert error_hunt.NOTHING_TICKED in _html(box)
    for check, (_, flaw) in zip(checks, lesson05.SUMMARY_EXAMPLE.passages(), strict=True):
        check.value = flaw is not None
    button.click()
    assert "Chính xác" in _html(box)


def test_live_model_only_for_an_instruct_model():
    assert uses_live_model({"status": "ok", "teaching_model": False, "model": "qwen2.5-0.5b-instruct"})
    assert not uses_live_model({"status": "ok", "teaching_model": True})
    assert not uses_live_model({"status": "loading", "teaching_model": False})
    assert not uses_live_model(None)


@pytest.mark.parametrize(
    "make",
    [lesson03.compare_prompts, lesson05.verify_summary, lesson08.review_draft],
    ids=lambda f: f.__module__ + "." + f.__name__,
)
def test_without_an_instruct_model_the_lessons_show_the_labelled_examples(make, service_down):
    html = _html(make())
    assert AUTHOR_LABEL in html and "mô hình thu nhỏ" in html


# ---- knowledge cut-off and retraining widgets -----------------------------------------------------------


def test_invented_numbers_counts_the_number_after_so_not_the_dates():
    """«Ba lần cho ba con số khác nhau»: one number per continuation, the dates the model wrote after it not counted."""
    texts = [" 166/QĐ-UBND ngày 14/2025 của Chủ tịch", " 3/2019/QĐ-UBND ngày 17/2/2022 của", " 5 của xã ngày 2/1/2020"]
    assert lesson05.distinct_numbers(texts) == ["166/QĐ-UBND", "3/2019/QĐ-UBND", "5"]
    shown = lesson05.render_invented(texts)
    assert "mô hình viết ra 3 con số khác nhau (166/QĐ-UBND, 3/2019/QĐ-UBND, 5)" in shown
    assert "Mô hình viết ra con số 12/QĐ-UBND." in lesson05.render_invented(
        [" 12/QĐ-UBND ngày 1/2/2020", " 12/QĐ-UBND ngày 3/4/2021"]
    )


def test_cutoff_counts_and_render():
    texts = [" anh Hoàng Minh Đức. Muốn hỏi", " chị Lê Thu Hà", " anh <b>Bình</b>"]
    assert lesson05.who_it_names(texts) == {"old": 1, "new": 1, "other": 1}
    html = lesson05.render_cutoff(texts)
    assert "1/3 lần" in html and lesson05.CUTOFF in html and "&lt;b&gt;" in html


def test_cutoff_widget_when_down(service_down):
    html = _html(lesson05.knowledge_cutoff())
    assert DOWN in html and lesson05.NEW_FACT in html and lesson05.CUTOFF in html


FIGURES = {
    "before": {"Bác sĩ là": {"anh": 0.9, "chị": 0.06}, "Y tá là": {"anh": 0.04, "chị": 0.42}},
    "after": {"Bác sĩ là": {"anh": 0.45, "chị": 0.5}, "Y tá là": {"anh": 0.5, "chị": 0.41}},
    "counts": {"Bác sĩ là": {"anh": 40, "chị": 41}},
    "sentences": 81,
    "steps": 60,
    "seconds": 12.3,
}


def test_skew_factor_and_retrained_render():
    assert lesson06.skew_factor(0.9, 0.06) == pytest.approx(15)
    assert lesson06.skew_factor(0.04, 0.42) == pytest.approx(10.5)
    html = lesson06.render_retrained(FIGURES)
    assert "cao gấp <b>15,0 lần</b>" in html and "12,3 giây" in html and "không còn nghiêng" in html
    lopsided = dict(FIGURES, after=FIGURES["before"])
    assert "chưa cân bằng hẳn" in lesson06.render_retrained(lopsided)


def test_retrain_widget_when_down(service_down):
    box = lesson06.retrain_class_copy()
    _all(box, widgets.Button)[0].click()
    assert DOWN in _html(box)


# ---- the model named honestly; catalogue speeds measured ------------------------------------------------


def test_describe_says_what_the_model_can_and_cannot_do():
    from hocai.ai.catalogue import describe
    from hocai.widgets.ai_box import health_card

    teaching = describe("hocai-teaching-gpt2", True)
    assert "1,1 triệu tham số" in teaching["what"] and "GPT-2 tí hon" in teaching["what"]
    assert "trả lời câu hỏi" in teaching["cannot"] and "tháng 6 năm 2025" in teaching["cannot"]
    assert "HOCAI_MODEL=TÊN" in teaching["switch"] and "hocai models list" in teaching["switch"]
    qwen = describe("qwen2.5-0.5b-instruct", False)
    assert "Qwen2.5 0.5B Instruct" in qwen["what"] and "494 triệu" in qwen["what"] and "bịa" in qwen["cannot"]
    assert "chưa rõ" in describe("mo-hinh-la", False)["size"]
    card = health_card({"status": "ok", "model": "hocai-teaching-gpt2", "teaching_model": True})
    assert "Không làm được" in card and "HOCAI_MODEL" in card


def test_bench_saves_only_its_two_fields(tmp_path):
    from hocai.ai import catalogue, speed

    original = catalogue.catalogue_path().read_text(encoding="utf-8")
    copy = tmp_path / "catalogue.toml"
    copy.write_text(original, encoding="utf-8")
    result = {
        "name": "qwen3-0.6b",
        "tokens_per_s": 7.25,
        "dtype": "bfloat16",
        "steps": 6,
        "machine": "CPU thử, 2 nhân, có bf16, tải 0.5 lúc đo",
        "date": "2026-12-04",
    }
    speed.save(result, copy)
    speed.save(dict(result, tokens_per_s=7.5), copy)  # a second measurement replaces the first
    entries = {e.name: e for e in catalogue.load_catalogue(copy)}
    assert entries["qwen3-0.6b"].measured_tokens_per_s == 7.5
    measured_on = entries["qwen3-0.6b"].measured_on
    assert "2026-12-04" in measured_on and "trọng số ngẫu nhiên" in measured_on
    before = {e.name: e for e in catalogue.load_catalogue(catalogue.catalogue_path())}
    for name, entry in entries.items():
        if name != "qwen3-0.6b":
            assert entry == before[name]
    table = catalogue.render_table(list(entries.values()))
    assert "7,5 (đo)" in table


def test_every_catalogue_model_has_a_shape_to_measure():
    from hocai.ai import catalogue, speed

    for entry in catalogue.load_catalogue():
        assert entry.teaching_model or entry.name in speed.SHAPES, entry.name


def test_decode_speed_of_a_small_model(tiny_model_dir):
    from transformers import AutoModelForCausalLM

    from hocai.ai import speed

    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir).eval()
    import torch

    threads = torch.get_num_threads()
    assert speed.decode_tokens_per_s(model, model.config.vocab_size, steps=3) > 1
    assert speed.decode_tokens_per_s(model, model.config.vocab_size, steps=3, cpu_time=True) > 1
    assert torch.get_num_threads() == threads
