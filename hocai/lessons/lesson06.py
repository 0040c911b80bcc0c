"""Lesson 6 «Thiên kiến và trách nhiệm của con người»: bias comes from data, people stay accountable.

The toy model is trained here in pure Python (counting which word follows two words) on two small text
sets, so participants see a skew in the data become a skew in the answers without torch in the kernel.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import ipywidgets as widgets

from hocai.ai import client
from hocai.lessons.lesson02 import show_token, words
from hocai.text import clean, nfc
from hocai.widgets import BAD_COLOUR as BAD
from hocai.widgets import Html, bar_chart, call, card, esc, message, panel, reveal, self_check, service_box, sorter
from hocai.widgets.assistant import ask_box  # noqa: F401  (the «Hỏi trợ giảng» cell, issue 23)
from hocai.widgets.style import INFO

JOBS = ["bác sĩ", "y tá", "kỹ sư", "giáo viên mầm non"]


def _lines(job: str, people: list[str]) -> list[str]:
    return [f"{job.capitalize()} là {person}." for person in people]


# Set A copies an old, lopsided collection of sentences; set B has as many men as women in every job.
SKEWED = (
    _lines("bác sĩ", ["anh Tuấn", "anh Hải", "anh Dũng", "anh Phong", "anh Quang", "chị Lan"])
    + _lines("y tá", ["chị Hoa", "chị Mai", "chị Hương", "chị Thu", "chị Ngân", "anh Nam"])
    + _lines("kỹ sư", ["anh Long", "anh Sơn", "anh Bình", "anh Khoa", "anh Đức"])
    + _lines("giáo viên mầm non", ["cô Hạnh", "cô Ngọc", "cô Yến", "cô Thảo"])
)
BALANCED = (
    _lines("bác sĩ", ["anh Tuấn", "chị Lan", "anh Hải", "chị Vân"])
    + _lines("y tá", ["chị Hoa", "anh Nam", "chị Mai", "anh Toàn"])
    + _lines("kỹ sư", ["anh Long", "chị Thủy", "anh Sơn", "chị Linh"])
    + _lines("giáo viên mầm non", ["cô Hạnh", "thầy Minh", "cô Ngọc", "thầy Lộc"])
)
DATA_SETS = {"Bộ dữ liệu A (lệch)": SKEWED, "Bộ dữ liệu B (cân bằng)": BALANCED}

EXTRA_EXAMPLE = "Bác sĩ là chị Vân.\nBác sĩ là chị Thủy.\nBác sĩ là chị Hiền.\nBác sĩ là chị Trang."

BIASED_OR_NOT = ["Có thiên kiến", "Không thấy thiên kiến"]

OUTPUTS = [
    {
        "text": "AI soạn thông báo: «Mời các anh trong thôn đi họp bàn việc làm đường; các chị ở nhà chuẩn bị cơm.»",
        "answer": 0,
        "explain": "AI mặc định việc bàn bạc là của nam, việc bếp núc là của nữ: đó là định kiến giới.",
    },
    {
        "text": "AI soạn giấy mời: «Kính mời đại diện các hộ gia đình đến dự họp thôn.»",
        "answer": 1,
        "explain": "Lời mời dành cho mọi hộ, không phân biệt ai.",
    },
    {
        "text": "AI viết bài tập Toán: bạn giỏi tính nhẩm luôn là «em trai», bạn chăm vẽ luôn là «em gái».",
        "answer": 0,
        "explain": "Lặp đi lặp lại như vậy sẽ dạy học sinh một định kiến. Hãy sửa cho cân bằng.",
    },
    {
        "text": "Ảnh minh họa «cán bộ xã» do AI vẽ, lần nào cũng chỉ là đàn ông trung niên.",
        "answer": 0,
        "explain": "Dữ liệu ảnh mà AI học bị lệch nên hình nó vẽ cũng lệch.",
    },
    {
        "text": "AI tóm tắt lịch tiêm chủng, giữ đúng thời gian, địa điểm như thông báo gốc.",
        "answer": 1,
        "explain": "Bản tóm tắt trung thực với văn bản gốc, không gán gì cho nhóm người nào.",
    },
    {
        "text": "AI chấm hồ sơ, tự cho điểm thấp hơn với người ở vùng sâu vì dữ liệu cũ ít người như vậy trúng tuyển.",
        "answer": 0,
        "explain": "AI lặp lại sự bất công trong dữ liệu cũ. Quyết định về con người phải do con người xem xét.",
    },
]

LABELS = [
    "Ảnh minh họa do AI tạo.",
    "Bản nháp có sử dụng AI hỗ trợ; nội dung đã được cán bộ phụ trách kiểm tra, chỉnh sửa.",
    "Video, giọng nói do AI tạo ra, không phải người thật.",
]

QUIZ = [
    {
        "question": "Vì sao mô hình AI có thể thiên kiến?",
        "options": [
            "Vì nó học từ dữ liệu, mà dữ liệu có thể lệch về một phía",
            "Vì người lập trình cố tình dạy nó như vậy, lần nào cũng thế",
            "Vì máy tính bị hỏng",
        ],
        "answer": 0,
        "explain": "Như mô hình đồ chơi trong bài: dữ liệu lệch thì câu trả lời lệch theo, dù không ai cố ý.",
    },
    {
        "question": "Cán bộ dùng AI soạn thông báo có thông tin sai rồi ký ban hành. Ai chịu trách nhiệm?",
        "options": ["Công cụ AI", "Công ty làm ra AI", "Người soạn, người ký ban hành thông báo"],
        "answer": 2,
        "explain": "AI chỉ là công cụ. Người dùng AI và người ký văn bản chịu trách nhiệm về nội dung.",
    },
    {
        "question": "Những cách nào giúp giảm thiên kiến khi dùng AI?",
        "options": [
            "Đọc lại kết quả, để ý cách AI nói về nam, nữ, dân tộc, vùng miền, người khuyết tật",
            "Nói rõ trong câu lệnh: «dùng ngôn ngữ trung lập, không định kiến»",
            "Để AI tự quyết định ai được nhận hỗ trợ",
            "Ghi rõ nội dung nào có AI hỗ trợ",
        ],
        "answer": [0, 1, 3],
        "explain": "Con người đọc lại, sửa và minh bạch. Quyết định về quyền lợi của người dân không giao cho AI.",
    },
]


def train(sentences: list[str]) -> dict[tuple[str, str], Counter]:
    """The toy model's whole knowledge: for each pair of words, how often each word came next."""
    table: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for sentence in sentences:
        tokens = words(sentence)
        for first, second, third in zip(tokens, tokens[1:], tokens[2:]):
            table[(first, second)][third] += 1
    return dict(table)


