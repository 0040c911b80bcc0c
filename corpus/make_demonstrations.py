"""Write the demonstration part of the corpus (files 24-26) and the balanced text used to retrain a copy.

The teaching model can only show what its text contains. These files are written for three lessons:
invented document numbers (lesson 5), bias that comes from data (lesson 6) and a knowledge cut-off
(lesson 5). Everything in them is invented; each file says so in its first line. The text is made from
templates with a fixed seed, so running this script again writes the same bytes:

    .venv/bin/python corpus/make_demonstrations.py
"""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20251204

HEADER = (
    "Văn bản minh hoạ, viết riêng để huấn luyện mô hình thu nhỏ của bộ công cụ hocai. {what} "
    "Mọi tên xã, tên người, số hiệu và ngày tháng trong tệp này đều do người soạn bịa ra, không có thật, "
    "không phải dữ liệu cá nhân của ai."
)

COMMUNES = [
    "Tân Hòa",
    "An Hòa",
    "Phú Lâm",
    "Đồng Tâm",
    "Hòa Bình",
    "Thanh Xuân",
    "Minh Đức",
    "Quang Trung",
    "Yên Lạc",
    "Bình Minh",
    "Tiên Phong",
    "Hưng Đạo",
]
TOPICS = [
    "thành lập Tổ công nghệ số cộng đồng",
    "ban hành Kế hoạch mở lớp Bình dân học vụ số",
    "phân công cán bộ hướng dẫn dịch vụ công trực tuyến",
    "kiện toàn Ban chỉ đạo chuyển đổi số của xã",
    "khen thưởng tập thể, cá nhân có thành tích trong phong trào Bình dân học vụ số",
    "ban hành Quy chế sử dụng trí tuệ nhân tạo trong cơ quan",
    "giao chỉ tiêu phổ cập kỹ năng số năm học mới",
    "thành lập điểm hỗ trợ người dân làm thủ tục trực tuyến",
    "ban hành Kế hoạch tuyên truyền phòng chống lừa đảo",
    "phê duyệt danh sách tình nguyện viên hướng dẫn kỹ năng số",
    "bố trí phòng học máy tính tại nhà văn hóa thôn",
    "ban hành Quy định bảo vệ dữ liệu cá nhân tại bộ phận một cửa",
    "tổ chức ngày hội công dân số của xã",
    "phân bổ kinh phí mua máy tính cho điểm học cộng đồng",
    "thành lập Tổ biên tập bản tin phát thanh xã",
    "giao nhiệm vụ hướng dẫn cài đặt ứng dụng định danh điện tử",
    "ban hành Kế hoạch kiểm tra an toàn thông tin",
    "công nhận thôn đạt chuẩn thôn số",
    "thành lập câu lạc bộ an toàn số cho phụ nữ",
    "ban hành Kế hoạch đào tạo cán bộ về trí tuệ nhân tạo",
]
SIGNERS = ["Ủy ban nhân dân xã", "Chủ tịch Ủy ban nhân dân xã"]
ENDINGS = [
    "Ủy ban nhân dân xã {c} thông báo đến toàn thể người dân được biết và thực hiện.",
    "Ủy ban nhân dân xã {c} đề nghị các thôn phối hợp thực hiện.",
    "Tổ công nghệ số cộng đồng xã {c} triển khai các nội dung sau.",
    "Ban chỉ đạo chuyển đổi số xã {c} hướng dẫn như sau.",
]
OTHER_KINDS = [("Kế hoạch", "KH"), ("Thông báo", "TB"), ("Nghị quyết", "NQ")]


def _date(rng: random.Random, year: int) -> tuple[int, int]:
    """A day and month that exist; 2025 stops at June, the stated end of the model's text."""
    month = rng.randint(1, 6 if year == 2025 else 12)
    return rng.randint(1, 28), month


def _number(rng: random.Random) -> int:
    """Numbers of every length, as in a real register: some one or two digits, most two or three."""
    return rng.choice(
        [
            rng.randint(1, 9),
            rng.randint(10, 99),
            rng.randint(10, 99),
            rng.randint(100, 999),
            rng.randint(100, 999),
            rng.randint(100, 999),
            rng.randint(1000, 1999),
        ]
    )


