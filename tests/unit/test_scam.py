"""Scam checker: goals on the labelled set, genuine notices left alone, Vietnamese reasons and advice."""

import json
import os
import re
import time
import unicodedata
from pathlib import Path

import pytest

from hocai.safety.scam import SUSPICIOUS, THRESHOLD, Verdict, check_message, to_json
from hocai.text import strip_diacritics

ROOT = Path(__file__).resolve().parents[2]
LABELLED = ROOT / "tests" / "data" / "scam_messages.jsonl"
SHARED = Path(os.environ.get("HOCAI_SHARED_DATA") or ROOT / ".." / "shared" / "data")
VIWIKI = SHARED / "viwiki-sample" / "viwiki_sample.jsonl"


def load_labelled():
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_labelled_set_is_large_balanced_and_mixed():
    rows = load_labelled()
    assert len(rows) >= 300
    assert all(set(row) == {"text", "scam", "kind"} and isinstance(row["scam"], bool) for row in rows)
    scams = sum(row["scam"] for row in rows)
    assert 0.4 <= scams / len(rows) <= 0.6
    without_accents = sum(row["text"] == strip_diacritics(row["text"]) for row in rows)
    assert 0.15 <= without_accents / len(rows) <= 0.6
    assert len({row["text"] for row in rows}) == len(rows)
    kinds = {row["kind"] for row in rows if row["scam"]}
    assert {
        "police",
        "tax",
        "electricity",
        "bank",
        "vneid",
        "court",
        "deepfake",
        "job",
        "investment",
        "delivery",
    } <= kinds


def test_goals_on_the_labelled_set():
    rows = load_labelled()
    predicted = [check_message(row["text"]).scam for row in rows]
    truth = [row["scam"] for row in rows]
    accuracy = sum(p == t for p, t in zip(predicted, truth)) / len(rows)
    recall = sum(p and t for p, t in zip(predicted, truth)) / sum(truth)
    assert accuracy >= 0.92
    assert recall >= 0.95


@pytest.mark.parametrize(
    "text",
    [
        "Ma OTP cua Quy khach la 123456. Tuyet doi KHONG cung cap ma OTP cho bat ky ai.",
        "Mã OTP của Quý khách là 480213. Tuyệt đối KHÔNG cung cấp mã OTP cho bất kỳ ai, kể cả nhân viên ngân hàng.",
        "TK 1234xxx789 +5,000,000VND luc 10:22 15/03. SD: 12,450,000VND. ND: LUONG THANG 3",
        "UBND phường Tân Mai mời họp tổ dân phố số 3 vào 19h30 thứ Sáu tại nhà văn hóa.",
        "Công an phường khuyến cáo người dân không cung cấp mã OTP, không chuyển tiền vào tài khoản lạ, "
        "không bấm đường link lạ.",
        "Kính gửi phụ huynh: thứ Hai học sinh nghỉ học để trường tổ chức thi, các con đi học lại thứ Ba.",
        "EVNHANOI: tiền điện tháng 10 của quý khách là 356.000đ, thanh toán tại evnhanoi.vn hoặc ứng dụng EVNHANOI.",
        "Cục Thuế nhắc hạn quyết toán thuế TNCN trên thuedientu.gdt.gov.vn trước ngày 4/5.",
        "GHN: đơn hàng của bạn đang được giao, shipper sẽ gọi trước khi đến. Tra cứu tại ghn.vn.",
        "Tối nay cả nhà sang ông bà ăn cơm nhé, mẹ mua cá rồi.",
    ],
)
def test_genuine_messages_are_not_flagged(text):
    verdict = check_message(text)
    assert not verdict.scam, verdict.reasons


