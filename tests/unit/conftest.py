"""Fixtures for unit tests."""

import socket

import pytest


@pytest.fixture
def service_down(monkeypatch):
    """HOCAI_SERVICE_URL pointing at a port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("HOCAI_SERVICE_URL", f"http://127.0.0.1:{port}/")


@pytest.fixture
def small_qwen():
    """A two-layer Qwen2 with tied embeddings, seeded random weights, in bfloat16 (int8 and packing tests)."""
    torch = pytest.importorskip("torch", reason="torch is installed only in .venv (scripts/test-other-python.sh)")
    from transformers import Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(0)
    config = Qwen2Config(
        vocab_size=500,
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        tie_word_embeddings=True,
    )
    return Qwen2ForCausalLM(config).to(torch.bfloat16).eval()
