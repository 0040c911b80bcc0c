"""Lesson 8 «AI trong công việc»: drafting documents and lesson plans with AI, checking them, pupils' data."""

from __future__ import annotations

import ipywidgets as widgets

from hocai.ai import client
from hocai.lessons.lesson01 import render_chat
from hocai.lessons.lesson03 import render_check
from hocai.lessons.lesson05 import citation_rows
from hocai.widgets import BAD_COLOUR, GOOD_COLOUR, Html, card, esc, panel, self_check, service_box, sorter
from hocai.widgets.assistant import ask_box  # noqa: F401  (the «Hỏi trợ giảng» cell, issue 23)
from hocai.widgets.error_hunt import Flaw, WorkedExample, live_or_examples

USES = ["Nhờ AI được (rồi kiểm tra)", "Không nên giao cho AI"]

TASKS = [
    {
        "text": "Soạn bản nháp giấy mời họp phụ huynh cuối học kỳ.",
        "answer": 0,
        "explain": "AI soạn nháp nhanh; bạn điền thông tin thật, đọc lại và sửa trước khi gửi.",
    },
    {
        "text": "Dán bảng điểm có họ tên học sinh để AI viết nhận xét từng em.",
        "answer": 1,
        "explain": "Bảng điểm có tên học sinh là dữ liệu cá nhân của trẻ em: không đưa vào chatbot.",
    },
    {
        "text": "Gợi ý ba trò chơi khởi động cho tiết Toán lớp 3.",
        "answer": 0,
        "explain": "Ý tưởng chung, không có dữ liệu cá nhân. Giáo viên chọn và điều chỉnh cho lớp mình.",
    },
    {
        "text": "Quyết định hộ nào được nhận hỗ trợ sau bão.",
        "answer": 1,
        "explain": "Quyết định về quyền lợi của người dân phải do con người có thẩm quyền xem xét và chịu trách nhiệm.",
    },
    {
        "text": "Tóm tắt một văn bản đã được công bố công khai thành năm ý chính.",
        "answer": 0,
        "explain": "Được, nhưng phải đối chiếu bản tóm tắt với văn bản gốc: AI có thể bỏ sót hoặc thêm ý.",
    },
    {
        "text": "Dán tài liệu nội bộ chưa công bố để AI viết báo cáo.",
        "answer": 1,
        "explain": "Tài liệu nội bộ, tài liệu mật không bao giờ đưa vào chatbot.",
    },
]

STEPS = [
    (
        "Chuẩn bị",
        "Viết câu lệnh đủ vai trò, nhiệm vụ, bối cảnh, định dạng, giới hạn; thay dữ liệu cá nhân bằng "
        "chỗ trống như [Họ tên].",
    ),
    ("Nhờ AI soạn nháp", "Chỉ dùng công cụ AI được cơ quan, nhà trường cho phép."),
    ("Kiểm tra", "Đối chiếu số hiệu, ngày tháng, số liệu, tên người với văn bản gốc; soát chính tả, thể thức."),
    ("Sửa và hoàn thiện", "Viết lại bằng lời của mình những chỗ chưa đúng, chưa hợp với địa phương, lớp học."),
    ("Chịu trách nhiệm", "Người ký, người gửi chịu trách nhiệm về nội dung; ghi rõ có AI hỗ trợ khi cần."),
]

CHECKLIST = [
    "Mọi số hiệu văn bản, ngày tháng, số liệu đã được đối chiếu với văn bản gốc.",
    "Không còn họ tên, số điện thoại, số căn cước hay thông tin của học sinh, người dân.",
    "Nội dung phù hợp với thực tế của xã, của lớp; không có câu vô nghĩa, lạc đề.",
    "Không có lời lẽ định kiến về giới, dân tộc, vùng miền.",
    "Không chép nguyên văn tài liệu, hình ảnh của người khác mà không ghi nguồn.",
    "Thể thức đúng quy định về văn bản của cơ quan, nhà trường.",
]

