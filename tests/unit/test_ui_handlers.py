"""The page's handlers called as plain functions (no server) on a real service with the tiny model."""

from __future__ import annotations

import re
import types

import gradio as gr
import pytest

from hocai.app import ui_views as views
from hocai.app.config import load_config
from hocai.app.limits import TOO_FAST, RateLimiter, client_address, client_key
from hocai.app.serve import NEEDS_PASSWORD, check_exposure
from hocai.app.service import Playground
from hocai.app.ui_handlers import Handlers
from hocai.errors import UserError
from hocai.safety.pii import LABEL_NAMES_VI, find_entities

PHONE, CCCD = "0912345678", "001203012345"
ENGLISH = re.compile(r"\b(Error|Submit|Clear|Retry|Undo|Loading|Queue|Traceback|None)\b")


@pytest.fixture(scope="module")
def service(tiny_model_dir, tmp_path_factory, monkeypatch_module):
    monkeypatch_module.setenv("HOCAI_CONFIG", str(tmp_path_factory.mktemp("cfg") / "none.toml"))
    svc = Playground(load_config(model=str(tiny_model_dir), backend="local"))
    svc.backend.load()
    assert svc.health()["status"] == "ok"
    return svc


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.fixture
def h(service):
    return Handlers(service)


def remote(address: str = "10.0.0.7"):
    """What gr.Request looks like for a participant on the class network."""
    return types.SimpleNamespace(client=types.SimpleNamespace(host=address), headers={})


def test_the_example_cccd_is_flagged():
    assert [e.label for e in find_entities(f"CCCD {CCCD}, điện thoại {PHONE}")] == ["CCCD", "PHONE"]


def test_chat_masks_before_the_model_and_says_what_and_why(h):
    outputs = list(h.chat(f"Số của tôi {PHONE}, CCCD {CCCD}", []))
    assert len(outputs) >= 2
    chat, panel, box = outputs[-1]
    assert box == ""
    assert chat[0] == {"role": "user", "content": "Số của tôi [SỐ ĐIỆN THOẠI], CCCD [SỐ ĐỊNH DANH]"}
    assert chat[1]["role"] == "assistant" and "Đã che trước khi gửi cho AI" in chat[1]["content"]
    text = str(chat) + panel
    assert PHONE not in text and CCCD not in text
    assert LABEL_NAMES_VI["PHONE"] in panel and LABEL_NAMES_VI["CCCD"] in panel
    assert "lừa đảo" in panel and "mạo danh" in panel  # the why
    assert len(outputs[-1][0][1]["content"]) >= len(outputs[0][0][1]["content"])  # the reply grows


def test_chat_keeps_history_and_clear_empties_it(h):
    first = list(h.chat("Xin chào", []))[-1][0]
    second = list(h.chat("Hôm nay trời đẹp", first))[-1][0]
    assert [m["role"] for m in second] == ["user", "assistant", "user", "assistant"]
    assert h.clear_chat() == ([], views.NOTHING_MASKED, "")


@pytest.mark.parametrize("text,words", [("", "Hãy nhập"), ("   ", "Hãy nhập"), ("á" * 5000, "quá dài")])
def test_chat_bad_input_is_one_vietnamese_error(h, text, words):
    with pytest.raises(gr.Error) as info:
        list(h.chat(text, []))
    assert words in info.value.message and info.value.title == "Chưa làm được"


def test_pii_tab_highlights_with_vietnamese_labels_and_gives_a_copy(h):
    text = f"Tôi là Nguyễn Văn An, điện thoại {PHONE}, CCCD {CCCD}."
    pieces, summary, redacted = h.pii(text)
    assert "".join(p for p, _ in pieces) == text
    labelled = {p: label for p, label in pieces if label}
    assert labelled[PHONE] == "Số điện thoại" and labelled[CCCD] == "Số định danh cá nhân"
    assert PHONE not in redacted and "[SỐ ĐIỆN THOẠI]" in redacted and "[SỐ ĐỊNH DANH]" in redacted
    assert "Tìm thấy 3 mục" in summary


def test_pii_offsets_hold_for_nfd_input(h):
    text = f"So\u0302\u0301 đie\u0323\u0302n thoại {PHONE}"
    pieces, _, _ = h.pii(text)
    assert "".join(p for p, _ in pieces) == text and (PHONE, "Số điện thoại") in pieces


def test_scam_tab_verdict_flags_and_what_to_do(h):
    verdict, flags, advice = h.scam(views.EXAMPLES["scam"])
    assert "LỪA ĐẢO" in verdict and 'class="hocai-verdict bad"' in verdict
    assert "OTP" in flags
    for step in ("cúp máy", "số chính thức", "công an xã"):
        assert step in advice
    calm, _, _ = h.scam("Chiều nay họp chi bộ lúc 14 giờ nhé.")
    assert "Chưa thấy dấu hiệu" in calm


def test_scam_verdict_escapes_html():
    shown = views.scam_verdict({"scam": False, "score": 0.0})
    assert "<script" not in views.next_word_bars([("<script>", 0.5)]) and "&lt;script&gt;" in views.next_word_bars(
        [("<script>", 0.5)]
    )
    assert "Mức nghi ngờ: 0/100" in shown


def test_prompt_tab_ticks_criteria_and_improves(h):
    score, met, advice, improved = h.prompt("Viết thông báo họp dân")
    assert "1/5" in score and met == [views.CRITERIA_VI["task"]]
    assert "vai trò" in advice.lower() and "Bạn là" in improved
    score, met, _, _ = h.prompt(
        "Bạn là chuyên viên văn phòng UBND xã. Hãy viết thông báo họp dân về tiêm chủng "
        "cho trẻ em vào sáng thứ Bảy tại nhà văn hoá thôn. Trình bày dạng gạch đầu dòng, "
        "dưới 150 chữ, giọng trang trọng."
    )
    assert "5/5" in score and len(met) == 5


