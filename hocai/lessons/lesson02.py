"""Lesson 2 «Mô hình ngôn ngữ đoán chữ thế nào»: next-word probabilities, temperature, fluent but false."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import ipywidgets as widgets

from hocai.ai import client
from hocai.text import fold_case, nfc
from hocai.widgets import Html, bar_chart, card, esc, panel, reveal, self_check, service_box
from hocai.widgets.assistant import ask_box  # noqa: F401  (the «Hỏi trợ giảng» cell, issue 23)

# Twelve short sentences a commune office might write: the "training data" of the toy model in this lesson.
SENTENCES = [
    "Ủy ban nhân dân xã thông báo lịch tiêm chủng cho trẻ em.",
    "Ủy ban nhân dân xã mời các hộ gia đình họp thôn.",
    "Ủy ban nhân dân xã tiếp công dân vào sáng thứ năm.",
    "Ủy ban nhân dân tỉnh ban hành kế hoạch chuyển đổi số.",
    "Người dân xã Đông Hòa đi họp thôn đầy đủ.",
    "Người dân cần mang theo thẻ căn cước khi làm thủ tục.",
    "Các hộ gia đình nộp hồ sơ tại bộ phận một cửa.",
    "Các em học sinh đến trường đúng giờ.",
    "Các em học sinh lớp năm đi tham quan bảo tàng.",
    "Giáo viên chủ nhiệm họp phụ huynh vào chủ nhật.",
    "Cán bộ xã hướng dẫn người dân làm thủ tục trực tuyến.",
    "Cán bộ văn hóa xã tổ chức đêm Trung thu cho các em.",
]

START_WORDS = ["dân", "các", "họp", "xã", "em"]

QUIZ = [
    {
        "question": "Mô hình ngôn ngữ viết ra câu trả lời bằng cách nào?",
        "options": [
            "Tra cứu câu trả lời đúng trong một kho văn bản chính thức",
            "Đoán lần lượt từng chữ tiếp theo dựa trên xác suất",
            "Hiểu câu hỏi rồi suy nghĩ như một chuyên viên",
        ],
        "answer": 1,
        "explain": "Mô hình chọn từng chữ một, chữ nào «hay đi tiếp» theo dữ liệu nó đã học thì dễ được chọn.",
    },
    {
        "question": "Khi đặt nhiệt độ (temperature) thấp, điều gì xảy ra?",
        "options": [
            "Mô hình hay chọn chữ có xác suất cao nhất, câu viết ít thay đổi",
            "Câu trả lời chắc chắn đúng hơn",
            "Mô hình chạy nhanh gấp đôi",
        ],
        "answer": 0,
        "explain": "Nhiệt độ chỉ thay đổi cách chọn chữ: thấp thì an toàn, lặp lại; cao thì đa dạng, dễ lạc đề. "
        "Nhiệt độ không làm câu trả lời đúng hơn.",
    },
    {
        "question": "Vì sao AI có thể viết ra số hiệu một quyết định không hề có thật?",
        "options": [
            "Vì nó chọn những chữ nghe hợp lý, không kiểm tra sự thật",
            "Vì mạng Internet bị chậm",
            "Vì người dùng gõ sai chính tả",
        ],
        "answer": 0,
        "explain": "Mô hình đã thấy rất nhiều câu «Căn cứ Quyết định số…» nên nó viết tiếp một con số trông giống "
        "thật. Hãy luôn đối chiếu với văn bản gốc.",
    },
]


def words(sentence: str) -> list[str]:
    """Lower-case syllables of a sentence, punctuation dropped."""
    return [w.strip('.,;:!?«»"') for w in fold_case(nfc(sentence)).split() if w.strip('.,;:!?«»"')]


def bigram_counts(sentences: list[str]) -> dict[str, Counter]:
    """For each word, how often each other word came right after it: the toy model's whole knowledge."""
    table: dict[str, Counter] = defaultdict(Counter)
    for sentence in sentences:
        tokens = words(sentence)
        for first, second in zip(tokens, tokens[1:]):
            table[first][second] += 1
    return dict(table)


def next_word_probs(word: str, table: dict[str, Counter], k: int = 6) -> list[tuple[str, float]]:
    """The ``k`` likeliest next words after ``word`` with their probabilities (counts divided by the total)."""
    counts = table.get(fold_case(nfc(word)).strip(), Counter())
    total = sum(counts.values())
    return [(w, c / total) for w, c in counts.most_common(k)] if total else []