@pytest.mark.parametrize(
    "text, needle",
    [
        (
            "Tôi là cán bộ công an phường, bà liên quan vụ án rửa tiền, bà chuyển tiền vào tài khoản tạm "
            "giữ ngay hôm nay.",
            "tài khoản tạm giữ",
        ),
        (
            "Tổng cục Thuế: bạn nợ thuế 1.200.000đ, thanh toán trong 24 giờ tại tongcucthue-vn.com để "
            "tránh bị cưỡng chế.",
            "tongcucthue-vn.com",
        ),
        ("EVN thông báo nhà bạn sẽ bị cắt điện trong hôm nay, thanh toán tại evn-thanhtoan.net.", "evn-thanhtoan.net"),
        ("Cán bộ công an hướng dẫn cập nhật định danh mức 2 tại vneid-gov.com, nhập mật khẩu VNeID.", "vneid-gov.com"),
        ("Nhân viên ngân hàng đây, anh đọc giúp em mã OTP vừa gửi để nâng hạn mức thẻ nhé.", "OTP"),
        ("Mẹ ơi con đây, mạng yếu nên con tắt video, mẹ chuyển gấp 20 triệu vào tài khoản bạn con nhé.", "mạng yếu"),
        ("Tuyển CTV việc nhẹ lương cao, like video nhận hoa hồng, nạp 200k nhận về 280k.", "việc nhẹ lương cao"),
        ("Chúc mừng quý khách trúng thưởng xe SH, vui lòng nộp phí nhận quà 2.000.000đ.", "phí"),
        ("Anh chụp 2 mặt CCCD và gửi ảnh chân dung cho cán bộ để xác minh nhé.", "căn cước"),
        (
            "Tòa án thông báo ông có lệnh bắt trong vụ án lừa đảo, gọi 0938123456 gặp thẩm phán để nộp tiền bảo lãnh.",
            "bắt",
        ),
    ],
)
def test_scams_are_flagged_with_plain_vietnamese_reasons(text, needle):
    verdict = check_message(text)
    assert verdict.scam and verdict.score >= THRESHOLD
    assert any(needle.lower() in reason.lower() for reason in verdict.reasons), verdict.reasons
    assert verdict.advice
    for sentence in verdict.reasons + verdict.advice:
        assert sentence == unicodedata.normalize("NFC", sentence)
        assert re.search(r"[ăâđêôơưạ-ỹ]", sentence.lower()), sentence  # written with diacritics
        assert sentence[0].isupper() and sentence.rstrip()[-1] in ".!…»)"


def test_borderline_messages_get_a_caution_rather_than_a_verdict():
    verdict = check_message("Chị ơi chị chuyển khoản trước giúp em tiền hàng, mai em giao nhé.")
    assert not verdict.scam and SUSPICIOUS <= verdict.score < THRESHOLD
    assert "đáng ngờ" in verdict.advice[0] and verdict.reasons
    calm = check_message("Tối nay cả nhà về ăn cơm nhé, mẹ nấu canh chua.")
    assert calm.score < SUSPICIOUS and "đáng ngờ" not in " ".join(calm.advice)


def test_advice_names_the_official_ways_to_get_help():
    advice = " ".join(check_message("Bộ Công an yêu cầu bạn chuyển tiền vào tài khoản an toàn ngay lập tức.").advice)
    for phrase in ("cúp máy", "không chuyển tiền", "113", "VNeID", "công an xã, phường"):
        assert phrase.lower() in advice.lower()


def test_deepfake_advice_says_to_call_back_on_a_known_number():
    verdict = check_message(
        "Bố ơi con bị tai nạn, mạng yếu không gọi video được, bố chuyển gấp 15 triệu vào tài khoản bạn con."
    )
    assert verdict.scam
    assert "số quen thuộc" in verdict.advice[0]


def test_text_without_diacritics_gets_the_same_verdict():
    texts = [row["text"] for row in load_labelled() if row["text"] != strip_diacritics(row["text"])][:60]
    same = sum(check_message(t).scam == check_message(strip_diacritics(t)).scam for t in texts)
    assert same / len(texts) >= 0.9


def test_nfd_input_is_judged_like_nfc():
    text = "Cơ quan thuế thông báo hoàn thuế, bấm vào thue-hoantien.xyz và nhập mật khẩu ngân hàng để nhận tiền."
    nfd = unicodedata.normalize("NFD", text)
    assert check_message(nfd) == check_message(text)
    assert check_message(text).scam


def test_official_domains_pass_and_lookalikes_do_not():
    official = check_message("Tra cứu hồ sơ tại https://dichvucong.gov.vn hoặc vneid.gov.vn.")
    assert not official.scam and any("chính thức" in r for r in official.reasons)
    fake = check_message("Tra cứu hồ sơ tại https://dichvucong-gov.com")
    assert fake.scam


def test_a_warning_quoting_a_scam_is_not_flagged():
    text = (
        "Cảnh báo: kẻ gian giả danh công an gọi điện bảo chuyển tiền vào tài khoản tạm giữ. "
        "Tuyệt đối không làm theo, hãy cúp máy và báo công an xã."
    )
    assert not check_message(text).scam


@pytest.mark.parametrize("text", ["", "   ", "😀🎉👍", "\x00", "a" * 20000])
def test_odd_input_gives_a_valid_verdict(text):
    verdict = check_message(text)
    assert isinstance(verdict, Verdict) and 0.0 <= verdict.score <= 1.0 and not verdict.scam