DRAFT_PROMPT = (
    "Soạn giúp thư báo phụ huynh em Nguyễn Thị Mai lớp 2A, số điện thoại 0987 654 321, về việc em hay nghỉ học."
)

CHAT_EXAMPLE = (
    "Bạn là giáo viên chủ nhiệm lớp 2A. Hãy soạn thư ngắn mời phụ huynh em Nguyễn Thị Mai "
    "(số điện thoại 0987 654 321) đến trường trao đổi về việc học của em."
)

QUIZ = [
    {
        "question": "AI soạn xong bản nháp kế hoạch của xã. Việc tiếp theo là gì?",
        "options": [
            "Ký ban hành ngay vì AI viết rất trôi chảy",
            "Đối chiếu số liệu, căn cứ với văn bản gốc, sửa lại rồi mới trình ký",
            "Hỏi AI xem bản nháp đã đúng chưa là đủ",
        ],
        "answer": 1,
        "explain": "Bản nháp của AI chỉ là điểm bắt đầu. Người soạn và người ký chịu trách nhiệm về nội dung.",
    },
    {
        "question": "Giáo viên muốn AI gợi ý nhận xét học bạ. Cách nào an toàn?",
        "options": [
            "Dán danh sách lớp có họ tên và điểm của từng em",
            "Mô tả chung, không tên, ví dụ «học sinh tiến bộ môn Toán, cần cố gắng môn Tiếng Việt»",
            "Gửi ảnh chụp sổ điểm cho chatbot",
        ],
        "answer": 1,
        "explain": "Dữ liệu của trẻ em cần được bảo vệ đặc biệt. Chỉ mô tả chung, không tên, rồi tự viết cho từng em.",
    },
    {
        "question": "Những việc nào đúng khi dùng AI soạn giáo án?",
        "options": [
            "Kiểm tra kiến thức trong giáo án với sách giáo khoa, tài liệu chính thức",
            "Ghi nguồn khi dùng tranh ảnh, bài viết của người khác",
            "Chép nguyên văn mọi thứ AI viết vào giáo án",
            "Điều chỉnh hoạt động cho phù hợp với học sinh lớp mình",
        ],
        "answer": [0, 1, 3],
        "explain": "AI gợi ý; giáo viên kiểm tra, ghi nguồn, điều chỉnh và chịu trách nhiệm về giáo án.",
    },
]


DRAFT_REQUEST = (
    "Bạn là giáo viên chủ nhiệm lớp 2A, Trường Tiểu học Tân Hòa. Hãy soạn giấy mời phụ huynh lớp 2A "
    "họp cuối học kỳ I lúc 8 giờ sáng thứ Bảy, ngày 10/1/2026, tại phòng học lớp 2A. Nội dung: báo cáo "
    "kết quả học kỳ I, bàn kế hoạch học kỳ II. Dưới 150 chữ; chỗ nào thiếu thông tin thì để trống [...]."
)

