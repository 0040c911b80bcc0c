"""Service settings, the masked-data sentence and the privacy-preserving log fingerprint."""

from __future__ import annotations

import pytest

from hocai.app.config import load_config
from hocai.app.privacy import fingerprint
from hocai.app.service import masked_summary
from hocai.errors import UserError


@pytest.fixture(autouse=True)
def no_env(monkeypatch, tmp_path):
    for key in ("HOCAI_MODEL", "HOCAI_BACKEND", "HOCAI_BATCHING", "HOCAI_MAX_BATCH", "HOCAI_OPENAI_BASE_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOCAI_CONFIG", str(tmp_path / "hocai.toml"))
    return tmp_path


def test_defaults_then_file_then_environment(no_env, monkeypatch):
    assert load_config().model == "hocai-teaching-gpt2" and load_config().batching is True
    (no_env / "hocai.toml").write_text(
        '[service]\nbackend = "openai"\nmax_batch = 4\nbatching = false\n', encoding="utf-8"
    )
    config = load_config()
    assert (config.backend, config.max_batch, config.batching) == ("openai", 4, False)
    monkeypatch.setenv("HOCAI_BATCHING", "1")
    monkeypatch.setenv("HOCAI_MAX_BATCH", "12")
    config = load_config()
    assert (config.max_batch, config.batching) == (12, True)
    assert load_config(batching=False).batching is False


def test_bad_settings_are_vietnamese_errors(no_env, monkeypatch):
    monkeypatch.setenv("HOCAI_BACKEND", "magic")
    with pytest.raises(UserError, match="HOCAI_BACKEND"):
        load_config()
    monkeypatch.setenv("HOCAI_BACKEND", "local")
    monkeypatch.setenv("HOCAI_MAX_BATCH", "tám")
    with pytest.raises(UserError, match="không hợp lệ"):
        load_config()
    (no_env / "hocai.toml").write_text("[service\n", encoding="utf-8")
    with pytest.raises(UserError, match="không đọc được"):
        load_config()


def test_masked_summary_counts_each_kind():
    masked = [
        {"label": "PHONE", "label_vi": "Số điện thoại", "text": "0912345678"},
        {"label": "CCCD", "label_vi": "Số CCCD", "text": "001099012345"},
        {"label": "PHONE", "label_vi": "Số điện thoại", "text": "0987654321"},
    ]
    assert masked_summary(masked) == "Đã che trước khi gửi cho AI: số điện thoại (2), số CCCD (1)."


def test_fingerprint_hides_the_text_but_tells_requests_apart():
    secret = "Nguyễn Văn An, 0912345678"
    print_ = fingerprint(secret)
    assert "Nguyễn" not in print_ and "0912345678" not in print_ and print_.startswith("len=")
    assert fingerprint(secret) == print_ != fingerprint(secret + ".")
