"""Word lists the personal-data guard relies on: codes, family names, place names, context words."""

from __future__ import annotations

import unicodedata

# First three digits of a 12-digit CCCD: the 63 provinces as coded before the 2025 merger.
CCCD_PROVINCES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 037 "
    "038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077 079 "
    "080 082 083 084 086 087 089 091 092 093 094 095 096".split()
)

# Mobile prefixes in use since the 2018 renumbering (0xx of a 10-digit number).
MOBILE_PREFIXES = frozenset(
    "032 033 034 035 036 037 038 039 052 055 056 058 059 070 076 077 078 079 "
    "081 082 083 084 085 086 087 088 089 090 091 092 093 094 096 097 098 099".split()
)

FAMILY_NAMES = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Lưu Trịnh Đinh Đoàn Mai "
    "Trương Lâm Cao Hà Tô Tạ Quách Đào Lương Vương Thái Châu La Kiều Chu Triệu Tăng Lại Mạc Khúc Kim "
    "Nông Lò Hứa Phùng Thân Tôn Diệp Doãn Lục Âu Tống Khổng Từ Cù Hầu Ninh Vi Nghiêm Đàm Lã Giáp Quàng "
    "Ksor Siu Nay Rơ Kpă Rmah Y Hoàng Lữ Bế Hà Ma Sầm Đồng Thạch Danh Sơn Mông"
).split()

# Whole place names (and their first two syllables) that start like a person's name.
PLACE_NAMES = (
    "Hà Nội|Hà Giang|Cao Bằng|Bắc Kạn|Tuyên Quang|Lào Cai|Điện Biên|Lai Châu|Sơn La|Yên Bái|Hòa Bình|"
    "Thái Nguyên|Lạng Sơn|Quảng Ninh|Bắc Giang|Phú Thọ|Vĩnh Phúc|Bắc Ninh|Hải Dương|Hải Phòng|Hưng Yên|"
    "Thái Bình|Hà Nam|Nam Định|Ninh Bình|Thanh Hóa|Nghệ An|Hà Tĩnh|Quảng Bình|Quảng Trị|Thừa Thiên Huế|"
    "Đà Nẵng|Quảng Nam|Quảng Ngãi|Bình Định|Phú Yên|Khánh Hòa|Ninh Thuận|Bình Thuận|Kon Tum|Gia Lai|"
    "Đắk Lắk|Đắk Nông|Lâm Đồng|Bình Phước|Tây Ninh|Bình Dương|Đồng Nai|Bà Rịa|Vũng Tàu|Hồ Chí Minh|"
    "Long An|Tiền Giang|Bến Tre|Trà Vinh|Vĩnh Long|Đồng Tháp|An Giang|Kiên Giang|Cần Thơ|Hậu Giang|"
    "Sóc Trăng|Bạc Liêu|Cà Mau|Sài Gòn|Việt Nam|Hà Tây|Hà Đông|Châu Thành|Châu Đốc|Buôn Ma Thuột|"
    "Hồ Gươm|Hồ Tây|Hoàn Kiếm|Cao Lãnh|Đồng Hới|Đồng Xoài|Đồng Văn|Thái Hòa|Hà Tiên|Lâm Hà|Vũ Thư|"
    "Hồ Núi Cốc|Hoàng Mai|Hoàng Sa|Trường Sa|Mai Châu|Lý Sơn|Lê Chân|Ninh Kiều|Hà Quảng|Hoàng Su Phì|"
    "Phan Thiết|Phan Rang|Phan Rí|Võ Nhai|Đinh Lập|Tô Lịch|Thái Lan|Trung Quốc|Hàn Quốc|Lào|Cam Pu Chia"
).split("|")

# Names that may close an address after a comma: the provinces and the usual short forms.
PROVINCES = PLACE_NAMES[: PLACE_NAMES.index("Cà Mau") + 1] + [
    "TP.HCM",
    "TP. HCM",
    "TPHCM",
    "Sài Gòn",
    "Việt Nam",
    "Huế",
]

# Words that, written capitalised right after a name-like start, make it an organisation or a title.
NON_NAME_WORDS = frozenset(
    "Bộ Sở Ủy Uỷ Ban Phòng Trường Công Ngân Hội Đảng Tỉnh Quận Huyện Xã Phường Thị Đường Phố Ngõ Hẻm "
    "Thôn Ấp Xóm Khu Tổ Số Chủ Giám Bí Trưởng Phó Hiệu Tổng Cục Viện Tòa Tòa Kế Nghị Quyết Thông Luật "
    "Điều Khoản Chương Mục Ngày Tháng Theo Tại Và Các Những Trong Của Với Cho Khi Nếu Đã Sẽ Đang Được Bị "
    "Là Có Không Này Đó Về Từ Đến Người Nhà Học Trung Tâm Thành Quốc Cộng Hòa Hoà Chính Phủ Đồng Chí "
    "Giáo Dục Khoa Nhân Dân Tiểu Mầm Non THPT THCS UBND HĐND Zalo Facebook Email SĐT CCCD CMND STK MST".split()
) - {
    "Thị",
    "Thành",
    "Khoa",
    "Trung",
    "Tâm",
    "Công",
    "Hòa",
    "Quốc",
    "Nhân",
    "Dân",
    "Chí",
    "Đồng",
    "Học",
    "Ngân",
    "Chính",
    "Thông",
    "Quyết",
    "Nghị",
    "Chương",
    "Trường",
    "Hiệu",
    "Tổng",
}

# Capitalised words that start the next part of an address, so a place name stops before them.
ADDRESS_KEYWORDS = (
    "Phường|Xã|Quận|Huyện|Tỉnh|Thị xã|Thị trấn|Thành phố|Đường|Ngõ|Ngách|Hẻm|Kiệt|Thôn|Xóm|Ấp|Tổ|Số|Khóm|TP|Tp|Việt Nam"
)

# Words just before a capitalised run that make it a place, street or organisation, not a person.
PLACE_PREFIXES = (
    "đường|phố|phường|xã|quận|huyện|tỉnh|thành phố|thị xã|thị trấn|tp|tp\\.|p\\.|q\\.|trường|thpt|thcs|"
    "tiểu học|mầm non|cầu|sông|chùa|đền|hẻm|ngõ|ngách|kiệt|ấp|thôn|xóm|khu|làng|bản|buôn|lăng|bảo tàng|"
    "quảng trường|đại lộ|công viên|chợ|bệnh viện|giải thưởng|huân chương|đại học|học viện|nhà văn hóa|"
    "tư tưởng|tổ|khu phố|kp|đình|phong trào|cung|nhà thi đấu|sân vận động|bến|hồ|núi|đảo|tuyến|phố cổ|"
    "ngân hàng|công ty|quỹ|chương trình|lớp|trung tâm|thủ đô|miền|vùng|châu|dòng|họ|nhà|triều|thời"
)

HONORIFICS = (
    "ông|bà|anh|chị|cô|thầy|em|chú|bác|cháu|cụ|đồng chí|đ/c|cô giáo|thầy giáo|bạn|chồng|vợ|con|mẹ|bố|"
    "dì|cậu|mợ|thím|dượng|cô bé|cậu bé|bé|học sinh|học viên|giáo viên|cán bộ|ông bà"
)


def strip_marks(word: str) -> str:
    """Return ``word`` without diacritics (Đ → D), for names typed without accents."""
    decomposed = unicodedata.normalize("NFD", word.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