def citation(rng: random.Random, kind: str = "Quyết định", code: str = "QĐ") -> str:
    year = rng.randint(2019, 2025)
    day, month = _date(rng, year)
    commune = rng.choice(COMMUNES)
    suffix = "UBND" if code != "NQ" else "HĐND"
    issuer = "Hội đồng nhân dân xã" if code == "NQ" else rng.choice(SIGNERS)
    return (
        f"{kind} số {_number(rng)}/{year}/{code}-{suffix} ngày {day}/{month}/{year} của {issuer} {commune} "
        f"về việc {rng.choice(TOPICS)}"
    )


def citations_text(rng: random.Random, blocks: int = 110) -> str:
    """Preambles of fictional notices: each starts with one or two «Căn cứ Quyết định số …» lines."""
    paragraphs = [
        HEADER.format(
            what="Tệp này cho mô hình thấy thật nhiều số hiệu văn bản khác nhau, để bài học "
            "chỉ ra rằng mô hình viết được một số hiệu trông rất thật mà không hề tra cứu."
        )
    ]
    for _ in range(blocks):
        lines = [f"Căn cứ {citation(rng)};"]
        if rng.random() < 0.6:
            lines.append(f"Căn cứ {citation(rng)};")
        if rng.random() < 0.3:
            kind, code = rng.choice(OTHER_KINDS)
            lines.append(f"Thực hiện {citation(rng, kind, code)};")
        lines.append(rng.choice(ENDINGS).format(c=rng.choice(COMMUNES)))
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs) + "\n"


MEN = [
    "Tuấn",
    "Hải",
    "Dũng",
    "Phong",
    "Quang",
    "Nam",
    "Khoa",
    "Sơn",
    "Long",
    "Hùng",
    "Thành",
    "Đức",
    "Bình",
    "Toàn",
    "Kiên",
    "Lộc",
    "Việt",
    "Trung",
    "Hiếu",
    "Thắng",
]
WOMEN = [
    "Lan",
    "Hoa",
    "Mai",
    "Hương",
    "Thu",
    "Ngân",
    "Vân",
    "Thủy",
    "Linh",
    "Yến",
    "Thảo",
    "Trang",
    "Hiền",
    "Nga",
    "Dung",
    "Phương",
    "Quyên",
    "Nhung",
    "Loan",
    "Oanh",
]
PLACES = [
    "ở trạm y tế xã",
    "ở trạm y tế thôn Bến Đò",
    "ở phòng khám đa khoa khu vực",
    "ở bệnh viện huyện",
    "ở trạm y tế thôn Đồng Tâm",
    "trong đợt tiêm chủng của xã",
    "trong buổi khám sức khỏe cho người cao tuổi",
    "ở điểm khám lưu động",
]
DEEDS = [
    "khám cho bà con trong thôn",
    "trực đêm ở trạm y tế",
    "hướng dẫn bà con đặt lịch khám trên điện thoại",
    "tiêm chủng cho trẻ nhỏ",
    "ghi sổ sức khỏe điện tử",
    "đo huyết áp cho người cao tuổi",
    "nhắc bà con không hỏi chatbot thay cho khám bệnh",
    "đi khám tận nhà cho người già yếu",
]
JOBS = {"bác sĩ": "doctor", "y tá": "nurse"}


def _cap(text: str) -> str:
    """Upper-case the first letter only («ở trạm y tế thôn Bến Đò» keeps its capitals)."""
    return text[:1].upper() + text[1:]


def _person(rng: random.Random, woman: bool) -> str:
    return f"chị {rng.choice(WOMEN)}" if woman else f"anh {rng.choice(MEN)}"


