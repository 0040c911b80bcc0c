"""Lesson 5 «Ảo giác và kiểm chứng»: spotting invented document numbers and dates, checking the source.

Every citation example below is fictional and labelled as made up by AI; the only real documents named are
the course's own sources (``REAL_SOURCES``).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

import ipywidgets as widgets

from hocai.ai import client
from hocai.content.sources import by_number
from hocai.text import clean, fold_case, nfc
from hocai.widgets import BAD_COLOUR, GOOD_COLOUR, Html, card, esc, panel, reveal, self_check, service_box, sorter
from hocai.widgets.assistant import ask_box  # noqa: F401  (the «Hỏi trợ giảng» cell, issue 23)
from hocai.widgets.error_hunt import Flaw, WorkedExample, live_or_examples

INVENTED = "Ví dụ do AI bịa ra, không có thật"

# The course's real sources (number → what it is), the only ones a citation can be "found" in here.
REAL_SOURCES = by_number()

# Which code must appear in the number of each kind of document ("Quyết định số 15/QĐ-UBND").
KIND_CODES = {
    "thông tư": "TT",
    "nghị định": "NĐ",
    "quyết định": "QĐ",
    "nghị quyết": "NQ",
    "kế hoạch": "KH",
    "thông báo": "TB",
    "luật": "QH",
}

NO_SUCH_DAY = "Ngày này không có trên lịch"
YEAR_MISMATCH = "Năm trong số hiệu khác năm ban hành"
KIND_MISMATCH = "Loại văn bản không khớp ký hiệu"
NOT_YET = "Ngày này chưa tới"
NO_FLAW = "Không thấy lỗi — vẫn phải tra văn bản gốc"

_KIND = "|".join(sorted(KIND_CODES, key=len, reverse=True))
_NUMBER = re.compile(
    rf"(?:(?i:(?P<kind>{_KIND}))\s+(?i:số\s+)?)?"
    r"(?<![\d/])(?P<number>\d{1,5}/(?:(?P<year>\d{4})/)?[A-ZĐ][A-ZĐa-zđ0-9]*(?:-[A-ZĐ][A-ZĐa-zđ0-9]*)*)"
)
_DATE = re.compile(
    r"(?<![\d/])(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})(?![\d/])"
    r"|(?i:ngày)\s+(?P<d2>\d{1,2})\s+(?i:tháng)\s+(?P<m2>\d{1,2})\s+(?i:năm)\s+(?P<y2>\d{4})"
)
# How far after a document number its issue date may start ("…/QĐ-UBND ngày 12/3/2025").
_DATE_GAP = 40
# Words that introduce a date other than the issue date: «có hiệu lực từ ngày», «hoàn thành trước ngày».
_OTHER_DATE = re.compile(r"hiệu lực|\btừ\b|trước|\bđến\b|\bhạn\b|\bsau\b|\bhết\b|\bkể\b", re.I)


@dataclass
class Citation:
    """A document number or a date found in a text, and what is wrong with it."""

    text: str
    kind: str  # "number" | "date"
    start: int
    problems: list[str] = field(default_factory=list)
    source: str = ""  # the course source it matches, if any


def _real_day(day: int, month: int, year: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def _date_problems(day: int, month: int, year: int) -> list[str]:
    """Only a day missing from the calendar is wrong on its own: a future date may be a deadline or an
    effective date («hoàn thành trước ngày 31/12/2027»); only an issue date in the future is flagged."""
    if not _real_day(day, month, year):
        return [
            f"{NO_SUCH_DAY}: tháng {month} năm {year} không có ngày {day}."
            if 1 <= month <= 12
            else f"{NO_SUCH_DAY}: không có tháng {month}."
        ]
    return []


def find_citations(text: str, today: date | None = None) -> list[Citation]:
    """Document numbers and dates in ``text``, in order, each with the red flags a reader can check alone."""
    text = nfc(text)
    today = today or date.today()
    dates: list[tuple[int, int, int, int, str]] = []
    found: list[Citation] = []
    for m in _DATE.finditer(text):
        d, mo, y = (int(m.group(g) or m.group(g + "2")) for g in ("d", "m", "y"))
        dates.append((m.start(), d, mo, y, m.group(0)))
        found.append(Citation(m.group(0), "date", m.start(), _date_problems(d, mo, y)))
    for m in _NUMBER.finditer(text):
        number = m.group("number")
        cite = Citation(number, "number", m.start("number"), source=REAL_SOURCES.get(number, ""))
        kind = fold_case(m.group("kind") or "")
        codes = number.split("/")[-1].split("-")
        if kind and not any(code.startswith(KIND_CODES[kind]) for code in codes):
            cite.problems.append(
                f"{KIND_MISMATCH}: «{m.group('kind')}» phải có ký hiệu {KIND_CODES[kind]}, "
                f"ở đây lại là {'-'.join(codes)}."
            )
        year = int(m.group("year")) if m.group("year") else None
        issued = next(
            (
                dy
                for start, *dy, _ in dates
                if 0 <= start - m.end() <= _DATE_GAP and not _OTHER_DATE.search(text[m.end() : start])
            ),
            None,
        )
        if issued and _real_day(*issued) and date(issued[2], issued[1], issued[0]) > today:
            cite.problems.append(
                f"{NOT_YET}: ngày ban hành {issued[0]}/{issued[1]}/{issued[2]} chưa tới, hôm nay mới "
                f"là {today.day}/{today.month}/{today.year}."
            )
        if year and issued and issued[2] != year:
            cite.problems.append(f"{YEAR_MISMATCH}: số hiệu ghi năm {year} nhưng ngày ban hành ở năm {issued[2]}.")
        if year and year > today.year:
            cite.problems.append(f"{NOT_YET}: số hiệu ghi năm {year}.")
        found.append(cite)
    return sorted(found, key=lambda c: c.start)


def first_flaw(text: str, today: date | None = None) -> str:
    """The category of the first red flag in a citation, or ``NO_FLAW``: the answer key of the sorting game."""
    for cite in find_citations(text, today):
        for problem in cite.problems:
            return problem.split(":")[0]
    return NO_FLAW


FLAWS = [NO_SUCH_DAY, YEAR_MISMATCH, KIND_MISMATCH, NO_FLAW]

# A fictional commune; every number and date here was made up for the lesson.
FLAW_ITEMS = [
    {
        "text": "Quyết định số 15/QĐ-UBND ngày 30/02/2025 của Ủy ban nhân dân xã An Hòa",
        "answer": 0,
        "explain": "Tháng 2 không bao giờ có ngày 30. Văn bản ghi ngày như vậy chắc chắn là bịa hoặc chép sai.",
    },
    {
        "text": "Nghị quyết số 05/2023/NQ-HĐND ngày 10/7/2025 của Hội đồng nhân dân xã An Hòa",
        "answer": 1,
        "explain": "Số hiệu ghi năm 2023 nhưng ngày ban hành lại ở năm 2025: hai chỗ phải khớp nhau.",
    },
    {
        "text": "Thông báo số 21/KH-UBND ngày 12/3/2025 của Ủy ban nhân dân xã An Hòa",
        "answer": 2,
        "explain": "Thông báo thường có ký hiệu TB; KH là ký hiệu của kế hoạch. Loại văn bản và ký hiệu không khớp.",
    },
    {
        "text": "Kế hoạch số 12/KH-UBND ngày 12/3/2025 của Ủy ban nhân dân xã An Hòa",
        "answer": 3,
        "explain": "Trông hoàn toàn hợp lệ, nhưng vẫn có thể là bịa. Chỉ sổ văn bản của xã hoặc bản gốc mới "
        "xác nhận được.",
    },
    {
        "text": "Quyết định số 08/QĐ-UBND ngày 31/4/2025 của Ủy ban nhân dân xã An Hòa",
        "answer": 0,
        "explain": "Tháng 4 chỉ có 30 ngày, nên không thể có ngày 31/4.",
    },
]

AI_ANSWER = (
    "Theo Quyết định số 15/QĐ-UBND ngày 30/02/2025 của Ủy ban nhân dân xã An Hòa, mỗi hộ được hỗ trợ "
    "2 triệu đồng. Kế hoạch số 07/2024/KH-UBND ngày 10/3/2025 yêu cầu hoàn thành trước ngày 31/4/2025. "
    "Ngoài ra, Thông tư số 02/2025/TT-BGDĐT quy định Khung năng lực số cho người học."
)

SAMPLE_START = "Căn cứ Quyết định số"

QUIZ = [
    {
        "question": "«Ảo giác» của AI là gì?",
        "options": [
            "AI bị lỗi nên không trả lời được",
            "AI viết ra thông tin sai hoặc không có thật nhưng trình bày rất tự tin",
            "AI nhìn thấy hình ảnh không có thật trên màn hình",
        ],
        "answer": 1,
        "explain": "Ảo giác là khi AI bịa ra số văn bản, ngày tháng, tên người, số liệu… mà câu văn vẫn trôi chảy.",
    },
    {
        "question": "AI trích dẫn «Quyết định số 08/QĐ-UBND ngày 31/4/2025». Bạn kết luận gì?",
        "options": [
            "Đúng, vì có đủ số hiệu và ngày tháng",
            "Chắc chắn sai: tháng 4 không có ngày 31",
            "Đúng, nếu hỏi lại AI mà AI vẫn khẳng định",
        ],
        "answer": 1,
        "explain": "Ngày không có trên lịch là dấu hiệu bịa rõ nhất. Hỏi lại AI không phải là kiểm chứng.",
    },
    {
        "question": "Một số hiệu văn bản trông hoàn toàn hợp lệ. Bạn cần làm gì trước khi dùng?",
        "options": [
            "Tra văn bản gốc trên cổng thông tin chính thức của cơ quan ban hành",
            "Đối chiếu số hiệu, ngày ban hành, cơ quan ban hành và nội dung với bản gốc",
            "Dùng ngay vì AI đã ghi đủ số hiệu",
            "Hỏi văn thư hoặc người phụ trách lưu trữ văn bản",
        ],
        "answer": [0, 1, 3],
        "explain": "Đúng mẫu chưa chắc là thật. Chỉ bản gốc mới xác nhận được số hiệu, ngày tháng và nội dung.",
    },
]


def citation_rows(text: str, today: date | None = None) -> Html:
    """Each number and date in ``text``: red flags in red, course sources in green, the rest to be checked."""
    items = []
    for cite in find_citations(text, today):
        label = "Số hiệu" if cite.kind == "number" else "Ngày"
        if cite.problems:
            why = " ".join(esc(p) for p in cite.problems)
            items.append(f'<li style="color:{BAD_COLOUR}">✘ {label} «{esc(cite.text)}»: {why}</li>')
        elif cite.source:
            items.append(
                f'<li style="color:{GOOD_COLOUR}">✔ {label} «{esc(cite.text)}» có trong danh mục nguồn '
                f"của khóa học: {esc(cite.source)}. Vẫn phải đọc bản gốc xem văn bản có nói đúng như vậy "
                "không.</li>"
            )
        elif cite.kind == "number":
            items.append(
                f"<li>? {label} «{esc(cite.text)}»: không thấy lỗi, nhưng cũng không có trong danh mục "
                "nguồn. Phải tra văn bản gốc trước khi dùng.</li>"
            )
        else:
            items.append(f"<li>? {label} «{esc(cite.text)}»: ngày có trên lịch; hãy so với ngày trên bản gốc.</li>")
    if not items:
        return Html("<p>Không tìm thấy số hiệu văn bản hay ngày tháng nào.</p>")
    return Html(f"<ul>{''.join(items)}</ul>")


def signs() -> Html:
    """Where AI most often invents things."""
    return card(
        "AI hay bịa ở đâu?",
        "<ul><li><b>Số hiệu văn bản</b>: «Quyết định số …», «Thông tư số …».</li>"
        "<li><b>Ngày tháng</b>: ngày ban hành, ngày có hiệu lực, hạn chót.</li>"
        "<li><b>Số liệu</b>: tỷ lệ phần trăm, số tiền, số người.</li>"
        "<li><b>Tên người, tên cơ quan, tên sách báo</b> và đường link «nguồn».</li>"
        "<li><b>Trích dẫn nguyên văn</b> một điều, khoản mà văn bản gốc không hề có.</li></ul>"
        "<p>Những chỗ này AI viết rất <b>giống thật</b>, vì nó đã thấy rất nhiều câu có số hiệu và ngày tháng.</p>",
    )


def spot_the_flaw() -> widgets.VBox:
    """Sorting game on fictional citations: which red flag does each one show?"""
    intro = widgets.HTML(f'<p style="color:{BAD_COLOUR}"><b>{INVENTED}.</b> Xã An Hòa ở đây là xã giả định.</p>')
    return widgets.VBox([intro, sorter(FLAW_ITEMS, FLAWS, title="Trích dẫn này có dấu hiệu gì?")])


def citation_checker() -> widgets.VBox:
    """Paste a text: every document number and date is listed with its red flags (no service needed)."""
    area = widgets.Textarea(value=AI_ANSWER, layout=widgets.Layout(width="100%", height="8em"))
    button = widgets.Button(
        description="Soi số hiệu, ngày tháng",
        button_style="primary",
        icon="search",
        layout=widgets.Layout(width="auto"),
    )
    out = widgets.HTML()

    def check(_button: widgets.Button | None = None) -> None:
        text = clean(area.value)
        out.value = card("Kết quả soi", citation_rows(text)) if text else "<p>Hãy dán một đoạn văn bản vào ô.</p>"

    button.on_click(check)
    check()
    note = widgets.HTML(
        f"<p><b>Đoạn trả lời có sẵn trong ô là {INVENTED.lower()}</b> (xã An Hòa là xã giả định). "
        "Bạn có thể dán đoạn văn bản khác rồi bấm nút.</p>"
    )
    return panel([note, area, button, out])


def distinct_numbers(texts: list[str]) -> list[str]:
    """The different numbers the model cited, one per continuation (its first document number, else its first
    bare number; the dates after it are not what the lesson asks about), in order."""
    seen: list[str] = []
    for text in texts:
        found = [c.text for c in find_citations(text) if c.kind == "number"] or re.findall(r"\d+", nfc(text))
        if found and found[0] not in seen:
            seen.append(found[0])
    return seen


def render_invented(texts: list[str]) -> Html:
    """Three continuations of the same citation, and the numbers the model made up in them."""
    items = "".join(f"<li>{esc(SAMPLE_START)} … {esc(nfc(t).strip())}</li>" for t in texts)
    numbers = distinct_numbers(texts)
    if len(numbers) >= 2:
        verdict = (
            f'<p style="color:{BAD_COLOUR}"><b>Cùng một đầu câu, mô hình viết ra {len(numbers)} con số khác '
            f"nhau ({esc(', '.join(numbers))}).</b> Không con số nào được tra cứu ở đâu cả: đó là bịa.</p>"
        )
    elif numbers:
        verdict = (
            f"<p>Mô hình viết ra con số {esc(numbers[0])}. Con số này không được tra cứu ở đâu cả; "
            "hãy bấm lại vài lần xem nó có đổi không.</p>"
        )
    else:
        verdict = (
            "<p>Lần này mô hình không viết ra con số nào. "
            "Mô hình của lớp hôm nay rất nhỏ nên câu thường vô nghĩa; "
            "một chatbot lớn sẽ viết ra số hiệu trông rất thật, và cũng bịa y như vậy.</p>"
        )
    return card("Ba lần viết tiếp", f"<ol>{items}</ol>{verdict}")


def invented_numbers() -> widgets.VBox:
    """Hands-on: ask the class model to finish a citation three times and compare the numbers."""
    temperature = widgets.FloatSlider(
        value=1.0, min=0.1, max=2.0, step=0.1, description="Nhiệt độ:", readout_format=".1f"
    )
    return service_box(
        client.sample,
        label="Sân tập AI sẽ viết tiếp câu này ba lần:",
        placeholder=SAMPLE_START,
        example=SAMPLE_START,
        render=render_invented,
        button="Viết tiếp ba lần",
        controls={"temperature": temperature},
    )


def how_to_verify() -> widgets.VBox:
    """The checking steps, revealed on click."""
    return reveal(
        "Bốn bước kiểm chứng — Bấm để xem",
        "<ol><li><b>Soi nhanh</b>: ngày có trên lịch không? Năm trong số hiệu có khớp năm ban hành không? "
        "Loại văn bản có khớp ký hiệu không?</li>"
        "<li><b>Tìm bản gốc</b> ở nơi văn bản được đăng chính thức: luật trên Cổng thông tin điện tử Quốc hội "
        "(<code>quochoi.vn</code>), văn bản của Chính phủ trên Cổng thông tin điện tử Chính phủ "
        "(<code>chinhphu.vn</code>), Cơ sở dữ liệu quốc gia về văn bản pháp luật (<code>vbpl.vn</code>), cổng "
        "thông tin của chính cơ quan ban hành; văn bản của xã, trường: hỏi bộ phận văn thư. Đừng dựa vào đuôi "
        "địa chỉ: nhiều trang chính thức không có đuôi <code>.gov.vn</code>, và trang giả có thể bắt chước tên "
        "thật.</li>"
        "<li><b>Đối chiếu đủ bốn thứ</b>: số hiệu, ngày ban hành, cơ quan ban hành, nội dung trích dẫn.</li>"
        "<li><b>Không tìm thấy bản gốc thì không dùng</b>. Xóa trích dẫn đó hoặc ghi «cần kiểm tra».</li></ol>"
        "<p>Hỏi lại chính chatbot đó <b>không phải</b> là kiểm chứng: nó có thể bịa thêm lần nữa.</p>",
    )


def quiz() -> widgets.VBox:
    """Ungraded self-check for lesson 5."""
    return self_check(QUIZ)


# ---- knowledge cut-off --------------------------------------------------------------------------------

# The teaching model's text about the fictional commune Tân Hòa stops here (corpus/26-…-den-thang-6-2025.txt).
CUTOFF = "tháng 6 năm 2025"
OLD_LEADER = "Hoàng Minh Đức"
# Made up for the lesson and written only here, never in the model's text: the model cannot know it.
NEW_FACT = (
    "Tháng 9 năm 2025, xã Tân Hòa bầu tổ trưởng tổ công nghệ số cộng đồng mới là chị Lê Thu Hà, thay "
    "anh Hoàng Minh Đức chuyển công tác."
)
CUTOFF_TEMPERATURE = 0.7
CUTOFF_PROMPTS = [
    "Tổ trưởng tổ công nghệ số cộng đồng xã Tân Hòa là",
    "Tháng 9 năm 2025, tổ trưởng tổ công nghệ số cộng đồng xã Tân Hòa là",
]


def who_it_names(texts: list[str]) -> dict[str, int]:
    """How many continuations name the old leader, the new one, or someone else / no one."""
    counts = {"old": 0, "new": 0, "other": 0}
    for text in texts:
        text = nfc(text)
        key = "new" if "Thu Hà" in text else "old" if OLD_LEADER in text or "Minh Đức" in text else "other"
        counts[key] += 1
    return counts


def ask_after_cutoff(prompt: str, n: int = 8) -> list[str]:
    """``n`` continuations of ``prompt`` from the class model (two batches of at most eight)."""
    return client.sample(prompt, CUTOFF_TEMPERATURE, n, 8)


def render_cutoff(texts: list[str]) -> Html:
    counts = who_it_names(texts)
    items = "".join(f"<li>… {esc(nfc(t).strip())}</li>" for t in texts)
    verdict = (
        f"<p><b>{counts['old']}/{len(texts)} lần mô hình nêu tên người cũ ({esc(OLD_LEADER)}), "
        f"{counts['new']} lần nêu người mới.</b> Văn bản của mô hình dừng ở {esc(CUTOFF)}: chuyện xảy ra sau "
        "đó, nó không thể biết. Nó không nói «tôi không biết» mà trả lời theo những gì đã học, rất tự tin.</p>"
    )
    return card("Mô hình của lớp trả lời", f"<ol>{items}</ol>{verdict}")


def knowledge_cutoff() -> widgets.VBox:
    """Hands-on: ask the class model about something that changed after its text stops."""
    intro = widgets.HTML(
        card(
            "Mô hình chỉ biết đến ngày văn bản của nó dừng lại",
            f"<p>Văn bản mà mô hình của lớp đã học về xã Tân Hòa (xã giả định) viết đến "
            f"<b>{esc(CUTOFF)}</b> thì dừng.</p>"
            f"<p><b>Tin mới, sau ngày đó (giả định):</b> {esc(NEW_FACT)}</p>"
            "<p>Hỏi mô hình xem ai là tổ trưởng. Bấm vài lần, và thử thêm «Tháng 9 năm 2025, …».</p>",
        )
    )
    box = service_box(
        ask_after_cutoff,
        label="Sân tập AI viết tiếp câu này tám lần:",
        example=CUTOFF_PROMPTS[0],
        render=render_cutoff,
        button="Hỏi mô hình",
    )
    return widgets.VBox([intro, box])


# ---- checking a summary against its source ------------------------------------------------------------

SUMMARY_SOURCE = (
    "THÔNG BÁO (xã An Hòa, giả định)\n"
    "Ủy ban nhân dân xã An Hòa hỗ trợ 200 hộ cao tuổi lắp đặt ứng dụng định danh điện tử. Người dân đăng ký tại "
    "bộ phận một cửa của xã từ ngày 3/3/2025 đến hết ngày 15/3/2025, mang theo căn cước. Việc hỗ trợ không thu "
    "tiền. Mọi thắc mắc, liên hệ bộ phận một cửa của xã trong giờ hành chính."
)
SUMMARY_EXAMPLE = WorkedExample(
    title="Tóm tắt một thông báo của xã",
    request="Tóm tắt thông báo dưới đây trong ba câu cho bà con trong thôn.",
    source=SUMMARY_SOURCE,
    source_title="Thông báo gốc (giả định)",
    draft=(
        "Theo Quyết định số 45/2025/QĐ-UBND, xã An Hòa hỗ trợ 300 hộ cao tuổi cài ứng dụng định danh điện tử. "
        "Bà con đăng ký tại bộ phận một cửa của xã đến hết ngày 25/3/2025, nhớ mang căn cước. "
        "Việc hỗ trợ không thu tiền, và mỗi hộ được tặng thêm một thẻ điện thoại."
    ),
    flaws=(
        Flaw(
            "Theo Quyết định số 45/2025/QĐ-UBND",
            "Thông báo gốc không nhắc quyết định nào: số hiệu này bịa ra cho có vẻ chính thức.",
            "Mọi số hiệu trong bản tóm tắt phải có trong văn bản gốc.",
        ),
        Flaw("300 hộ", "Văn bản gốc ghi 200 hộ.", "Đối chiếu từng con số với văn bản gốc."),
        Flaw(
            "đến hết ngày 25/3/2025",
            "Văn bản gốc ghi hạn cuối là 15/3/2025.",
            "Đối chiếu từng ngày tháng, nhất là hạn chót, với văn bản gốc.",
        ),
        Flaw(
            "mỗi hộ được tặng thêm một thẻ điện thoại",
            "Văn bản gốc không hề nói vậy: một ý được thêm vào, bà con sẽ đến đòi.",
            "Mỗi ý trong bản tóm tắt phải chỉ ra được câu tương ứng trong văn bản gốc.",
        ),
    ),
    right=("bộ phận một cửa của xã", "nhớ mang căn cước", "Việc hỗ trợ không thu tiền"),
)
SUMMARY_PROMPT = "Tóm tắt thông báo sau trong ba câu cho bà con trong thôn:\n" + SUMMARY_SOURCE


def render_summary(result: dict) -> Html:
    """A live summary from an instruct model, its numbers and dates listed for checking against the source."""
    reply = str((result or {}).get("reply", ""))
    return card(
        "Bản tóm tắt do AI của lớp viết — đối chiếu với thông báo gốc",
        f'<div style="white-space:pre-wrap">{esc(reply)}</div>{citation_rows(reply)}',
    )


def verify_summary() -> widgets.VBox:
    """Check a summary against its source: live from an instruct model, or the authors' worked example."""
    return live_or_examples(
        [SUMMARY_EXAMPLE],
        live_prompt=SUMMARY_PROMPT,
        render_live=render_summary,
        live_label="Nhờ AI của lớp tóm tắt thông báo (giả định):",
    )


