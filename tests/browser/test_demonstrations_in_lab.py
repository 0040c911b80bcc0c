"""Each lesson's demonstration, run as a participant runs it: real JupyterLab, real Chromium, the default class model.

One workshop (`hocai start`, the teaching model built from the corpus as a class builds it) and one browser serve
every lesson. Each test opens its lesson, runs all cells, clicks what the lesson tells participants to click and
checks on screen the figure the lesson's text promises (thresholds of issue 17).
"""

from __future__ import annotations

import itertools
import re
import time

import pytest
from support import close_sessions, lab_class, run_all_until

from hocai.lessons import lesson03, lesson05, lesson06, lesson08
from hocai.widgets.error_hunt import AUTHOR_LABEL

pytestmark = [pytest.mark.browser, pytest.mark.slow]

IDLE = ".jp-Notebook-ExecutionIndicator[data-status='idle']"
WORKING = "Đang hỏi Sân tập AI"
CITATION = re.compile(r"\d+/\d{4}/QĐ-[A-ZĐ]+")


@pytest.fixture(scope="module")
def class_lab(default_model, tmp_path_factory):
    """`hocai start` on the default teaching model, as a class runs it."""
    with lab_class(default_model, tmp_path_factory, {"docmanager-extension/plugin": {"autosave": False}}) as lab:
        yield lab


@pytest.fixture
def lesson(class_lab, tabs, artifacts, request):
    """``open(notebook, demo_code)``: the lesson open and run all; closes the tab and its kernel afterwards."""
    opened = []

    def open_lesson(notebook: str, last_cell: str):
        page = tabs.new_page()
        opened.append(page)
        page.goto(
            f"{class_lab['lab_base']}lab/tree/notebooks/{notebook}?reset&token={class_lab['token']}", timeout=120_000
        )
        page.wait_for_selector(".jp-Notebook", timeout=120_000)
        # A Run All dropped by a kernel not yet ready is retried after 20 s; a slow but running one just reruns.
        run_all_until(page, ".jp-OutputArea-output .jupyter-widgets", wait_ms=20_000)
        cell(page, last_cell).locator(".jp-OutputArea-output").first.wait_for(timeout=120_000)
        page.wait_for_selector(IDLE, timeout=120_000)
        return page

    yield open_lesson
    for page in opened:
        page.screenshot(path=str(artifacts / f"minh-hoa-{request.node.name}.png"))
        page.close()
    close_sessions(class_lab)


def cell(page, code: str):
    """The code cell that calls ``code`` (e.g. ``bai.sampler()``, now ``from hocai.lessons.lesson02 import sampler;
    sampler()`` with its code hidden), scrolled into view (JupyterLab renders cells out of view lazily)."""
    call = code.replace("bai.", "; ", 1)
    found = page.locator(".jp-CodeCell", has=page.locator(".jp-Cell-inputWrapper", has_text=call))
    found.first.scroll_into_view_if_needed(timeout=60_000)
    return found.first


def output_text(target) -> str:
    """The cell's output as displayed (brought into view first: text of a cell off screen is not rendered)."""
    output = target.locator(".jp-OutputArea-output")
    output.scroll_into_view_if_needed()
    return output.inner_text()


def click_and_wait(page, target, button: str, timeout_s: float = 120) -> str:
    """Click a widget button and return the cell's output once the new answer replaced the old one, even when
    it reads the same (a marker put into every text widget is gone from the one redrawn)."""
    before = output_text(target)
    marked = target.locator(".jp-OutputArea-output .widget-html-content").evaluate_all(
        "els => els.map(e => e.appendChild(Object.assign(document.createElement('span'), {className: 'old'})))"
    )
    markers = target.locator(".jp-OutputArea-output .widget-html-content > span.old")
    target.get_by_role("button", name=button).click()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        text = output_text(target)
        if (text != before or markers.count() < len(marked)) and WORKING not in text:
            return text
        page.wait_for_timeout(250)
    raise AssertionError(f"no new answer after «{button}»: {before}")


def set_slider(target, value: str) -> None:
    """Type a value into a slider's readout, as a participant can."""
    readout = target.locator(".widget-readout").first
    readout.click()
    readout.press("Control+a")
    readout.type(value)
    readout.press("Enter")
    assert readout.inner_text().strip() == value, readout.inner_text()


def bars(target) -> list[list[tuple[str, float]]]:
    """Every bar chart in the output: [(label, percent), ...] per chart, as displayed."""
    charts = target.locator(".jp-OutputArea-output div[style*='max-width:44em']")
    result = []
    for chart in charts.all():
        rows = chart.evaluate("c => [...c.children].map(r => [r.children[0].textContent, r.children[2].textContent])")
        result.append([(label.strip(), float(figure.rstrip("%"))) for label, figure in rows])
    return result


