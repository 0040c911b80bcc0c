"""Vietnamese text helpers: NFC, NFD and mixed input must compare equal where people mean the same."""

import unicodedata

import pytest

from hocai import text

NFC = "Bình dân học vụ số"
NFD = unicodedata.normalize("NFD", NFC)


def test_nfd_and_nfc_normalise_to_the_same_string():
    assert NFD != NFC
    assert text.nfc(NFD) == NFC
    assert text.clean(NFD) == NFC


def test_mixed_form_input_is_fully_composed():
    mixed = NFC[:5] + unicodedata.normalize("NFD", NFC[5:])
    assert unicodedata.is_normalized("NFC", text.clean(mixed))
    assert text.clean(mixed) == NFC


def test_clean_removes_controls_and_invisible_characters_and_folds_spaces():
    raw = "\ufeffXin\u00a0 chào\u200b  các\tbạn\x07 \r\nhọc  viên  "
    assert text.clean(raw) == "Xin chào các bạn\nhọc viên"


def test_nfc_rejects_non_strings():
    with pytest.raises(TypeError):
        text.nfc(b"abc")  # type: ignore[arg-type]


def test_fold_case_keeps_vietnamese_letters():
    assert text.fold_case("ĐỒNG CHÍ Nguyễn") == "đồng chí nguyễn"


@pytest.mark.parametrize(
    "old, new",
    [
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("Hoà Bình", "Hòa Bình"),
        ("quý", "quý"),
        ("giữ", "giữ"),
        ("hoàn", "hoàn"),
        ("người", "người"),
        ("tuyết", "tuyết"),
        ("khuya", "khuya"),
    ],
)
def test_canonical_tones_places_the_mark_on_one_vowel(old, new):
    assert text.canonical_tones(old) == new
    assert text.canonical_tones(unicodedata.normalize("NFD", old)) == new


def test_canonical_tones_moves_marks_typed_on_the_second_vowel():
    typed = unicodedata.normalize("NFC", "thu" + "y\u0309")  # "thuỷ" typed with the hook on y
    assert text.canonical_tones(typed) == "thủy"
    assert text.canonical_tones("hoạ sĩ") == "họa sĩ"


def test_fold_tones_keeps_vowel_shapes():
    assert text.fold_tones("Bình dân học vụ số") == "Binh dân hoc vu sô"
    assert text.fold_tones(NFD) == "Binh dân hoc vu sô"


def test_strip_diacritics_maps_d_stroke():
    assert text.strip_diacritics("Nguyễn Văn Đức") == "Nguyen Van Duc"


@pytest.mark.parametrize(
    "typed",
    ["Hòa bình", "  hoà   BÌNH ", unicodedata.normalize("NFD", "HOÀ BÌNH."), "hòa\u00a0bình"],
)
def test_normalize_answer_equates_keyboard_variants(typed):
    assert text.normalize_answer(typed) == "hòa bình"


def test_normalize_answer_is_tone_sensitive_unless_asked():
    assert text.normalize_answer("hoa binh") != text.normalize_answer("hòa bình")
    assert text.normalize_answer("hoa bình", tone_insensitive=True) == text.normalize_answer(
        "hòa bình", tone_insensitive=True
    )


def test_ascii_slug():
    assert text.ascii_slug("Trần Thị Ánh Tuyết") == "tranthianhtuyet"
    assert text.ascii_slug("Lê Đức-Anh", sep=".") == "le.duc.anh"
