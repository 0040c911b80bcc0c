"""The kit's Vietnamese for JupyterLab labels (issue 18, item 4): the .po reads, and install only fills gaps."""

from __future__ import annotations

import json
import shutil
import unicodedata

import pytest

from hocai import l10n

# Labels a participant meets in the Run/Kernel/File menus, the notebook toolbar and the close dialog.
PARTICIPANT_LABELS = [
    "Run All Cells",
    "Restart Kernel and Run All Cells…",
    "Interrupt the kernel",
    "Insert a cell below",
    "Close and Shut Down Notebook…",
    "Close without saving",
    "Select the cell type",
    "Run the selected cells and advance",
    "Clear Outputs of All Cells",
]


def test_menu_labels_reach_the_compiled_catalogue(tmp_path):
    """Labels from settings schemas (the File menu's «Save and Export Notebook As») are translated by the server
    from the pack's .mo: install adds them there with their msgctxt, keeping what the catalogue had."""
    import gettext

    source = l10n.pack_file()
    if source is None:
        pytest.skip("jupyterlab-language-pack-vi-VN is not installed")
    folder = tmp_path / "vi_VN" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(source.with_suffix(".mo"), folder / "jupyterlab.mo")
    l10n._install_mo(l10n._entries(l10n.PO), folder / "jupyterlab.mo")
    catalogue = gettext.translation("jupyterlab", localedir=str(tmp_path), languages=["vi_VN"])
    assert catalogue.pgettext("menu", "Save and Export Notebook As") == "Lưu và xuất Notebook thành"
    assert catalogue.gettext("Run All Cells") == "Chạy tất cả các ô"
    assert l10n._install_mo(l10n._entries(l10n.PO), folder / "jupyterlab.mo") == 0


def test_po_is_vietnamese_nfc_and_covers_the_participants_labels():
    messages = l10n.read_po()
    raw = l10n.PO.read_text(encoding="utf-8")
    assert raw == unicodedata.normalize("NFC", raw)
    for label in PARTICIPANT_LABELS:
        assert messages.get(label) and messages[label] != label, label
    assert all(v and v.strip() == v for v in messages.values())


def test_install_fills_gaps_only_and_is_idempotent(tmp_path):
    source = l10n.pack_file()
    if source is None:
        pytest.skip("jupyterlab-language-pack-vi-VN is not installed")
    target = tmp_path / "jupyterlab.json"
    shutil.copy(source, target)
    before = json.loads(target.read_text(encoding="utf-8"))
    before.pop("Run All Cells", None)
    before.pop("Copy Cell", None)
    before["Delete Cell"] = ["Xoá ô"]
    before["Save"] = ["Lưu"]
    target.write_text(json.dumps(before, ensure_ascii=False), encoding="utf-8")
    assert l10n.install(target) > 0
    after = json.loads(target.read_text(encoding="utf-8"))
    assert after["Run All Cells"] == ["Chạy tất cả các ô"]
    assert after["Save"] == ["Lưu"] and after[""] == before[""]
    # JupyterLab looks a plural call (trans._n) up only in a list of two or more, a singular one in a list of one.
    assert after["Copy Cell"] == ["Sao chép ô", ""] and after["Delete Cell"] == [before["Delete Cell"][0], ""]
    assert l10n.install(target) == 0