def samples(target) -> list[str]:
    """The continuations listed in the cell's output, as displayed."""
    items = target.locator(".jp-OutputArea-output li")
    items.first.scroll_into_view_if_needed()
    return [t.strip().lstrip("…").strip() for t in items.all_inner_texts()]


def words(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+", text.lower()))


def likeness(texts: list[str]) -> float:
    """How alike the least alike two of several texts are (shared words over all words, 1 = same words)."""
    return min(len(words(a) & words(b)) / max(1, len(words(a) | words(b))) for a, b in itertools.combinations(texts, 2))


def tick(target, quotes) -> None:
    for quote in quotes:
        target.locator(".widget-checkbox", has_text=quote).first.locator("input").check()


def test_lesson2_next_word_probabilities_and_temperature(lesson):
    page = lesson("02-mo-hinh-ngon-ngu.ipynb", "bai.quiz()")
    explorer = cell(page, "bai.next_word_explorer()")
    (chart,) = bars(explorer)
    assert chart[0][0] == "xã" and chart[0][1] > 50, chart  # «Ủy ban nhân dân» → «xã», as section 1 says
    assert len(chart) == 5 and chart == sorted(chart, key=lambda row: -row[1]), chart
    explorer.locator("textarea").fill("Bình dân học vụ")
    click_and_wait(page, explorer, "Đoán chữ tiếp theo")
    (chart,) = bars(explorer)
    assert chart[0][0] == "số" and chart[0][1] > 50, chart

    # «Thử với nhiệt độ 0,2 rồi với nhiệt độ 1,5: ba câu có giống nhau không?» — low: alike; high: all different.
    sampler = cell(page, "bai.sampler()")
    set_slider(sampler, "0.2")
    click_and_wait(page, sampler, "Viết tiếp")
    cool = samples(sampler)
    set_slider(sampler, "1.5")
    click_and_wait(page, sampler, "Viết tiếp")
    hot = samples(sampler)
    assert len(cool) == len(hot) == 3 and len(set(hot)) == 3, (cool, hot)
    assert likeness(cool) > likeness(hot), (cool, hot)


def test_lesson3_compare_prompts_uses_labelled_author_examples(lesson):
    page = lesson("03-viet-cau-lenh.ipynb", "bai.quiz()")
    hunt = cell(page, "bai.compare_prompts()")
    text = output_text(hunt)
    assert text.count(AUTHOR_LABEL) == 2, text  # both drafts labelled as written by the authors
    assert "Vì sao đây là ví dụ viết sẵn?" in text and hunt.get_by_role("button", name="Nhờ AI soạn").count() == 0
    vague = lesson03.VAGUE_EXAMPLE
    tick(hunt, [vague.flaws[0].quote, vague.right[1]])
    hunt.get_by_role("button", name="Kiểm tra").first.click()
    page.wait_for_function("t => document.body.innerText.includes(t)", arg=f"Bạn tìm ra 1/{len(vague.flaws)} lỗi.")
    text = output_text(hunt)
    assert "Còn bỏ sót" in text and "Những đoạn này không sai" in text, text
    for flaw in vague.flaws[1:]:
        assert flaw.what in text and f"Cách kiểm tra: {flaw.check}" in text, flaw


def test_lesson5_invented_numbers_cutoff_and_summary(lesson):
    page = lesson("05-ao-giac-kiem-chung.ipynb", "bai.quiz()")
    # «Cho Sân tập AI viết tiếp … ba lần … Bấm lại vài lần»: the cell's own run, then three clicks.
    invented = cell(page, "bai.invented_numbers()")
    texts, different = [], []
    for click in range(4):
        if click:
            click_and_wait(page, invented, "Viết tiếp ba lần")
        texts += [t.removeprefix(lesson05.SAMPLE_START).strip(" …") for t in samples(invented)]
        verdict = output_text(invented)
        shown = re.search(
            r"viết ra (\d+) con số khác nhau \(.*?\)\. Không con số nào được tra cứu ở đâu cả: đó là "
            r"bịa",
            verdict,
        )
        different.append(int(shown.group(1)) if shown else 0)
    well_formed = [m.group(0) for t in texts if (m := CITATION.match(t))]
    # A made-up decision number in ≥ 60 % of samples (measured 70/96 through the service): ≥ 5 of 12 fails 0.4 %.
    assert len(texts) == 12 and len(well_formed) >= 5, texts
    assert sum(n >= 2 for n in different) >= 3, different  # different numbers each time, said so in red
    print(
        f"lesson 5: {len(well_formed)}/12 well-formed decision numbers, {len(set(well_formed))} different; "
        f"different numbers per three: {different}"
    )

    cutoff = cell(page, "bai.knowledge_cutoff()")
    assert lesson05.CUTOFF in output_text(cutoff) and lesson05.NEW_FACT in output_text(cutoff)
    for prompt in lesson05.CUTOFF_PROMPTS:
        if prompt != lesson05.CUTOFF_PROMPTS[0]:  # the first is asked when the cell runs
            cutoff.locator("textarea").fill(prompt)
            click_and_wait(page, cutoff, "Hỏi mô hình")
        told = re.search(
            r"(\d+)/(\d+) lần mô hình nêu tên người cũ \(.*?\), (\d+) lần nêu người mới", output_text(cutoff)
        )
        assert told, output_text(cutoff)
        old, total, new = map(int, told.groups())
        assert total == 8 and new == 0 and old >= 4, (prompt, told.group(0))
        print(f"lesson 5: «{prompt}»: {told.group(0)}")

    summary = cell(page, "bai.verify_summary()")
    assert AUTHOR_LABEL in output_text(summary)
    example = lesson05.SUMMARY_EXAMPLE
    tick(summary, [f.quote for f in example.flaws])
    summary.get_by_role("button", name="Kiểm tra").click()
    page.wait_for_function("t => document.body.innerText.includes(t)", arg="Chính xác!")
    assert f"Bạn tìm ra {len(example.flaws)}/{len(example.flaws)} lỗi." in output_text(summary)


def _factors(text: str) -> list[float]:
    return [float(f.replace(",", ".")) for f in re.findall(r"cao gấp ([\d,]+) lần", text)]


def test_lesson6_bias_from_data_and_retrained_copy(lesson):
    page = lesson("06-thien-kien-trach-nhiem.ipynb", "bai.quiz()")
    bias = cell(page, "bai.class_model_bias()")
    doctor, nurse = (dict(chart) for chart in bars(bias))
    assert doctor.get("anh", 0) >= lesson06.SKEW_GOAL * doctor.get("chị", 0.1), doctor
    assert nurse.get("chị", 0) >= lesson06.SKEW_GOAL * nurse.get("anh", 0.1), nurse

    copy = cell(page, "bai.retrain_class_copy()")
    started = time.monotonic()
    copy.get_by_role("button", name="Huấn luyện lại bản sao").click()
    page.wait_for_function(
        "t => document.body.innerText.includes(t)", arg="Mô hình của lớp và bản sao học lại", timeout=120_000
    )
    waited = time.monotonic() - started
    text = output_text(copy)
    class_model, retrained = _factors(text)[:2], _factors(text)[2:]
    assert len(retrained) == 2 and all(f >= lesson06.SKEW_GOAL for f in class_model), text
    assert all(f < lesson06.BALANCED_GOAL for f in retrained), text
    assert "gần như không còn nghiêng về bên nào" in text
    seconds = float(re.search(r"trong ([\d,]+) giây", text).group(1).replace(",", "."))
    assert seconds < 60 and waited < 90, (seconds, waited)
    print(
        f"lesson 6: class model {class_model}, retrained copy {retrained}, {seconds} s on the service, "
        f"{waited:.1f} s for the participant"
    )
    bias.locator("textarea").fill("Bác sĩ là")
    click_and_wait(page, bias, "So sánh")
    assert [dict(chart) for chart in bars(bias)] == [doctor]  # the class model itself stays as it was


def test_lesson8_masked_request_and_a_labelled_author_draft(lesson):
    page = lesson("08-ai-trong-cong-viec.ipynb", "bai.quiz()")
    # «Bấm Gửi yêu cầu và xem những gì đã được che»: the pupil's name and phone number never reach the model.
    masked = cell(page, "bai.masked_chat()")
    text = click_and_wait(page, masked, "Gửi yêu cầu")
    reply, listed = text.split("Sân tập AI trả lời:", 1)[1].split(
        "Dữ liệu cá nhân đã được che trước khi gửi cho mô hình:", 1
    )
    assert "Đã che trước khi gửi cho AI: họ tên (1), số điện thoại (1)." in reply, text
    assert "[SỐ ĐIỆN THOẠI]" in reply and "0987 654 321" not in reply and "Nguyễn Thị Mai" not in reply, text
    assert "Họ tên: «Nguyễn Thị Mai»" in listed and "Số điện thoại: «0987 654 321»" in listed, listed
    assert "Đây là mô hình thu nhỏ" in reply  # the teaching model's text is said to be meaningless, honestly

    review = cell(page, "bai.review_draft()")
    text = output_text(review)
    assert AUTHOR_LABEL in text and "Vì sao đây là ví dụ viết sẵn?" in text, text
    example = lesson08.DRAFT_EXAMPLE
    assert example.draft.splitlines()[0] in text
    tick(review, [example.flaws[0].quote, example.flaws[-1].quote])
    review.get_by_role("button", name="Kiểm tra").click()
    page.wait_for_function("t => document.body.innerText.includes(t)", arg=f"Bạn tìm ra 2/{len(example.flaws)} lỗi.")
    text = output_text(review)
    for flaw in example.flaws[1:-1]:  # what was missed, and the check that finds it
        assert f"«{flaw.quote}»: {flaw.what} Cách kiểm tra: {flaw.check}" in text, flaw