def test_to_json_matches_the_contract():
    record = to_json(check_message("Bạn đã trúng thưởng, truy cập bit.ly/abc để nhận quà."))
    assert set(record) >= {"scam", "score", "reasons"}
    assert record["scam"] is True and isinstance(record["score"], float) and 0 <= record["score"] <= 1
    assert all(isinstance(r, str) for r in record["reasons"]) and isinstance(record["advice"], list)
    json.dumps(record, ensure_ascii=False)


def wiki_paragraphs(step):
    paragraphs = []
    with VIWIKI.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number % step:
                continue
            for paragraph in re.split(r"\r?\n", json.loads(line)["text"]):
                if len(paragraph.strip()) >= 80:
                    paragraphs.append(paragraph.strip())
    return paragraphs


@pytest.mark.skipif(not VIWIKI.exists(), reason="shared Wikipedia sample not found (set HOCAI_SHARED_DATA)")
def test_wikipedia_paragraphs_are_rarely_flagged():
    paragraphs = wiki_paragraphs(step=8)
    assert len(paragraphs) > 2000
    flagged = sum(check_message(p).scam for p in paragraphs)
    assert flagged / len(paragraphs) <= 0.01


def test_literal_prefilter_never_hides_a_match():
    from hocai.safety import scam
    from hocai.text import fold_case

    texts = [row["text"] for row in load_labelled()]
    views = [fold_case(t) for t in texts] + [strip_diacritics(fold_case(t)) for t in texts]
    rules = scam.RULES
    fast = [rule.pattern for rule in rules.rules] + [rule.accented for rule in rules.rules if rule.accented]
    fast += [rules.warning] + [authority.pattern for authority in rules.authorities]
    assert sum(f.leads is not None for f in fast) > len(fast) * 0.8
    for pattern in fast:
        for view in views:
            assert bool(pattern.search(view)) == bool(pattern.regex.search(view)), (pattern.regex.pattern, view)


@pytest.mark.parametrize(
    "text",
    [
        "Anh ơi em nhầm số, em chuyển nhầm 3tr vào tk anh, anh ck lại giúp em qua stk 0987xxx ngân hàng MB với ạ.",
        "a oi e doi so moi, e dang can gap 7tr dong vien phi cho me, a ck giup e vao tk nay e tra a cuoi tuan",
        "Anh ơi em sắp cưới, em gửi thiệp mời online, anh tải file thiepcuoi.apk về xem giúp em nhé.",
        "Tài khoản của quý khách vừa bị trừ 4.990.000đ. Nếu không thực hiện giao dịch này, vui lòng gọi "
        "ngay 0708 999 321.",
        "Bạn được xét duyệt gói hỗ trợ bão lũ 3.000.000đ. Điền thông tin tài khoản ngân hàng tại "
        "hotro-baolu.com để nhận.",
    ],
)
def test_paraphrased_and_shorthand_scams_are_flagged(text):
    assert check_message(text).scam


@pytest.mark.parametrize(
    "text",
    [
        "MB: Tai khoan 0123xxx789 +15,000,000VND luc 09:01 01/07. Noi dung: CHUYEN TIEN MUA DAT COC. So "
        "du: 45,200,000VND.",
        "Em đóng tiền học thêm tháng này cho cô chưa? Cô nhắn là lớp nộp trước thứ Sáu, nộp trực tiếp tại lớp.",
        "Em ơi tiền ăn trưa văn phòng tháng này 750k, em chuyển vào tk của chị Hương như tháng trước nhé.",
        "Cục Thuế thông báo: thông tin chi tiết tại website chính thức của Cục Thuế có đuôi gov.vn.",
        "VPBank: Khoản vay đến hạn ngày 25/06, số tiền 3.215.000 VND. Quý khách vui lòng đảm bảo số dư tài khoản.",
    ],
)
def test_routine_notices_with_money_words_are_not_flagged(text):
    assert not check_message(text).scam, check_message(text).reasons


def test_many_weak_signals_together_are_named_in_the_reasons():
    verdict = check_message(
        "Em là nhân viên tổng đài, thuê bao của anh sẽ bị khóa trong 2 giờ, anh kết bạn Zalo em "
        "để chuyển phí duy trì 200k."
    )
    assert verdict.scam and any("nhiều dấu hiệu" in reason for reason in verdict.reasons), verdict.reasons