# Written by the course authors (school and people invented) with the errors AI drafts typically contain.
DRAFT_EXAMPLE = WorkedExample(
    title="Giấy mời họp phụ huynh lớp 2A",
    request=DRAFT_REQUEST,
    draft=(
        "Căn cứ Công văn số 1547/SGDĐT-GDTH ngày 5/12/2025 của Sở Giáo dục và Đào tạo về việc tổ chức họp phụ "
        "huynh cuối học kỳ I,\n"
        "Trường Tiểu học Tân Hòa trân trọng kính mời các bà mẹ học sinh lớp 2A đến dự buổi họp phụ huynh.\n"
        "Thời gian: 8 giờ sáng Chủ nhật, ngày 10/1/2026.\n"
        "Địa điểm: phòng học lớp 2A.\n"
        "Nội dung: báo cáo kết quả học kỳ I; bàn kế hoạch học kỳ II; nhà trường sẽ tặng mỗi em một máy tính bảng "
        "để học ở nhà.\n"
        "Mọi thắc mắc xin liên hệ cô chủ nhiệm qua số 0912 345 678.\n"
        "Trân trọng kính mời."
    ),
    flaws=(
        Flaw(
            "Căn cứ Công văn số 1547/SGDĐT-GDTH ngày 5/12/2025 của Sở Giáo dục và Đào tạo",
            "Yêu cầu không nhắc tới công văn nào: số hiệu này do «AI» tự thêm vào, không có gì bảo đảm là có thật.",
            "Mọi số hiệu văn bản phải tra được bản gốc (hỏi văn thư, xem cổng thông tin của Sở); không tra được "
            "thì xóa.",
        ),
        Flaw(
            "kính mời các bà mẹ học sinh lớp 2A",
            "Mời riêng «các bà mẹ» là định kiến giới: cha, ông bà, người giám hộ cũng là phụ huynh.",
            "Đọc lại cách gọi người nhận: dùng «phụ huynh học sinh» cho mọi người.",
        ),
        Flaw(
            "8 giờ sáng Chủ nhật, ngày 10/1/2026",
            "Yêu cầu ghi thứ Bảy; ngày 10/1/2026 đúng là thứ Bảy. Bản nháp ghi sai thứ.",
            "So từng chi tiết thời gian với yêu cầu và với lịch.",
        ),
        Flaw(
            "nhà trường sẽ tặng mỗi em một máy tính bảng",
            "Một lời hứa không có trong yêu cầu: «AI» thêm vào cho câu văn hấp dẫn. Gửi đi là nhà trường mang "
            "tiếng hứa suông.",
            "Đối chiếu từng ý của nội dung với những gì thật sự được giao; ý nào không có nguồn thì xóa.",
        ),
        Flaw(
            "0912 345 678",
            "Yêu cầu không cho số điện thoại: số này do «AI» bịa (hoặc lấy của ai đó). Phụ huynh gọi sẽ nhầm người.",
            "Mọi thông tin liên hệ do chính mình điền; chỗ thiếu phải để trống [...].",
        ),
    ),
    right=("Địa điểm: phòng học lớp 2A.", "báo cáo kết quả học kỳ I; bàn kế hoạch học kỳ II", "Trân trọng kính mời."),
)


def render_draft(result: dict) -> Html:
    """A live draft from an instruct model, with every document number and date it wrote flagged for checking."""
    reply = str((result or {}).get("reply", ""))
    return card(
        "Bản nháp do AI của lớp viết — phải soát trước khi dùng",
        f'<div style="white-space:pre-wrap">{esc(reply)}</div>'
        f"<p><b>Số hiệu, ngày tháng trong bản nháp (phải tra bản gốc):</b></p>{citation_rows(reply)}",
    )


def review_draft() -> widgets.VBox:
    """Review a plausible but flawed draft: live from an instruct model, or the authors' worked example."""
    return live_or_examples(
        [DRAFT_EXAMPLE],
        live_prompt=DRAFT_REQUEST,
        render_live=render_draft,
        live_label="Nhờ AI của lớp soạn giấy mời (dữ liệu giả định):",
    )


def what_to_ask() -> widgets.VBox:
    """Sorting game: which work tasks may go to AI, and which must not."""
    return sorter(TASKS, USES, title="Việc này có nên nhờ AI không?")


def five_steps() -> Html:
    """The five steps of working with AI, as a card."""
    items = "".join(f"<li><b>{esc(name)}</b>: {esc(text)}</li>" for name, text in STEPS)
    return card("Năm bước dùng AI trong công việc", f"<ol>{items}</ol>")


def draft_ready(ticked: list[bool]) -> tuple[bool, list[str]]:
    """Whether every check on the draft was done, and the checks still to do."""
    missing = [item for item, done in zip(CHECKLIST, ticked) if not done]
    return len(ticked) == len(CHECKLIST) and not missing, missing