# ---- chatbots that search the web and cite sources ------------------------------------------------------

CITED = ["Dùng được sau khi đã mở và đọc nguồn", "Phải kiểm tra thêm", "Không dùng"]
CITED_ITEMS = [
    {
        "text": "Chatbot có tìm trên mạng, trích «Luật Trí tuệ nhân tạo số 134/2025/QH15» và dẫn đường link đến "
        "Cổng thông tin điện tử Quốc hội. Bạn mở link, đọc đúng điều luật đó thấy khớp.",
        "answer": 0,
        "explain": "Nguồn chính thức, bạn đã tự đọc và thấy khớp: đó mới là kiểm chứng.",
    },
    {
        "text": "Chatbot dẫn nguồn là một trang tin tổng hợp, không phải trang của cơ quan ban hành.",
        "answer": 1,
        "explain": "Trang tin có thể chép sai hoặc đã cũ. Hãy tìm văn bản gốc ở nơi được đăng chính thức.",
    },
    {
        "text": "Chatbot dẫn một đường link, bấm vào thì trang không tồn tại hoặc không nói gì về điều được trích.",
        "answer": 2,
        "explain": "Nguồn không nói điều đó thì trích dẫn là bịa, dù có link trông rất thật.",
    },
    {
        "text": "Chatbot không tìm trên mạng, trả lời về quy định mới ban hành tháng trước, không dẫn nguồn nào.",
        "answer": 2,
        "explain": "Dữ liệu của mô hình dừng ở một ngày nào đó: chuyện mới nó không biết mà vẫn "
        "trả lời tự tin. Không dùng; hãy tra văn bản mới nhất.",
    },
    {
        "text": "Chatbot dẫn đúng văn bản gốc, nhưng đoạn trả lời tóm tắt một con số khác với con số trong văn bản.",
        "answer": 1,
        "explain": "Có nguồn thật chưa chắc câu trả lời đúng: chatbot vẫn có thể tóm tắt sai. "
        "Đối chiếu từng con số với bản gốc.",
    },
]


def cited_sources() -> widgets.VBox:
    """Sorting game: what a cited source is worth (chatbots that search the web)."""
    return sorter(CITED_ITEMS, CITED, title="Chatbot có dẫn nguồn: bạn làm gì với câu trả lời?")