def test_prompt_tab_warns_about_personal_data(h):
    _, _, advice, improved = h.prompt(f"Bạn là thư ký. Viết thư cho ông An số {PHONE}.")
    assert "Cảnh báo" in advice and PHONE not in improved


def test_next_words_bar_chart_and_temperature(h):
    cold = h.next_words("Xin chào", 0.2, 5)
    hot = h.next_words("Xin chào", 2.0, 5)
    assert cold.count('class="word"') == 5 and 'class="fill"' in cold
    percent = [float(p) for p in re.findall(r'class="pct">([\d.]+)%', cold)]
    assert percent == sorted(percent, reverse=True)
    assert max(percent) > max(float(p) for p in re.findall(r'class="pct">([\d.]+)%', hot))


def test_sample_several_continuations(h):
    shown = h.sample("Xin chào", 1.2, 3)
    assert shown.count("Xin chào") >= 4 and shown.count("<li>") == 3


def test_word_label_shows_spaces_and_newlines():
    assert views.word_label(" chào") == "·chào" and views.word_label("\n") == "↵" and views.word_label(" ") == "·"


def test_no_english_in_what_handlers_show(h):
    pieces, *pii_rest = h.pii("Số " + PHONE)
    shown = [p for pair in pieces for p in pair if p] + pii_rest + list(h.scam("Xin chào")) + [h.model_info()]
    score, met, advice, improved = h.prompt("Viết thư")
    shown += [score, *met, advice, improved]
    assert not [s for s in shown if ENGLISH.search(s)]


def test_handler_failure_is_a_generic_vietnamese_message(service):
    h = Handlers(service)
    h.service = types.SimpleNamespace(pii=lambda text: 1 / 0)
    with pytest.raises(gr.Error) as info:
        h.pii("xin chào")
    assert "báo giảng viên" in info.value.message


def test_rate_limit_per_client(service):
    now = [0.0]
    limiter = RateLimiter({"ai": 12, "tools": 60}, clock=lambda: now[0])
    h = Handlers(service, limiter)
    for _ in range(int(limiter.burst("tools"))):
        h.pii("Số " + PHONE, remote())
    with pytest.raises(gr.Error) as info:
        h.pii("Số " + PHONE, remote())
    assert info.value.message == TOO_FAST
    h.pii("Số " + PHONE, remote("10.0.0.8"))  # another participant is not affected
    h.pii("Số " + PHONE, None)  # this machine is not limited
    now[0] += 2.0  # 60 per minute: one more call every second
    h.pii("Số " + PHONE, remote())


def test_ai_calls_have_a_tighter_limit():
    now = [0.0]
    limiter = RateLimiter({"ai": 20, "tools": 120}, clock=lambda: now[0])
    ai = sum(limiter.allow("10.0.0.9", "ai") for _ in range(100))
    tools = sum(limiter.allow("10.0.0.9", "tools") for _ in range(100))
    assert ai == 5 and tools == 30


def test_client_key_trusts_forwarded_only_from_a_configured_proxy():
    proxy = RateLimiter({}, trusted=["127.0.0.1"]).trusted
    assert client_address("127.0.0.1", {"x-forwarded-for": "10.1.1.1, 127.0.0.1"}, proxy) == "10.1.1.1"
    assert client_address("127.0.0.1", {"x-forwarded-for": "10.1.1.1"}) == "127.0.0.1"  # no proxy configured
    assert client_address("10.2.2.2", {"x-forwarded-for": "10.1.1.1"}, proxy) == "10.2.2.2"
    assert client_key(types.SimpleNamespace(client=types.SimpleNamespace(host="127.0.0.1"), headers={})) is None
    assert client_key(types.SimpleNamespace(client=types.SimpleNamespace(host="::1"), headers={})) is None
    assert client_key(remote("192.168.1.5")) == "192.168.1.5"


def test_rate_limits_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("HOCAI_CONFIG", str(tmp_path / "hocai.toml"))
    (tmp_path / "hocai.toml").write_text("[service]\nrate_tools_per_min = 7\n", encoding="utf-8")
    monkeypatch.setenv("HOCAI_RATE_AI_PER_MIN", "0")
    limiter = RateLimiter.from_settings()
    assert limiter.per_min == {"ai": 0.0, "tools": 7.0}
    assert all(limiter.allow("10.0.0.1", "ai") for _ in range(100))
    monkeypatch.setenv("HOCAI_RATE_AI_PER_MIN", "nhiều")
    with pytest.raises(UserError, match="không hợp lệ"):
        RateLimiter.from_settings()


def test_network_exposure_needs_a_password_or_the_hub():
    check_exposure("127.0.0.1", "", False)
    check_exposure("0.0.0.0", "mật-khẩu", False)
    check_exposure("0.0.0.0", "", True)
    with pytest.raises(UserError) as info:
        check_exposure("0.0.0.0", "", False)
    assert info.value.message == NEEDS_PASSWORD.format(host="0.0.0.0")
    assert ". " not in info.value.message and "HOCAI_APP_PASSWORD" in info.value.message


def test_masked_panel_hides_most_of_the_value():
    panel = views.masked_panel([{"label": "PHONE", "label_vi": "Số điện thoại", "text": PHONE}])
    assert PHONE not in panel and "091" in panel and "678" in panel and "**[SỐ ĐIỆN THOẠI]**" in panel


def test_samples_view_escapes_html():
    shown = views.samples_view("a<i>", [" <b>x</b>", ""], 1.0)
    assert "<b>" not in shown and "<i>" not in shown and "a&lt;i&gt;" in shown and "không viết thêm" in shown
    assert shown.count("<li>") == 2