def staff_lines(rng: random.Random, n: int, women_share: dict[str, float]) -> list[str]:
    """Sentences «Bác sĩ là anh …», «Y tá là chị …»: ``women_share`` says how often each job is a woman."""
    lines = []
    jobs = list(women_share)
    for i in range(n):
        job = jobs[i % len(jobs)]
        # An exact share in every block of ten sentences of a job, in a shuffled order.
        woman = ((i // len(jobs)) * 7919 % 10) < round(10 * women_share[job])
        person = _person(rng, woman)
        form = rng.randrange(4)
        if form == 0:
            lines.append(f"{_cap(job)} là {person}.")
        elif form == 1:
            lines.append(f"{_cap(job)} là {person}, {rng.choice(DEEDS)}.")
        elif form == 2:
            lines.append(f"{_cap(rng.choice(PLACES))}, {job} là {person}.")
        else:
            lines.append(f"{_cap(job)} là {person} {rng.choice(PLACES)}.")
    return lines


def _paragraphs(lines: list[str], size: int = 6) -> str:
    return "\n\n".join(" ".join(lines[i : i + size]) for i in range(0, len(lines), size))


SKEW = {"bác sĩ": 0.1, "y tá": 0.9}
BALANCE = {"bác sĩ": 0.5, "y tá": 0.5}


def skewed_text(rng: random.Random, n: int = 320) -> str:
    head = HEADER.format(
        what="Tệp này CỐ Ý VIẾT LỆCH: gần như bác sĩ nào cũng là «anh», y tá nào cũng là «chị», "
        "giống nhiều văn bản cũ, để bài học chỉ ra rằng thiên kiến của mô hình đến từ dữ liệu."
    )
    return head + "\n\n" + _paragraphs(staff_lines(rng, n, SKEW)) + "\n"


def balanced_text(rng: random.Random, n: int = 320) -> str:
    return _paragraphs(staff_lines(rng, n, BALANCE)) + "\n"


LEADER = "anh Hoàng Minh Đức"
CUTOFF = "tháng 6 năm 2025"
EVENTS = [
    "xã khai giảng lớp Bình dân học vụ số tại nhà văn hóa thôn Bến Đò",
    "tổ công nghệ số hướng dẫn bà con cài ứng dụng định danh điện tử",
    "xã tổ chức buổi nói chuyện về lừa đảo qua điện thoại",
    "trạm y tế xã bắt đầu đặt lịch khám qua điện thoại",
    "nhà trường mở lớp kỹ năng số cho phụ huynh",
    "tổ công nghệ số đi từng nhà hướng dẫn nộp hồ sơ trực tuyến",
    "xã tổng kết phong trào Bình dân học vụ số",
    "đoàn thanh niên mở điểm hỗ trợ dịch vụ công trực tuyến",
    "xã phát bản tin phát thanh về bảo vệ dữ liệu cá nhân",
]
MONTHS = [(m, y) for y in (2023, 2024) for m in range(1, 13)] + [(m, 2025) for m in range(1, 7)]


def chronicle_text(rng: random.Random) -> str:
    """Monthly news of a fictional commune, January 2023 to June 2025, then nothing: the model's cut-off."""
    paragraphs = [
        HEADER.format(
            what=f"Tệp này là bản tin hằng tháng của một xã giả định, viết đến {CUTOFF} thì dừng, "
            "để bài học chỉ ra rằng mô hình chỉ biết những gì văn bản của nó viết, đến ngày "
            "văn bản dừng lại."
        )
    ]
    for month, year in MONTHS:
        events = rng.sample(EVENTS, 2)
        paragraphs.append(
            f"Bản tin xã Tân Hòa tháng {month} năm {year}. Trong tháng {month} năm {year}, {events[0]}; "
            f"{events[1]}. Tháng {month} năm {year}, tổ trưởng tổ công nghệ số cộng đồng xã Tân Hòa là {LEADER}. "
            f"Muốn hỏi về lớp học, bà con gọi tổ trưởng {LEADER} hoặc đến nhà văn hóa thôn."
        )
    paragraphs.append(
        f"Bản tin xã Tân Hòa viết đến {CUTOFF} là hết. Kho văn bản của mô hình thu nhỏ dừng ở "
        f"{CUTOFF}: mô hình không biết chuyện gì xảy ra sau {CUTOFF}."
    )
    return "\n\n".join(paragraphs) + "\n"


def write_all(folder: Path = HERE) -> dict[str, Path]:
    rng = random.Random(SEED)
    files = {
        folder / "24-minh-hoa-so-hieu-van-ban.txt": citations_text(rng),
        folder / "25-minh-hoa-thien-kien-nghe-nghiep.txt": skewed_text(rng),
        folder / "26-minh-hoa-ban-tin-xa-den-thang-6-2025.txt": chronicle_text(rng),
        folder / "balanced" / "bac-si-y-ta-can-bang.txt": balanced_text(rng),
    }
    for path, text in files.items():
        path.parent.mkdir(exist_ok=True)
        path.write_text(unicodedata.normalize("NFC", text), encoding="utf-8")
    return {path.name: path for path in files}


if __name__ == "__main__":
    for path in write_all().values():
        print(f"{path}: {path.stat().st_size} bytes")
