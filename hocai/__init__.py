"""hocai — offline workshop kit for the module "Tìm hiểu trí tuệ nhân tạo"."""

from hocai import offline as _offline

_offline.apply()

__version__ = "0.1.0"
