"""Prompt coach: the five-part rubric, warnings about personal and internal data, the improved prompt."""

import json
import re
import unicodedata

import pytest

from hocai.safety import pii
from hocai.safety.prompt_coach import CRITERIA, PromptReport, check_prompt, to_json
from hocai.text import strip_diacritics

FULL = (
    "Bạn là cán bộ văn phòng UBND xã. Hãy soạn thông báo mời người dân xã Tân Lập đi tiêm chủng "
    "cho trẻ dưới 5 tuổi, "
    "trình bày dạng gạch đầu dòng, không quá 150 từ, dùng từ ngữ dễ hiểu."
)


def test_a_complete_prompt_scores_five():
    report = check_prompt(FULL)
    assert report.score == 5 and all(report.criteria.values())
    assert report.warnings == [] and report.pii == []
    assert len(report.tips) == 1 and "đủ năm phần" in report.tips[0]


def test_a_bare_prompt_gets_tips_for_what_is_missing():
    report = check_prompt("viết thông báo họp")
    assert report.criteria == {"role": False, "task": True, "context": False, "format": False, "limits": False}
    assert report.score == 1
    assert len(report.tips) == 4
    assert any("vai trò" in tip for tip in report.tips) and any("định dạng" in tip for tip in report.tips)


@pytest.mark.parametrize(
    "criterion, prompt",
    [
        ("role", "Hãy đóng vai một giáo viên tiểu học."),
        ("role", "Bạn là chuyên gia về chuyển đổi số."),
        ("task", "Tóm tắt văn bản sau."),
        ("task", "Liệt kê các bước cài ứng dụng VNeID."),
        ("context", "Nội dung này dành cho học sinh lớp 5."),
        ("context", "Bài viết để tuyên truyền cho người cao tuổi trong thôn."),
        ("format", "Trình bày dưới dạng bảng gồm 3 cột."),
        ("format", "Viết theo dạng công văn."),
        ("limits", "Không quá 200 từ."),
        ("limits", "Tránh dùng thuật ngữ chuyên môn, chỉ dùng thông tin trong bài."),
    ],
)
def test_each_criterion_is_recognised(criterion, prompt):
    assert check_prompt(prompt).criteria[criterion]


@pytest.mark.parametrize(
    "criterion, prompt",
    [
        ("role", "Tóm tắt văn bản sau."),
        ("format", "Giải thích bằng lời của em."),
        ("limits", "Viết về chiến tranh nhân dân."),
        ("context", "Dịch câu này."),
    ],
)
def test_criteria_are_not_given_for_free(criterion, prompt):
    assert not check_prompt(prompt).criteria[criterion]


def test_prompts_without_diacritics_are_scored_too():
    assert check_prompt(strip_diacritics(FULL)).score == 5


def test_nfd_prompt_is_scored_like_nfc():
    nfd = unicodedata.normalize("NFD", FULL)
    assert check_prompt(nfd).criteria == check_prompt(FULL).criteria


def test_personal_data_is_warned_about_and_masked_in_the_improved_prompt():
    text = "Viết đơn xin nghỉ phép cho ông Nguyễn Văn An, số điện thoại 0912345678, CCCD 001085012345."
    report = check_prompt(text)
    labels = {entity.label for entity in report.pii}
    assert {"PERSON", "PHONE", "CCCD"} <= labels
    assert any("dữ liệu cá nhân" in warning for warning in report.warnings)
    assert "0912345678" not in report.improved and "001085012345" not in report.improved
    assert "Nguyễn Văn An" not in report.improved
    assert pii.PLACEHOLDERS["PHONE"] in report.improved
    for entity in report.pii:
        assert text[entity.start : entity.end] == entity.text


@pytest.mark.parametrize(
    "prompt, marker",
    [
        ("Tóm tắt tài liệu MẬT sau đây thành 3 ý.", "mật"),
        ("Tóm tắt báo cáo tối mật của huyện.", "tối mật"),
        ("Soạn lại văn bản lưu hành nội bộ này cho gọn.", "lưu hành nội bộ"),
        ("Sửa lỗi chính tả trong dự thảo quyết định chưa ban hành.", "dự thảo chưa ban hành"),
        ("Tom tat tai lieu noi bo, khong pho bien ra ngoai.", "không phổ biến"),
    ],
)
def test_internal_documents_are_warned_about(prompt, marker):
    warnings = check_prompt(prompt).warnings
    assert len(warnings) == 1 and f"«{marker}»" in warnings[0]


@pytest.mark.parametrize(
    "prompt",
    [
        "Giải thích mật khẩu mạnh là gì cho người cao tuổi.",
        "Viết bài giới thiệu nghề nuôi ong lấy mật ở xã.",
        "Hãy liệt kê nội dung chính của Luật Giao dịch điện tử.",
    ],
)
def test_ordinary_words_are_not_taken_for_internal_markers(prompt):
    assert check_prompt(prompt).warnings == []


def test_improved_prompt_fills_every_missing_part():
    report = check_prompt("thông báo lịch tiêm chủng")
    improved = report.improved
    assert improved.startswith("Bạn là")
    for label in ("Nhiệm vụ:", "Bối cảnh:", "Định dạng:", "Giới hạn:"):
        assert label in improved
    assert "thông báo lịch tiêm chủng" in improved
    assert not check_prompt(improved).passes, "the coach's own template, brackets unfilled, must not pass"


def test_all_messages_are_vietnamese_nfc():
    report = check_prompt("Tóm tắt tài liệu mật của ông Trần Văn Bình, 0987654321")
    for message in report.tips + report.warnings + [report.improved]:
        assert message == unicodedata.normalize("NFC", message)
        assert re.search(r"[ăâđêôơưạ-ỹ]", message.lower())


@pytest.mark.parametrize("text", ["", "   \n ", "😀🎉"])
def test_empty_or_emoji_prompt_scores_zero(text):
    report = check_prompt(text)
    assert isinstance(report, PromptReport) and report.score == 0 and report.pii == []
    assert set(report.criteria) == set(CRITERIA)


def test_to_json_is_serialisable_and_complete():
    record = to_json(check_prompt("Viết thư mời cho bà Lê Thị Hoa, email hoa.le@gmail.com"))
    assert set(record) == {
        "passes",
        "verdict",
        "score",
        "min_parts",
        "criteria",
        "parts",
        "tips",
        "warnings",
        "pii",
        "improved",
    }
    assert record["passes"] is False and "dữ liệu cá nhân" in record["verdict"]
    assert {"start", "end", "label", "text"} == set(record["pii"][0])
    json.dumps(record, ensure_ascii=False)