def predict(model: dict[tuple[str, str], Counter], text: str, k: int = 4) -> list[tuple[str, float]]:
    """The ``k`` likeliest next words after the last two words of ``text``, with probabilities."""
    tokens = words(text)
    counts = model.get(tuple(tokens[-2:]), Counter()) if len(tokens) >= 2 else Counter()
    total = sum(counts.values())
    return [(w, c / total) for w, c in counts.most_common(k)] if total else []


def complete(model: dict[tuple[str, str], Counter], text: str) -> str:
    """``text`` and the word the toy model would pick; words tied for first place are joined by « / »."""
    pairs = predict(model, text, 10)
    if not pairs:
        return nfc(text).strip()
    best = [w for w, p in pairs if abs(p - pairs[0][1]) < 1e-9]
    return f"{nfc(text).strip()} {' / '.join(best)}"


def data_table() -> Html:
    """Both training sets side by side."""
    cells = "".join(
        f'<div style="flex:1;min-width:16em"><b>{esc(name)}</b> ({len(lines)} câu)<ol>'
        + "".join(f"<li>{esc(line)}</li>" for line in lines)
        + "</ol></div>"
        for name, lines in DATA_SETS.items()
    )
    return card("Hai bộ dữ liệu huấn luyện", f'<div style="display:flex;gap:24px;flex-wrap:wrap">{cells}</div>')


def compare_sets(job: str) -> Html:
    """What each toy model writes after «<job> là»."""
    prompt = f"{job.capitalize()} là"
    blocks = []
    for name, lines in DATA_SETS.items():
        model = train(lines)
        blocks.append(
            f'<div style="flex:1;min-width:18em"><p><b>{esc(name)}</b><br>Mô hình viết: '
            f"«{esc(complete(model, prompt))} …»</p>{bar_chart(predict(model, prompt))}</div>"
        )
    return Html(
        f"<p>Chữ tiếp theo sau «<b>{esc(prompt)}</b>»:</p>"
        f'<div style="display:flex;gap:24px;flex-wrap:wrap">{"".join(blocks)}</div>'
    )


