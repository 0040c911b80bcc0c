"""Everyday words participants use for what the course names otherwise ("bị lừa qua điện thoại", "ChatGPT",
"thông tin riêng tư"), plus the glossary's variants: each maps to the words the lessons use.

Matched on folded syllables, longest first; a variant already followed by its course words is left as it is.
"""

from __future__ import annotations

from hocai.assistant import passages
from hocai.assistant.textnorm import fold, syllables

# (what a participant types, what the lessons say). Folded when used, so tones do not matter here.
PARAPHRASES: tuple[tuple[str, str], ...] = (
    # chatbots and tools by name
    ("chatgpt", "chatbot"),
    ("chat gpt", "chatbot"),
    ("gemini", "chatbot"),
    ("copilot", "chatbot"),
    ("trợ lý ảo", "chatbot"),
    ("app", "ứng dụng"),
    ("phần mềm lạ", "ứng dụng lạ"),
    ("copy", "dán"),
    ("paste", "dán"),
    ("wifi", "wi fi"),
    ("pass", "mật khẩu"),
    ("password", "mật khẩu"),
    # scams
    ("lừa gạt", "lừa đảo"),
    ("bịp", "lừa đảo"),
    ("chiêu lừa", "lừa đảo"),
    ("bị lừa", "lừa đảo"),
    ("cuộc gọi giả mạo", "lừa đảo qua điện thoại"),
    ("gọi điện lừa", "lừa đảo qua điện thoại"),
    ("giả mạo", "giả danh"),
    ("mạo danh", "giả danh"),
    ("hacker", "kẻ gian"),
    ("kẻ xấu", "kẻ gian"),
    ("chuyển khoản", "chuyển tiền"),
    ("deep fake", "deepfake"),
    ("đíp phết", "deepfake"),
    ("đíp fếch", "deepfake"),
    ("giả giọng", "giả giọng nói"),
    ("video giả", "deepfake"),
    # personal data
    ("thông tin cá nhân", "dữ liệu cá nhân"),
    ("thông tin riêng tư", "dữ liệu cá nhân"),
    ("riêng tư", "dữ liệu cá nhân"),
    ("cccd", "căn cước"),
    ("căn cước công dân", "thẻ căn cước"),
    ("cmnd", "căn cước"),
    ("chứng minh nhân dân", "căn cước"),
    ("chứng minh thư", "căn cước"),
    ("sđt", "số điện thoại"),
    ("giấu tên", "che họ tên"),
    ("xóa tên", "che họ tên"),
    ("ẩn thông tin", "che dữ liệu"),
    ("bảo mật", "an toàn dữ liệu"),
    ("văn bản mật", "tài liệu mật"),
    ("hồ sơ mật", "tài liệu mật"),
    ("bí mật nhà nước", "tài liệu mật"),
    # hallucination, checking
    ("bịa chuyện", "bịa ảo giác"),
    ("nói dối", "bịa ảo giác"),
    ("nói sai sự thật", "ảo giác"),
    ("thông tin bịa", "ảo giác"),
    ("trích nguồn", "dẫn nguồn"),
    ("đường dẫn", "đường link"),
    ("cập nhật đến", "ngày dừng dữ liệu"),
    ("tin tức mới", "chuyện mới xảy ra"),
    # bias, responsibility
    ("thành kiến", "thiên kiến"),
    ("thiên vị", "thiên kiến"),
    ("phân biệt đối xử", "thiên kiến"),
    ("kỳ thị", "thiên kiến"),
    ("định kiến", "thiên kiến"),
    ("trọng nam khinh nữ", "thiên kiến về giới"),
    # school work; how teachers speak of their pupils ("tụi nhỏ" is standardised to "bọn nhỏ" first)
    ("học trò", "học sinh"),
    ("bọn nhỏ", "học sinh"),
    ("bọn trẻ", "học sinh"),
    ("tụi trẻ", "học sinh"),
    ("đạo văn", "chép nguyên văn"),
    ("copy bài", "chép nguyên văn"),
    ("quay cóp", "gian lận"),
    ("làm hộ", "làm thay"),
    ("viết hộ", "làm thay bài"),
    ("làm bài hộ", "làm thay bài"),
    ("soạn giáo án", "soạn nháp giáo án"),
    # how the model works
    ("độ ngẫu nhiên", "nhiệt độ"),
    ("độ sáng tạo", "nhiệt độ"),
    ("đoán từ", "đoán chữ"),
    # English words officials and teachers mix in
    ("bias", "thiên kiến"),
    ("generative", "tạo sinh"),
    ("knowledge cutoff", "ngày dừng dữ liệu"),
    ("cutoff", "ngày dừng dữ liệu"),
    ("draft", "bản nháp"),
    ("fake news", "tin giả"),
    ("fake", "giả"),
    ("video call", "cuộc gọi video"),
    ("call", "cuộc gọi"),
    ("label", "nhãn"),
    ("example", "ví dụ"),
    ("homework", "bài tập về nhà"),
    ("fact check", "kiểm chứng"),
    ("check", "kiểm tra"),
    ("data", "dữ liệu"),
    ("privacy", "dữ liệu cá nhân"),
    ("scam", "lừa đảo"),
    ("tool", "công cụ"),
    ("online", "trên mạng"),
    ("upload", "tải lên"),
    ("file", "tệp"),
    # everyday English words of the web and of office work, in Vietnamese: a question that mixes them in is
    # still in Vietnamese terms, while a name the course never uses ("iPhone", "Python") tells it is not
    ("website", "trang mạng"),
    ("web", "trang mạng"),
    ("fanpage", "trang mạng"),
    ("search", "tìm kiếm"),
    ("source", "nguồn"),
    ("input", "đầu vào"),
    ("output", "kết quả"),
    ("clip", "video"),
    ("hotline", "số điện thoại"),
    ("rule", "quy định"),
    ("post", "đăng"),
    ("share", "chia sẻ"),
    ("comment", "bình luận"),
    ("inbox", "nhắn tin"),
    ("message", "tin nhắn"),
    ("account", "tài khoản"),
    ("login", "đăng nhập"),
    ("report", "báo cáo"),
    ("review", "xem lại"),
    ("edit", "sửa"),
    ("text", "văn bản"),
)


def _glossary() -> list[tuple[str, str]]:
    """Glossary variants (the English word, phrases to avoid) that are not just another spelling of the term."""
    out = []
    for variant, term in passages.synonyms():
        v = syllables(variant)
        if fold(variant) != fold(term) and (len(v) > 1 or len(v[0]) > 3):
            out.append((variant, term))
    return out


def pairs() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(variant syllables, course syllables), folded, longest variant first."""
    found = {tuple(syllables(a)): tuple(syllables(b)) for a, b in [*_glossary(), *PARAPHRASES]}
    return sorted(((a, b) for a, b in found.items() if a and a != b), key=lambda p: -len(p[0]))