ADVERSARIAL = {
    "digits": "1" * 100_000,
    "spaces": " " * 100_000,
    "k/ngay": "1k/ngay" * 15_000,
    "k / ngay spaced": "1 k / ngay " * 10_000,
    "dotted host": "a." * 50_000,
    "hyphen host": "a-" * 50_000,
    "digit groups": "1 " * 50_000,
    "line breaks": "\n \n" * 35_000,
    "one long word": "đ" * 100_000,
    "red-flag words": "cho em cung cap ma otp tai khoan lien he zalo 0912 http://a.b.com so du 1 phi " * 1_300,
}


@pytest.mark.parametrize("text", list(ADVERSARIAL.values()), ids=list(ADVERSARIAL))
def test_adversarial_input_answers_within_a_second(text):
    """Issue 14, finding 9: 20,000 digits took 17 s in the job rule; every pattern must stay linear."""
    assert len(text) >= 100_000
    start = time.process_time()
    verdict = check_message(text)
    assert time.process_time() - start < 1.0
    assert 0.0 <= verdict.score <= 1.0


def test_bounding_the_input_keeps_verdicts_and_links():
    from hocai.safety.scam import _bounded

    assert _bounded("a  \t b\n\n \nc") == "a b\nc"
    long_link = "http://vietcombank-xacthuc.online/" + "x" * 200 + "/app.apk"
    assert _bounded(long_link).endswith("/app.apk") and len(_bounded(long_link)) == 64
    assert check_message("Tải ứng dụng tại " + long_link).scam
    spaced = check_message("Nhân viên ngân hàng đây,     anh đọc giúp em    mã OTP   vừa gửi nhé.")
    assert spaced.scam


def test_the_model_file_rebuilds_byte_for_byte(tmp_path):
    """The shipped model is what `python -m hocai.safety.train_scam` builds from the repository's data."""
    from hocai.safety import scam_model, train_scam

    if not (train_scam.VIWIKI.exists() and train_scam.SIB200.exists()):
        pytest.skip(f"shared data not found under {train_scam.SHARED}")
    out = tmp_path / "scam_model.json"
    assert train_scam.main(["--out", str(out), "--quiet"]) == 0
    assert out.read_bytes() == scam_model.MODEL_PATH.read_bytes()
    assert len(out.read_bytes()) < 256 * 1024


def test_training_data_is_separate_from_the_blind_sets():
    from hocai.safety import train_scam

    extra = [json.loads(line) for line in train_scam.EXTRA.read_text(encoding="utf-8").splitlines()]
    assert len(extra) >= 300 and 0.3 <= sum(r["scam"] for r in extra) / len(extra) <= 0.6
    assert all(unicodedata.is_normalized("NFC", r["text"]) for r in extra)
    texts = {r["text"] for r in extra} | {r["text"] for r in load_labelled()}
    for blind in sorted((ROOT / "tests" / "data").glob("heldout*/scam_messages.jsonl")):
        assert not texts & {
            json.loads(line)["text"] for line in blind.read_text(encoding="utf-8").splitlines() if line.strip()
        }, blind


def test_the_model_catches_a_wording_no_rule_knows_and_says_why():
    text = "Chị ơi em là bạn của Lan, Lan nhờ em hỏi chị số tài khoản để gửi tiền."
    from hocai.safety.scam import rule_score

    assert rule_score(text) < THRESHOLD
    verdict = check_message(text)
    assert verdict.scam
    assert verdict.reasons[0].startswith("Cách viết của tin nhắn rất giống các tin lừa đảo đã biết")
    assert "«" in verdict.reasons[0] and "tài" in verdict.reasons[0]
    assert not check_message(text, use_model=False).scam


def test_a_decisive_red_flag_is_never_excused_by_the_model():
    verdict = check_message("Tra cứu hồ sơ tại https://dichvucong-gov.com")
    assert verdict.scam and "dichvucong-gov.com" in verdict.reasons[0]


def test_without_a_model_file_the_rules_judge_alone(monkeypatch):
    from hocai.safety import scam_model

    text = "Chị ơi em là bạn của Lan, Lan nhờ em hỏi chị số tài khoản để gửi tiền."
    monkeypatch.setattr(scam_model, "MODEL_PATH", ROOT / "no-such-model.json")
    scam_model.load_model.cache_clear()
    try:
        assert scam_model.load_model() is None
        assert check_message(text) == check_message(text, use_model=False)
    finally:
        monkeypatch.undo()
        scam_model.load_model.cache_clear()


def test_under_five_milliseconds_a_message_on_one_core():
    texts = [row["text"] for row in load_labelled()]
    check_message(texts[0])
    start = time.process_time()
    for text in texts:
        check_message(text)
    assert (time.process_time() - start) / len(texts) < 0.005