def apply_temperature(pairs: list[tuple[str, float]], temperature: float) -> list[tuple[str, float]]:
    """Re-weight probabilities as a model's sampler does: p ** (1 / T), normalised; T < 1 sharpens."""
    if not pairs:
        return []
    t = max(float(temperature), 0.05)
    logs = [math.log(max(p, 1e-12)) / t for _, p in pairs]
    top = max(logs)
    weights = [math.exp(x - top) for x in logs]
    total = sum(weights)
    return [(w, x / total) for (w, _), x in zip(pairs, weights)]


def training_data() -> Html:
    """The toy model's twelve sentences."""
    items = "".join(f"<li>{esc(s)}</li>" for s in SENTENCES)
    return card("Dữ liệu huấn luyện của «mô hình đồ chơi»", f"<ol>{items}</ol>")


def toy_model() -> widgets.VBox:
    """Pick a word and a temperature; bars show what the toy model would write next."""
    table = bigram_counts(SENTENCES)
    word = widgets.Dropdown(options=START_WORDS, value="dân", description="Chữ cuối:")
    temperature = widgets.FloatSlider(
        value=1.0, min=0.1, max=2.0, step=0.1, description="Nhiệt độ:", readout_format=".1f", continuous_update=False
    )
    chart = widgets.HTML()

    def update(_change: dict | None = None) -> None:
        pairs = apply_temperature(next_word_probs(word.value, table), temperature.value)
        chart.value = f"<p>Sau chữ «<b>{esc(word.value)}</b>», mô hình đồ chơi đoán:</p>{bar_chart(pairs)}"

    word.observe(update, names="value")
    temperature.observe(update, names="value")
    update()
    return panel([word, temperature, chart])


def show_token(token: str) -> str:
    """A token as a participant can read it: spaces and line breaks made visible."""
    if token.strip():
        return token.strip()
    return "(xuống dòng)" if "\n" in token else "(dấu cách)"


def render_next_words(pairs: list[tuple[str, float]]) -> Html:
    """Top next words from the class model as bars."""
    return card("Sân tập AI đoán chữ tiếp theo", bar_chart([(show_token(t), p) for t, p in pairs]))


def render_samples(texts: list[str]) -> Html:
    """Several continuations of the same beginning, to see how they differ."""
    items = "".join(f"<li>… {esc(nfc(t).strip())}</li>" for t in texts)
    return card("Ba lần viết tiếp khác nhau", f"<ol>{items}</ol>")


def next_word_explorer() -> widgets.VBox:
    """Hands-on: the class model's probabilities for the next word."""
    k = widgets.IntSlider(value=5, min=3, max=10, description="Số chữ:")
    return service_box(
        client.next_words,
        label="Gõ đầu một câu, Sân tập AI sẽ đoán chữ tiếp theo:",
        placeholder="Ví dụ: Ủy ban nhân dân",
        example="Ủy ban nhân dân",
        render=render_next_words,
        button="Đoán chữ tiếp theo",
        controls={"k": k},
    )


def sampler() -> widgets.VBox:
    """Hands-on: sample three continuations at a chosen temperature."""
    temperature = widgets.FloatSlider(
        value=1.0, min=0.1, max=2.0, step=0.1, description="Nhiệt độ:", readout_format=".1f"
    )
    return service_box(
        client.sample,
        label="Gõ đầu một câu, Sân tập AI sẽ viết tiếp ba lần:",
        placeholder="Ví dụ: Căn cứ Quyết định số",
        example="Căn cứ Quyết định số",
        render=render_samples,
        button="Viết tiếp",
        controls={"temperature": temperature},
    )


def fluent_but_false() -> widgets.VBox:
    """Why a fluent answer can still be false."""
    return reveal(
        "Vì sao câu trôi chảy vẫn có thể sai? — Bấm để xem",
        "<p>Mô hình chỉ chọn chữ <b>nghe hợp lý</b> từ những gì đã học (đến ngày dừng dữ liệu của nó). Sau «Căn cứ "
        "Quyết định số», "
        "chữ hợp lý nhất là một con số, nên mô hình viết ra một con số, dù quyết định đó có thể không tồn tại.</p>"
        "<p>Vì vậy: số văn bản, ngày tháng, tên người, số liệu do AI viết <b>phải được đối chiếu</b> với văn bản "
        "gốc trước khi dùng. Chatbot có tìm trên mạng và dẫn nguồn cũng vậy: mở nguồn ra đọc, đối chiếu.</p>",
    )


def quiz() -> widgets.VBox:
    """Ungraded self-check for lesson 2."""
    return self_check(QUIZ)
