"""HUONG-DAN.txt: what a trainer reads on the stick, in Vietnamese, with this bundle's own figures."""

from __future__ import annotations

from typing import Any


def _size(n: int) -> str:
    return f"{n / 1e9:.1f} GB".replace(".", ",") if n >= 1e9 else f"{n / 1e6:.0f} MB"


def text(info: dict[str, Any], total_bytes: int) -> str:
    versions = " hoặc ".join(info["python_versions"])
    release = f"{info['debian_id'].capitalize()} {info['debian_version']} ({info['debian_codename']})"
    lines = [
        "HƯỚNG DẪN CÀI BỘ CÔNG CỤ HOCAI TỪ USB (KHÔNG CẦN INTERNET)",
        "",
        "Bộ cài này chứa mọi thứ để mở lớp «Tìm hiểu trí tuệ nhân tạo» trên một máy tính không có mạng:",
        "  - hocai-kit.tar.gz: bộ công cụ (bài học, bài tập, Sân tập AI, việc của giảng viên);",
        f"  - wheels/: các gói Python cho Python {versions}, Linux 64 bit (x86_64); torch là bản chỉ dùng CPU;",
    ]
    if info["apt_packages"]:
        names = ", ".join(info["apt_packages"])
        lines.append(f"  - debs/: các gói hệ thống cho {release}: {names} và các gói chúng cần;")
    if info["node"]:
        lines.append("  - node/: configurable-http-proxy, cần cho lớp đông dùng JupyterHub;")
    lines += [
        f"  - models/: mô hình AI ({', '.join(info['models'])});",
        "  - SHA256SUMS (mã kiểm tra từng tệp), manifest.json (danh mục), install.sh (chương trình cài).",
        f"Tạo ngày {info['created'][:10]}, dung lượng {_size(total_bytes)}.",
        "",
        f"MÁY CẦN CÓ: Linux 64 bit ({release} là tốt nhất), Python {versions} (Debian 12 có sẵn; nếu thiếu, bộ cài tự",
        "cài), ổ đĩa còn trống khoảng 4 GB, và quyền quản trị (sudo) nếu máy còn thiếu gói hệ thống.",
        "",
        "CÁCH CÀI",
        "  1. Cắm USB, mở cửa sổ dòng lệnh (Terminal).",
        "  2. Gõ lệnh sau (đổi /media/usb thành nơi USB được mở):",
        "         bash /media/usb/install.sh",
        "     Bộ công cụ được cài vào thư mục ~/hocai. Muốn cài chỗ khác: bash /media/usb/install.sh THƯ_MỤC",
        "     Nếu máy đã có thư mục bộ công cụ: cd THƯ_MỤC_ĐÓ && make start BUNDLE=/media/usb",
        "  3. Chương trình kiểm tra mọi tệp trước, cài trong vài phút, rồi mở lớp: địa chỉ của bài học và của",
        "     Sân tập AI hiện ra trên màn hình. Nhấn Ctrl-C để dừng lớp.",
        "  Lần sau mở lớp, không cần USB: cd ~/hocai && make start",
        "",
        "NẾU BÁO LỖI",
        "  - «Bộ cài chưa đủ: thiếu tệp …» hoặc «Bộ cài bị hỏng: …»: USB lỗi hoặc chép chưa xong. Chưa có gì được",
        "    cài. Hãy chép lại cả thư mục bộ cài từ máy gốc (hoặc sang USB khác) rồi chạy lại.",
        "  - «Cần quyền quản trị …»: chạy lại bằng: sudo bash /media/usb/install.sh",
        "  - Chỉ kiểm tra USB, không cài gì: bash /media/usb/install.sh --check",
        "  Nếu việc cài dừng giữa chừng, máy không giữ lại gì dở dang: chỉ cần chạy lại.",
    ]
    if len(info["models"]) > 1:
        lines += [
            "",
            'MÔ HÌNH LỚN HƠN: sau khi cài, đặt HOCAI_MODEL=TÊN (hoặc model = "TÊN" trong mục [service] của',
            "hocai.toml) rồi mở lại lớp.",
        ]
    return "\n".join(lines) + "\n"