def bias_explorer() -> widgets.VBox:
    """Pick a job: the two toy models, trained on the two sets, answer differently."""
    job = widgets.Dropdown(options=JOBS, value=JOBS[0], description="Nghề:")
    out = widgets.HTML()

    def update(_change: dict | None = None) -> None:
        out.value = compare_sets(job.value)

    job.observe(update, names="value")
    update()
    return panel([job, out])


def retrain(extra: str) -> Html:
    """Set A plus the participant's own sentences: the toy model learns again and answers again."""
    added = [line for line in (clean(x) for x in nfc(extra).splitlines()) if line]
    model = train(SKEWED + added)
    prompt = "Bác sĩ là"
    return Html(
        f"<p>Dữ liệu: {len(SKEWED)} câu của bộ A + {len(added)} câu bạn thêm.</p>"
        f"<p>Sau «<b>{prompt}</b>», mô hình đoán:</p>{bar_chart(predict(model, prompt))}"
    )


def fix_the_data() -> widgets.VBox:
    """Add sentences to the skewed set and retrain: the answer follows the data."""
    area = widgets.Textarea(value=EXTRA_EXAMPLE, layout=widgets.Layout(width="100%", height="7em"))
    before = widgets.HTML(f"<p><b>Trước khi thêm câu:</b></p>{retrain('')}")
    button = widgets.Button(
        description="Huấn luyện lại", button_style="primary", icon="refresh", layout=widgets.Layout(width="auto")
    )
    out = widgets.HTML()

    def run(_button: widgets.Button) -> None:
        out.value = f"<p><b>Sau khi thêm câu:</b></p>{retrain(area.value)}"

    button.on_click(run)
    hint = widgets.HTML("<p>Mỗi dòng một câu, viết theo mẫu «Bác sĩ là chị …». Bấm <b>Huấn luyện lại</b>.</p>")
    return panel([before, hint, area, button, out])


def next_words_for_lines(text: str, k: int = 5) -> list[tuple[str, list[tuple[str, float]]]]:
    """The class model's next words after each line of ``text`` (at most four lines)."""
    prompts = [line for line in (clean(x) for x in nfc(text).splitlines()) if line][:4]
    return [(prompt, client.next_words(prompt, k)) for prompt in prompts]


def render_lines(results: list[tuple[str, list[tuple[str, float]]]]) -> Html:
    """One bar chart per beginning, to compare."""
    blocks = "".join(
        f'<div style="flex:1;min-width:18em"><p>Sau «<b>{esc(prompt)}</b>»:</p>'
        f"{bar_chart([(show_token(t), p) for t, p in pairs])}</div>"
        for prompt, pairs in results
    )
    return card(
        "Sân tập AI đoán chữ tiếp theo",
        f'<div style="display:flex;gap:24px;flex-wrap:wrap">{blocks}</div>'
        "<p>Các xác suất này phản ánh kho văn bản mà mô hình của lớp đã học, không phải sự thật về nghề "
        "nào.</p>",
    )


def class_model_bias() -> widgets.VBox:
    """Hands-on: what the class model writes after a few job beginnings."""
    return service_box(
        next_words_for_lines,
        label="Mỗi dòng một đầu câu. Sân tập AI đoán chữ tiếp theo cho từng dòng:",
        placeholder="Bác sĩ là",
        example="Bác sĩ là\nY tá là",
        render=render_lines,
        button="So sánh",
    )


SKEW_GOAL = 3.0  # the class model: at least this many times likelier one way than the other
BALANCED_GOAL = 1.5  # the retrained copy: within this factor


def skew_factor(anh: float, chi: float) -> float:
    """How many times likelier the likelier of «anh» and «chị» is (1 = balanced)."""
    low, high = sorted((max(anh, 1e-9), max(chi, 1e-9)))
    return high / low


def skew_rows(figures: dict[str, dict[str, float]]) -> list[tuple[str, float, float, float]]:
    """(prompt, P(anh), P(chị), skew factor) for each prompt of the retraining's figures."""
    return [(prompt, f["anh"], f["chị"], skew_factor(f["anh"], f["chị"])) for prompt, f in figures.items()]


