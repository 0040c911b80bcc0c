"""python -m hocai.l10n: add the kit's Vietnamese JupyterLab labels to the installed language pack."""

from hocai.l10n import install

count = install()
print(f"Đã thêm {count} bản dịch tiếng Việt cho JupyterLab." if count else "Bản dịch tiếng Việt đã đủ.")