def draft_checklist() -> widgets.VBox:
    """Tick what has been checked: the draft is ready only when every box is ticked."""
    boxes = [
        widgets.Checkbox(value=False, description=item, indent=False, layout=widgets.Layout(width="auto"))
        for item in CHECKLIST
    ]
    out = widgets.HTML()

    def update(_change: dict | None = None) -> None:
        ready, missing = draft_ready([box.value for box in boxes])
        if ready:
            out.value = f'<p style="color:{GOOD_COLOUR}"><b>✔ Bản nháp đã được kiểm tra đủ, có thể trình ký.</b></p>'
        else:
            out.value = (
                f'<p style="color:{BAD_COLOUR}"><b>Chưa nên trình ký: còn {len(missing)} việc cần kiểm tra.</b></p>'
            )

    for box in boxes:
        box.observe(update, names="value")
    update()
    return panel([widgets.HTML("<p><b>Bản nháp do AI soạn đã được kiểm tra những gì?</b></p>"), *boxes, out])


def prompt_coach() -> widgets.VBox:
    """Hands-on: the prompt coach on a drafting prompt that carries a (fictional) pupil's data."""
    return service_box(
        client.prompt_check,
        label="Câu lệnh giả định (học sinh không có thật). Sửa câu lệnh rồi bấm nút:",
        placeholder="Dán câu lệnh soạn văn bản…",
        example=DRAFT_PROMPT,
        render=render_check,
        button="Nhận xét câu lệnh",
    )


def masked_chat() -> widgets.VBox:
    """Hands-on: the service masks personal data before the model sees the message."""
    return service_box(
        client.chat,
        label="Gửi một yêu cầu soạn thư (dữ liệu giả định) và xem phần đã được che:",
        placeholder="Ví dụ: Hãy soạn thư mời phụ huynh…",
        example=CHAT_EXAMPLE,
        render=render_chat,
        button="Gửi yêu cầu",
        run_example=False,
    )


def quiz() -> widgets.VBox:
    """Ungraded self-check for lesson 8."""
    return self_check(QUIZ)


# ---- for teachers: pupils' use of AI --------------------------------------------------------------------

CLASSROOM = ["Phù hợp", "Không phù hợp"]
CLASSROOM_ITEMS = [
    {
        "text": "Dùng một phần mềm «phát hiện văn do AI viết» rồi cho điểm 0 những bài bị nó báo là AI.",
        "answer": 1,
        "explain": "Công cụ phát hiện AI hay báo nhầm, kể cả với bài học sinh tự viết; không dùng nó làm "
        "bằng chứng. Hãy nói chuyện với học sinh về bài làm.",
    },
    {
        "text": "Nói rõ từ đầu: bài nào được dùng AI, dùng đến đâu, và phải ghi đã dùng AI vào việc gì.",
        "answer": 0,
        "explain": "Quy định rõ ràng giúp học sinh trung thực; nộp bài AI viết như bài của mình là gian lận.",
    },
    {
        "text": "Giao bài về nhà chỉ là «viết bài văn 300 chữ về mùa xuân», chấm mỗi sản phẩm cuối.",
        "answer": 1,
        "explain": "Bài như vậy AI làm thay trong vài giây. Hãy chấm cả quá trình: dàn ý, bản nháp, trình bày lại.",
    },
    {
        "text": "Giao bài gắn với trải nghiệm riêng của học sinh ở địa phương, rồi cho trình bày, trả lời câu hỏi "
        "trên lớp.",
        "answer": 0,
        "explain": "Bài gắn với đời sống thật và phần trình bày trực tiếp khó nhờ AI làm thay.",
    },
    {
        "text": "Cho học sinh tự đặt câu hỏi cho chatbot, rồi cả lớp tìm lỗi sai trong câu trả lời.",
        "answer": 0,
        "explain": "Học sinh học được cách kiểm chứng và thấy AI cũng sai.",
    },
]


def classroom_ai() -> widgets.VBox:
    """Sorting game for teachers: pupils' use of AI, homework and AI detectors."""
    return sorter(CLASSROOM_ITEMS, CLASSROOM, title="Học sinh dùng AI: cách làm nào phù hợp?")