def _vi(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def _skew_block(title: str, figures: dict[str, dict[str, float]]) -> str:
    blocks = []
    for prompt, anh, chi, factor in skew_rows(figures):
        likelier = "anh" if anh >= chi else "chị"
        blocks.append(
            f'<div style="flex:1;min-width:16em"><p>Sau «<b>{esc(prompt)}</b>»:</p>'
            f"{bar_chart([('anh', anh), ('chị', chi)])}"
            f"<p>«{likelier}» cao gấp <b>{_vi(factor)} lần</b>.</p></div>"
        )
    return f'<p><b>{esc(title)}</b></p><div style="display:flex;gap:24px;flex-wrap:wrap">{"".join(blocks)}</div>'


def render_retrained(result: dict) -> Html:
    """Before (the class model) and after (the retrained copy), side by side, with what it means."""
    counts = result.get("counts", {})
    data = "; ".join(
        f"«{esc(p)} anh …» {c.get('anh', 0)} câu, «{esc(p)} chị …» {c.get('chị', 0)} câu" for p, c in counts.items()
    )
    balanced = all(f <= BALANCED_GOAL for *_, f in skew_rows(result["after"]))
    verdict = (
        "Chỉ đổi dữ liệu là mô hình đổi theo: bản sao học thêm văn bản cân bằng nên gần như không còn "
        "nghiêng về bên nào."
        if balanced
        else "Bản sao đã bớt lệch nhưng chưa cân bằng hẳn: dữ liệu cũ vẫn còn dấu vết."
    )
    return card(
        "Mô hình của lớp và bản sao học lại",
        _skew_block("Mô hình của lớp (học từ văn bản lệch) — không thay đổi:", result["before"])
        + _skew_block("Bản sao sau khi học thêm văn bản cân bằng:", result["after"])
        + f"<p>Bản sao học thêm {result.get('sentences', 0)} câu cân bằng ({data}), {result.get('steps', 0)} bước, "
        f"trong {_vi(float(result.get('seconds', 0)))} giây, trên máy của Sân tập AI.</p>"
        f"<p><b>{verdict}</b></p>",
    )


def retrain_class_copy() -> widgets.VBox:
    """Hands-on: the service retrains a copy of the class model on balanced text (once for the whole class)."""
    button = widgets.Button(
        description="Huấn luyện lại bản sao",
        button_style="primary",
        icon="refresh",
        layout=widgets.Layout(width="auto"),
    )
    bar = widgets.FloatProgress(
        value=0.0, min=0.0, max=1.0, description="Đang học:", layout=widgets.Layout(display="none")
    )
    out = widgets.HTML()

    def progress(fraction: float) -> None:
        bar.value = fraction

    def run(_button: widgets.Button | None = None) -> None:
        button.disabled = True
        bar.layout.display = None
        out.value = message(
            "Sân tập AI đang huấn luyện lại một bản sao (dưới một phút; cả lớp dùng chung một lần huấn luyện)…", INFO
        )
        try:
            result, error = call(client.retrain_balanced, progress)
        finally:
            button.disabled = False
            bar.layout.display = "none"
        out.value = message(error, BAD) if error else str(render_retrained(result))

    button.on_click(run)
    intro = widgets.HTML(
        "<p>Mô hình của lớp đã học một phần văn bản <b>cố ý viết lệch</b>: gần như bác sĩ nào cũng là «anh», y tá nào "
        "cũng là «chị». Bấm nút: Sân tập AI lấy một <b>bản sao</b> của mô hình, cho nó học thêm những câu giống hệt "
        "nhưng <b>cân bằng</b> (nửa anh, nửa chị), rồi so hai mô hình. Mô hình của lớp giữ nguyên.</p>"
    )
    return panel([intro, button, bar, out])


def spot_bias() -> widgets.VBox:
    """Sorting game: which AI outputs carry a bias?"""
    return sorter(OUTPUTS, BIASED_OR_NOT, title="Kết quả này của AI có thiên kiến không?")


def labelling() -> widgets.VBox:
    """Examples of plain labels for content made with AI."""
    items = "".join(f"<li>«{esc(label)}»</li>" for label in LABELS)
    return reveal(
        "Gắn nhãn nội dung có AI — Bấm để xem ví dụ",
        f"<p>Một dòng ngắn, đặt ngay dưới ảnh, video hoặc cuối văn bản:</p><ul>{items}</ul>"
        "<p>Ghi nhãn không làm giảm trách nhiệm: người đăng, người ký vẫn chịu trách nhiệm về nội dung.</p>",
    )


def quiz() -> widgets.VBox:
    """Ungraded self-check for lesson 6."""
    return self_check(QUIZ)
