"""Explainable scam checker for Vietnamese SMS, Zalo/Facebook messages and call transcripts.

A message scores the weights of the red flags it shows (demands for OTP or money, fake links, threats,
impersonation...) minus the signs of a genuine notice (warnings such as "không cung cấp mã OTP", official
domains). Every flag carries a plain Vietnamese reason, because the reader learns from the reasons, not the
number. Patterns are written without diacritics and matched on the folded text, so SMS typed without
accents are judged like accented ones; a few words that become ambiguous without accents ("gấp"/"gặp",
"tải"/"tại") use an accented pattern when the message has accents. Chat shorthand ("ck", "stk", "tk") is spelled
out first, and a message showing several families of weaker signals at once (pressure, money, personal data,
a change of channel, a bait) earns a bonus, so that new wordings of old scripts are still caught.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hocai.safety import scam_model
from hocai.text import fold_case, nfc, strip_diacritics

__all__ = ["Verdict", "check_message", "rule_score", "to_json", "THRESHOLD", "SUSPICIOUS"]

# Calibrated on tests/data/scam_messages.jsonl (see benchmarks/safety.py): no genuine message there reaches it.
THRESHOLD = 0.5
# Below THRESHOLD but at least this: not called a scam, yet the advice asks the reader to check first.
SUSPICIOUS = 0.3


@dataclass
class Verdict:
    scam: bool
    score: float
    reasons: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Rule:
    key: str
    weight: float
    pattern: _Fast
    reason: str
    accented: _Fast | None = None
    negatable: bool = False


_META = set("\\.^$*+?{}[]()|")


def _split_branches(src: str) -> list[str]:
    """The top-level alternatives of a regular expression's source."""
    parts, current, depth, i = [], "", 0, 0
    while i < len(src):
        char = src[i]
        if char == "\\":
            current += src[i:i + 2]
            i += 2
            continue
        if char == "[":
            end = i + 1
            while end < len(src) and src[end] != "]":
                end += 2 if src[end] == "\\" else 1
            current += src[i:end + 1]
            i = end + 1
            continue
        depth += char == "("
        depth -= char == ")"
        if char == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
        i += 1
    return parts + [current]


def _group_end(src: str, start: int) -> int:
    depth, i = 0, start
    while i < len(src):
        if src[i] == "\\":
            i += 2
            continue
        depth += src[i] == "("
        depth -= src[i] == ")"
        if depth == 0:
            return i
        i += 1
    return len(src)


def _leads(src: str) -> list[str] | None:
    """Literal text every match must start with, one per alternative; None when some branch has none."""
    found: list[str] = []
    for branch in _split_branches(src):
        while True:
            if branch.startswith("\\b"):
                branch = branch[2:]
            elif branch.startswith(("(?<!", "(?<=", "(?!", "(?=")):
                branch = branch[_group_end(branch, 0) + 1:]
            else:
                break
        if branch.startswith("(?:"):
            end = _group_end(branch, 0)
            if branch[end + 1:end + 2] in ("?", "*", "{"):
                return None
            inner = _leads(branch[3:end])
            if inner is None:
                return None
            found.extend(inner)
            continue
        literal, i = "", 0
        while i < len(branch):
            char = branch[i]
            if char == "\\" and i + 1 < len(branch) and not branch[i + 1].isalnum():
                char, step = branch[i + 1], 2
            elif char in _META:
                break
            else:
                step = 1
            if branch[i + step:i + step + 1] in ("?", "*", "{"):
                break
            literal += char
            i += step
        if not literal:
            return None
        found.append(literal)
    return found


class _Fast:
    """A compiled pattern that skips texts lacking every literal its matches must start with."""

    def __init__(self, pattern: str):
        self.regex = re.compile(pattern)
        leads = _leads(pattern)
        self.leads = tuple(sorted(set(leads), key=len)) if leads else None

    def _may_match(self, text: str) -> bool:
        return self.leads is None or any(lead in text for lead in self.leads)

    def search(self, text: str):
        return self.regex.search(text) if self._may_match(text) else None

    def finditer(self, text: str):
        return self.regex.finditer(text) if self._may_match(text) else iter(())

    def findall(self, text: str) -> list:
        return self.regex.findall(text) if self._may_match(text) else []


def _rx(pattern: str) -> _Fast:
    return _Fast(pattern)


def _rule(key, weight, pattern, reason, accented=None, negatable=False) -> _Rule:
    """A rule; patterns may be given as a tuple of alternatives, one per line."""
    join = lambda p: p if isinstance(p, str) else "|".join(p)  # noqa: E731
    return _Rule(key, weight, _rx(join(pattern)), reason, _rx(join(accented)) if accented else None, negatable)


# Asking for something ("đọc giúp em", "cho chị xin") and the one-time codes scammers ask for.
_DEMAND = (
    r"(?:cung cap|doc|gui|nhap|bao|chup man hinh|dien|nhan lai|nhan (?:lai )?cho \w+"
    r"|cho (?:em|chi|anh|toi|chau|minh|chung toi|con|bac|co|ban)(?: biet| xin)?)"
)
_CODE = (
    r"(?:ma otp|otp|ma xac (?:nhan|thuc)|ma kich hoat|ma khoi phuc"
    r"|(?:ma )?(?:\d|sau|bon|tam) (?:chu )?so (?:vua |duoc )?(?:gui|nhan|ve|tren)"
    r"|(?:ma|day so|tin nhan)(?: \w+){0,2} vua (?:gui|nhan)|ma (?:\w+ ){0,2}gui ve|ma bi mat)"
)

# Red flags. Demands are "negatable": "không cung cấp mã OTP" is advice, not a demand.
_RULES: tuple[_Rule, ...] = (
    _rule(
        "otp", 0.55,
        _DEMAND + r"(?: \w+){0,6} " + _CODE,
        "Tin nhắn đòi bạn đọc hoặc gửi mã OTP, mã xác thực. Ngân hàng, công an, nhà mạng không bao giờ xin mã này.",
        negatable=True,
    ),
    _rule(
        "otp_after", 0.55,
        (
            r"(?:ma (?:otp|xac (?:nhan|thuc)|kich hoat|so)|otp)[^.!?\n]{0,60}?(?:doc (?:giup|lai|cho|ho)|gui (?:lai|giup) (?:cho )?(?:em|chi|anh|minh|toi|chau)|chup man hinh)",
            r"(?:gui|nhan|bam) nham ma",
        ),
        "Người lạ nhờ bạn đọc lại hoặc gửi lại mã vừa nhận được. Đó là mã OTP để chiếm tài khoản của bạn.",
    ),
    _rule(
        "password", 0.5,
        (
            r"(?:cung cap|nhap|cho \w+|doc|gui|dang nhap|dien)(?: \w+){0,6},? (?:mat khau|ma pin|mat ma)",
        ),
        "Tin nhắn đòi mật khẩu hoặc mã PIN. Không ai có quyền hỏi mật khẩu của bạn.",
        negatable=True,
    ),
    _rule(
        "card", 0.45,
        (
            r"(?:cung cap|dien|nhap|gui|doc|cho (?:\w+ )?xin)(?: \w+){0,4} (?:so the|thong tin the|anh the|thong tin tai khoan)",
            r"ngay het han (?:the|va ma)|\bcvv\b|ma (?:bao mat )?(?:o )?mat sau (?:the)?",
        ),
        "Tin nhắn đòi số thẻ hoặc ảnh thẻ ngân hàng — kẻ gian dùng nó để rút tiền của bạn.",
        negatable=True,
    ),
    _rule(
        "identity_photo", 0.45,
        (
            r"chup (?:ca )?(?:2|hai) mat",
            r"(?:cung cap|gui|nhap|doc|cho (?:\w+ )?xin)(?: \w+){0,3} (?:so |anh )?(?:cccd|can cuoc|cmnd|ho chieu)",
            r"anh chan dung",
            r"selfie",
            r"quet khuon mat",
            r"quay video khuon mat",
            r"(?:gui|chup) anh (?:cccd|can cuoc)",
            r"anh (?:cccd|can cuoc)",
        ),
        (
            "Tin nhắn đòi chụp căn cước công dân hoặc ảnh khuôn mặt. Kẻ gian dùng ảnh này để mở tài khoản, vay "
            "tiền mạo danh bạn."
        ),
        negatable=True,
    ),
    _rule(
        "safe_account", 0.55,
        (
            r"tai khoan (?:tam giu|an toan|bao lanh|moi (?:\w+ ){0,2}(?:tao|lap|mo)|(?:do|cua) (?:co quan|can bo|chung toi|ben (?:em|toi))|(?:\w+ ){0,3}chi dinh)",
            r"tai khoan (?:ca nhan )?(?:cua )?(?:can bo|nhan vien|giao vien|tham phan|luat su)",
            r"tai khoan ca nhan (?:cua )?(?:co|thay)",
            r"tai khoan (?:cua )?(?:bac si|thay|co|can bo)",
        ),
        (
            "Tin nhắn bảo chuyển tiền vào «tài khoản tạm giữ», «tài khoản an toàn» hoặc tài khoản cá nhân của cán"
            " bộ. Cơ quan nhà nước, nhà trường không bao giờ làm như vậy."
        ),
        negatable=True,
    ),
    _rule(
        "other_account", 0.35,
        (
            r"tai khoan (?:cua )?ban (?:con|anh|chau|em|minh|no)",
            r"tai khoan khac",
            r"khac ten",
            r"(?:so tai khoan|tai khoan) (?:nay|sau|duoi day)",
            r"vao so (?:nay|tai khoan nay)",
            r"vao tai khoan (?:cua )?(?:toi|em|chi|anh|minh|chau)\b",
            r"(?:chuyen|gui) (?:\w+ ){0,2}cho ban (?:con|em|chau|anh|minh|no)",
            r"so (?:tai khoan )?cua ban (?:con|em|chau|anh|day)",
            r"tai khoan (?:toi|em|chi|anh|minh) (?:vua )?(?:nhan|gui)",
            r"(?:qua|vao) so (?:nay|cua|ben|em gui|chau gui)",
            r"(?:so tai khoan|tai khoan) (?:ca nhan )?(?:cua )?(?:ke toan|nhan vien|chi nhan vien|anh can bo|chong|vo|thu quy ben)\b",
            r"(?:vao|qua) so (?:tai khoan )?(?:cua )?(?:ke toan|nhan vien|chi nhan vien|anh can bo)\b",
            r"(?:tai khoan|so) (?:\w+ ){0,2}(?:em|chau|minh) (?:gui|nhan|nhan tin) (?:ngay|sau|qua)",
            r"(?:vi )?momo (?:so )?0\d",
            r"tai khoan rieng",
            r"(?:thay doi|doi|chuyen) (?:so )?tai khoan (?:thu|nhan tien|nhan)\b",
            r"so tai khoan moi",
            r"ctk [a-z]",
        ),
        (
            "Tin nhắn bảo chuyển tiền vào tài khoản của người khác, không phải tài khoản của chính người xin "
            "tiền."
        ),
        negatable=True,
    ),
    _rule(
        "transfer", 0.2,
        (
            r"chuyen (?:khoan|tien|gap|giup|truoc|cho (?:em|chau|con|anh|chi|ban))",
            r"chuyen (?:\w+ ){1,3}(?:tien|khoan)\b",
            r"nop (?:tien|phat)",
            r"dong (?:tien|phat)",
            r"nap (?:tien|them|thu|toi thieu|\d)",
            r"muon (?:tam )?\d",
            r"(?:gui|dua) (?:\w+ ){0,3}\d+ ?(?:trieu|nghin|k)\b",
            r"chuyen (?:\w+ ){0,3}\d+ ?(?:trieu|nghin|k)\b",
            r"can (?:gap )?\d+ ?(?:trieu|nghin)",
            r"\b(?:dong|nop|tra|ung|thanh toan)(?: \w+){0,3} \d[\d.,]* ?(?:trieu|tr|nghin|ngan|k|d|dong|vnd)\b",
            r"(?:dong|nop) ngay",
            r"(?:gui|chuyen) tam \d",
            r"(?:chuyen|thanh toan) ngay (?:vao|qua)",
        ),
        "Tin nhắn đề nghị chuyển hoặc nộp tiền.",
        negatable=True,
    ),
    _rule(
        "fee", 0.35,
        (
            r"(?<!mien )(?<!chi )(?:phi|tien|le phi) (?:nhan (?:qua|giai|thuong|tien)|ho so|thu tuc|van chuyen|giao (?:hang|lai)|kich hoat|bao hiem|hai quan|thong quan|xac minh|khoi phuc|bao lanh|mo khoa|lam ho so)",
            r"(?:dong|nop|chuyen|thanh toan|tra) (?:phi )?truoc(?! (?:ngay|thu|\d|han|cuoi|tet|ki|ky|hoc|thang|tuan|gio|le|khi|buoi))",
            r"(?:phi|tien|coc|de) giu (?:cho|suat)",
            r"(?:dong|nop|chuyen) (?:\w+ ){0,2}phu phi",
            r"tam ung",
            r"(?:dong|nop|chuyen|tra)(?: \w+){0,3} \d[\d.,]* ?(?:k|nghin|ngan|trieu|d|dong)? (?:de )?(?:mua tai lieu|lam the|lam ho so|mo the|nhan viec|giu)",
            r"chuyen khoan (?:\w+ ){0,3}truoc",
            r"dat coc",
            r"\d+ ?% (?:phi |thue |tien )?truoc\b",
            r"de rut (?:\w+ ){0,3}(?:can|phai) (?:nop|dong|chuyen)",
            r"mat phi \d",
            r"(?:chuyen|nop|dong|tra|thanh toan)(?: \w+){0,3} (?:le )?phi (?!cuoc|sms|dich vu ngan hang)\w+",
            r"phi (?:vao nhom|tham gia|giu cho|luu kho)",
            r"(?:phi|tien|chuyen|nop|dong|chuyen khoan)(?: \w+){0,4},? de (?:duoc )?nhan (?:xe|qua|giai|thuong|tien|hang|luong|lai|ve)",
        ),
        (
            "Tin nhắn đòi nộp trước một khoản phí (phí nhận quà, phí hồ sơ, phí giao hàng…) — cách lừa đảo rất "
            "thường gặp."
        ),
        negatable=True,
    ),
    _rule(
        "app", 0.35,
        (
            r"(?:cai|tai)(?: dat| ve)? (?:app|ung dung|phan mem)",
            r"\.apk\b",
            r"file apk",
            r"ban apk",
            r"ho tro tu xa",
            r"anydesk|teamviewer|ultraviewer",
        ),
        (
            "Tin nhắn bảo cài ứng dụng qua đường link hoặc tệp .apk. Ứng dụng lạ có thể chiếm điện thoại và lấy "
            "tiền trong tài khoản."
        ),
        accented=(
            r"(?:cài|tải)(?: đặt| về)? (?:app|ứng dụng|phần mềm)",
            r"\.apk\b",
            r"file apk",
            r"bản apk",
            r"hỗ trợ từ xa",
            r"anydesk|teamviewer|ultraviewer",
        ),
        negatable=True,
    ),
    _rule(
        "secrecy", 0.35,
        (
            r"khong (?:duoc )?noi (?:voi|cho) (?:ai|con chau|nguoi nha|gia dinh)",
            r"giu bi mat",
            r"khong duoc cup may",
            r"khong cho ai biet",
            r"dung (?:bao|noi|ke) (?:voi |cho )?(?:ai|nguoi nha|gia dinh)",
        ),
        "Tin nhắn dặn giữ bí mật, không được kể với người nhà — kẻ lừa đảo sợ bạn hỏi người khác.",
    ),
    _rule(
        "guided", 0.25,
        (
            r"lam theo (?:huong dan|cac buoc)(?: \w+){0,2} (?:cua )?(?:em|toi|minh|nhan vien|chung toi)",
            r"lam theo (?:em|toi|minh) huong dan",
            r"lam theo huong dan (?:\w+ ){0,4}de (?:em|toi|minh|chung toi|ben em)",
        ),
        (
            "Người lạ hướng dẫn từng bước thao tác trên điện thoại hay ứng dụng ngân hàng — thực chất là để bạn "
            "tự chuyển tiền cho họ."
        ),
    ),
    _rule(
        "robocall", 0.3,
        r"(?:bam|nhan|an) (?:phim \d|\d (?:de|gap))",
        (
            "Cuộc gọi tự động bảo bấm phím để gặp «điều tra viên» hay «nhân viên» — cơ quan nhà nước không gọi tự"
            " động như vậy."
        ),
    ),
    _rule(
        "call_transfer", 0.35,
        r"chuyen may (?:cho|sang)(?: \w+){0,3} (?:cong an|can bo|dieu tra)",
        "Người gọi «chuyển máy» cho công an hoặc cán bộ điều tra — một kịch bản lừa đảo quen thuộc.",
    ),
    _rule(
        "online_work", 0.25,
        (
            r"lam viec (?:online|truc tuyen|qua (?:zalo|video|dien thoai))",
            r"qua zalo\b",
            r"ket ban zalo",
            r"qua video call",
            r"qua zalo (?:nhan vien|can bo)",
            r"zalo \d{4}",
            r"telegram",
            r"(?:len|tren|nhan|nhan tin|ket ban|add) (?:\w+ ){0,2}zalo",
            r"zalo (?:\w+ ){0,3}0\d{2}",
            r"nhan tin rieng",
            r"nhan tin (?:cho |rieng )?(?:minh|em|shop|chi|ad) (?:de|nhe|ngay|lay)",
            r"vao nhom (?:\w+ ){0,3}(?:de )?nhan",
        ),
        "Đòi làm việc qua Zalo, Telegram, gọi video. Cơ quan nhà nước mời làm việc bằng giấy mời, tại trụ sở.",
    ),
    _rule(
        "sms_command", 0.3,
        (
            r"soan tin (?:nhan )?theo (?:cu phap|huong dan)",
            r"gui (?:den |toi )?so 0\d",
            r"soan (?:tin )?[a-z0-9 ]{1,15} gui (?:den |toi )?(?:so |dau so )?0\d",
            r"nhan tin theo (?:noi dung|mau|cu phap)",
        ),
        "Tin nhắn bảo soạn tin nhắn theo cú pháp lạ — có thể là lệnh chuyển sim hoặc trừ tiền.",
    ),
    _rule(
        "call_number", 0.2,
        r"(?:lien he|goi|gap|nhan tin|ket ban|zalo)(?: \w+){0,4} 0\d{2,3}[\dx. ]",
        "Tin nhắn bảo gọi một số di động lạ thay vì tổng đài chính thức.",
        negatable=True,
    ),
    _rule(
        "recovery", 0.3,
        (
            r"lay lai (?:\w+ ){0,3}tien",
            r"lay lai 100",
            r"thu hoi (?:\w+ ){0,3}(?:tien|so tien)",
            r"nan nhan (?:cua |bi )?lua dao",
        ),
        "Hứa lấy lại tiền đã bị lừa — đây thường là lừa đảo lần hai.",
    ),
    _rule(
        "pay_or_else", 0.25,
        (
            r"neu khong (?:\w+ ){0,2}(?:thanh toan|nop|chuyen|dong|lien he|hop tac|cap nhat|xac minh|lam)",
            r"(?:muon|de) khong bi (?:\w+ ){0,4}thi",
        ),
        "Tin nhắn ép phải trả tiền hoặc làm theo, «nếu không» sẽ bị xử lý.",
    ),
    _rule(
        "urgency", 0.15,
        (
            r"trong (?:vong )?\d+ ?(?:gio|h|tieng|phut)\b",
            r"h hom nay",
            r"ngay lap tuc",
            r"(?:trong|ngay) (?:hom|ngay) nay",
            r"han cuoi",
            r"truoc \d+ ?h\b",
            r"khan cap",
            r"thong bao khan",
            r"chi (?:con )?hom nay",
            r"(?:chuyen|can|tien|viec|chuyen|mo|lam) gap",
            r"gap (?:lam|trong|nhe)",
            r"rat gap",
            r"ngay toi nay",
            r"truoc \d+ ?h",
            r"(?:toi|chieu|sang) nay (?:\w+ ){0,3}(?:se|bi)",
            r"(?:qua|het) han (?:se|thi)",
            r"trong ngay",
        ),
        "Tin nhắn giục làm gấp (trong vài giờ, ngay lập tức) để bạn không kịp suy nghĩ.",
        accented=(
            r"trong (?:vòng )?\d+ ?(?:giờ|h|tiếng|phút)\b",
            r"h hôm nay",
            r"ngay lập tức",
            r"(?:trong|ngay) (?:hôm|ngày) nay",
            r"hạn cuối",
            r"trước \d+ ?h\b",
            r"khẩn cấp",
            r"thông báo khẩn",
            r"chỉ (?:còn )?hôm nay",
            r"(?:chuyển|cần|tiền|việc|chuyện|mổ|làm|xin) gấp",
            r"gấp (?:lắm|trong|nhé)",
            r"rất gấp",
            r"ngay tối nay",
            r"trước \d+ ?h",
            r"(?:tối|chiều|sáng) nay (?:\w+ ){0,3}(?:sẽ|bị)",
            r"(?:quá|hết) hạn (?:sẽ|thì)",
            r"trong ngày",
        ),
    ),
    _rule(
        "threat", 0.2,
        (
            r"(?:se|bi|neu khong) (?:bi )?(?:khoa|cat dien|ngung cap dien|truy to|truy cuu|khoi to|phat|thu hoi|vo hieu hoa|dinh chi|cuong che|xoa|tuoc|khoi kien|bat|cat)",
            r"lenh bat",
            r"neu khong (?:se|ban|ong|ba|anh|chi|hop tac|lien he|thanh toan)",
            r"khong thi (?:se )?(?:bi|mat|cat|khoa|ho)",
            r"mat dien",
            r"(?:se|bi) (?:\w+ ){0,2}(?:tam khoa|ngat|ngung|tam dung|gian doan|trieu tap|thu hoi)",
            r"ngat (?:dien|nuoc|2 chieu|hai chieu)",
            r"cat nuoc",
            r"(?:de tranh|tranh) (?:bi |mat|gian doan)",
            r"khong la (?:\w+ ){0,3}bi",
            r"keo (?:mat|bi)",
            r"mat (?:suat|tai khoan|quyen loi)",
        ),
        "Tin nhắn dọa khóa tài khoản, cắt điện, phạt hoặc bắt giữ để làm bạn sợ.",
    ),
    _rule(
        "prize", 0.3,
        (
            r"trung (?:thuong|giai)",
            r"(?:da|ban) trung (?:\d+|mot) ",
            r"nhan qua",
            r"qua tang",
            r"qua tri an",
            r"tri an khach hang",
            r"khach hang may man",
            r"nguoi may man",
            r"nhan thuong",
            r"duoc chon (?:nhan|tham gia|lam)",
            r"phan qua",
            r"li xi",
            r"phieu mua hang",
            r"diem thuong",
            r"duoc tang \d",
            r"duoc chon la (?:\w+ ){0,3}(?:khach hang|nguoi|1 trong|mot trong)",
            r"khach hang than thiet",
            r"voucher",
            r"doi (?:qua|thuong)",
            r"duoc tang (?:\w+ ){0,2}(?:mot|1) ",
        ),
        "Tin nhắn báo trúng thưởng hoặc được tặng quà, tặng tiền mà bạn không hề tham gia.",
        accented=(
            r"trúng (?:thưởng|giải)",
            r"trúng (?:\d+|một) ",
            r"nhận quà",
            r"quà tặng",
            r"quà tri ân",
            r"tri ân khách hàng",
            r"khách hàng may mắn",
            r"người may mắn",
            r"nhận thưởng",
            r"được chọn (?:nhận|tham gia|làm)",
            r"phần quà",
            r"lì xì",
            r"phiếu mua hàng",
            r"điểm thưởng",
            r"được tặng \d",
            r"được chọn là (?:\w+ ){0,3}(?:khách hàng|người|1 trong|một trong)",
            r"khách hàng thân thiết",
            r"voucher",
            r"đổi (?:quà|thưởng)",
            r"được tặng (?:\w+ ){0,2}(?:một|1) ",
        ),
    ),
    _rule(
        "job", 0.3,
        (
            r"viec nhe",
            r"cong tac vien",
            r"\bctv\b",
            r"lam nhiem vu",
            r"nhiem vu online",
            r"tha tim",
            r"like video",
            r"danh gia (?:san pham|5 sao|nam sao)",
            r"(?:nhan|kem|huong|them) hoa hong",
            r"hoa hong \d",
            r"\d+ ?% hoa hong",
            r"theo doi kenh",
            r"lam (?:viec )?tai nha",
            r"moi (?:trang|don|nhiem vu|video|luot) \d+ ?k\b",
            r"\d+ ?k ?/ ?ngay",
            r"\d+ ?k\s?-\s?\d+ ?(?:tr|trieu) ?/ ?ngay",
            r"tuyen (?:\w+ ){0,3}(?:nhan vien|nguoi|ctv|cong tac vien)(?: \w+){0,6} (?:tai nha|online|tren app|thu nhap)",
            r"khong can (?:von|thi|bang cap)",
            r"tang tuong tac",
            r"trung tuyen",
            r"xuat khau lao dong",
            r"rut (?:lien|ngay)",
            r"moi buoi \d",
            r"\d+ ?k? ?- ?\d+ ?(?:k|trieu) ?/ ?(?:ngay|buoi)",
        ),
        (
            "Lời mời «việc nhẹ lương cao», làm nhiệm vụ, thả tim, đánh giá sản phẩm để nhận hoa hồng — thường bắt"
            " nạp tiền trước rồi chiếm đoạt."
        ),
        accented=(
            r"việc nhẹ",
            r"cộng tác viên",
            r"\bctv\b",
            r"làm nhiệm vụ",
            r"nhiệm vụ online",
            r"thả tim",
            r"like video",
            r"đánh giá (?:sản phẩm|5 sao|năm sao)",
            r"(?:nhận|kèm|hưởng|thêm) hoa hồng",
            r"hoa hồng \d",
            r"\d+ ?% hoa hồng",
            r"theo dõi kênh",
            r"làm (?:việc )?tại nhà",
            r"mỗi (?:trang|đơn|nhiệm vụ|video|lượt) \d+ ?k\b",
            r"bao đỗ",
            r"bao đậu",
            r"\d+ ?k ?/ ?ngày",
            r"\d+ ?k\s?-\s?\d+ ?(?:tr|triệu) ?/ ?ngày",
            r"tuyển (?:\w+ ){0,3}(?:nhân viên|người|ctv|cộng tác viên)(?: \w+){0,6} (?:tại nhà|online|trên app|thu nhập)",
            r"không cần (?:vốn|thi|bằng cấp)",
            r"tăng tương tác",
            r"trúng tuyển",
            r"xuất khẩu lao động",
            r"rút (?:liền|ngay)",
            r"mỗi buổi \d",
            r"\d+ ?k? ?- ?\d+ ?(?:k|triệu) ?/ ?(?:ngày|buổi)",
        ),
    ),
    _rule(
        "easy_money", 0.35,
        (
            r"viec nhe luong cao",
            r"nap \d+ ?\w* nhan (?:ve|lai)",
            r"lam cang nhieu",
            r"khong can kinh nghiem",
            r"don hang ao",
            r"hoan (?:lai )?(?:goc|von)",
            r"(?:cong|kem) (?:them )?\d+ ?% (?:hoa hong|tien)",
            r"nap \d+ ?\w* nhan \d",
            r"hoan (?:tien )?100 ?%",
        ),
        "Hứa kiếm tiền dễ dàng, nạp ít nhận nhiều — không có việc làm thật nào như vậy.",
    ),
    _rule(
        "deepfake", 0.35,
        (
            r"mang yeu",
            r"mat song",
            r"tat video",
            r"khong (?:goi|nghe) (?:video|may)? ?duoc",
            r"hinh (?:mo|giat)",
            r"(?:video call|goi video) (?:\d+|vai) giay",
            r"giong (?:bi |hoi )?khan",
            r"mat dien thoai",
            r"dung goi (?:lai )?so cu",
            r"dang hop khong (?:tien|nghe)",
            r"khong tien goi",
            r"doi so (?:moi|roi|dien thoai)",
            r"luu (?:lai )?so (?:nay|moi)",
            r"muon (?:may|dien thoai) (?:cua )?\w+",
            r"dien thoai (?:\w+ ){0,2}(?:hong|vo|bi mat|bi hack|het pin)",
            r"nho (?:em|chau|minh|toi) nhan",
        ),
        (
            "Dấu hiệu cuộc gọi giả mạo: gọi video rất ngắn, hình mờ, kêu mạng yếu rồi nhắn xin tiền. Kẻ gian có "
            "thể giả khuôn mặt, giọng nói người thân."
        ),
        accented=(
            r"mạng yếu",
            r"mất sóng",
            r"tắt video",
            r"không (?:gọi|nghe) (?:video|máy)? ?được",
            r"hình (?:mờ|giật)",
            r"(?:video call|gọi video) (?:\d+|vài) giây",
            r"giọng (?:bị |hơi )?khàn",
            r"mất điện thoại",
            r"đừng gọi (?:lại )?số cũ",
            r"đang họp không (?:tiện|nghe)",
            r"không tiện gọi",
            r"đổi số (?:mới|rồi|điện thoại)",
            r"lưu (?:lại )?số (?:này|mới)",
            r"mượn (?:máy|điện thoại) (?:của )?\w+",
            r"điện thoại (?:\w+ ){0,2}(?:hỏng|vỡ|bị mất|bị hack|hết pin)",
            r"nhờ (?:em|cháu|mình|tôi) nhắn",
        ),
    ),
    _rule(
        "emergency", 0.25,
        (
            r"cap cuu",
            r"tai nan",
            r"mo gap",
            r"phau thuat",
            r"vien phi",
            r"mat vi",
            r"khong co tien ve",
            r"nam vien",
            r"tien mo",
            r"xe dam",
            r"bi cong an giu",
            r"(?:o|tai) don cong an",
            r"ket o \w+",
            r"bi giu ho chieu",
            r"tien chuoc",
            r"gap chuyen gap",
            r"nga xe",
            r"(?:dang o|nhap|dua vao|cho vao) (?:benh vien|vien)",
            r"danh nhau",
            r"bi giu (?:lai|o)",
        ),
        "Tin nhắn báo người thân gặp nạn (cấp cứu, tai nạn, bị giữ) để xin tiền gấp.",
        accented=(
            r"cấp cứu",
            r"tai nạn",
            r"mổ gấp",
            r"phẫu thuật",
            r"viện phí",
            r"mất ví",
            r"không có tiền về",
            r"nằm viện",
            r"tiền mổ",
            r"xe đâm",
            r"xe tông",
            r"bị công an giữ",
            r"(?:ở|tại) đồn công an",
            r"kẹt ở \w+",
            r"bị giữ hộ chiếu",
            r"tiền chuộc",
            r"gặp chuyện gấp",
            r"ngã xe",
            r"(?:đang ở|nhập|đưa vào|cho vào) (?:bệnh viện|viện)",
            r"đánh nhau",
            r"bị giữ (?:lại|ở)",
        ),
    ),
    _rule(
        "investment", 0.4,
        (
            r"dau tu (?:tien ao|vang|chung khoan|bat dong san ao|cung chuyen gia|forex|coin)",
            r"tien ao",
            r"san (?:dau tu|giao dich|chung khoan quoc te|vang quoc te)",
            r"gop von",
            r"nhan tin hieu",
            r"de rut",
            r"rut tien bat ky",
            r"ma co phieu",
            r"chuyen gia tai chinh",
            r"tro ly (?:cua )?(?:chuyen gia|thay|co)",
            r"nhom (?:kin|zalo|telegram|vip)(?: \w+){0,4} (?:dau tu|chung khoan|co phieu|tien ao|coin|lai)",
            r"khuyen nghi (?:ma|co phieu|mien phi)",
            r"tang tran",
            r"phan tich ma",
            r"choi game (?:\w+ ){0,2}nap",
        ),
        "Lời mời đầu tư qua mạng, tiền ảo, sàn quốc tế — kẻ gian cho lãi ảo lúc đầu rồi chiếm đoạt tiền nạp.",
    ),
    _rule(
        "high_return", 0.3,
        (
            r"lai(?: suat)? \d+ ?% ?(?:/ ?|moi |mot |sau \d+ )(?:thang|ngay|tuan)",
            r"(?:ca nhom|tuan truoc|hom qua|thang truoc) (?:\w+ )?lai \d",
            r"lai ngay",
            r"lai cao lam",
            r"cam ket khong lo",
            r"cam ket (?:hoan von|loi nhuan|lai)",
            r"loi nhuan cao",
            r"\bx ?\d+ (?:tai khoan|von|tien)",
            r"nhan (?:\d+|doi|ba) lan",
            r"chuyen gia (?:huong dan|phan tich)",
            r"1 kem 1",
            r"chac (?:thang|an)",
            r"lai moi ngay",
            r"keo (?:bong|thom|chac)",
            r"(?:thang|tuan) (?:roi|truoc) (?:\w+ ){0,2}lai (?:hon |duoc )?\d",
            r"lai \d+ ?(?:- ?\d+ ?)?% (?:moi|mot) (?:tuan|ngay|thang)",
        ),
        "Hứa lãi rất cao, «cam kết không lỗ» — không có khoản đầu tư thật nào như vậy.",
        accented=(
            r"lãi(?: suất)? \d+ ?% ?(?:/ ?|mỗi |một |sau \d+ )(?:tháng|ngày|tuần)",
            r"(?:cả nhóm|tuần trước|hôm qua|tháng trước) (?:\w+ )?lãi \d",
            r"lãi ngày",
            r"lãi cao",
            r"cam kết không lỗ",
            r"cam kết (?:hoàn vốn|lợi nhuận|lãi)",
            r"lợi nhuận cao",
            r"không lỗ",
            r"\bx ?\d+ (?:tài khoản|vốn|tiền)",
            r"nhân (?:\d+|đôi|ba) lần",
            r"chuyên gia (?:hướng dẫn|phân tích)",
            r"1 kèm 1",
            r"chắc (?:thắng|ăn)",
            r"lãi mỗi ngày",
            r"kèo (?:bóng|thơm|chắc)",
            r"(?:tháng|tuần) (?:rồi|trước) (?:\w+ ){0,2}lãi (?:hơn |được )?\d",
            r"lãi \d+ ?(?:- ?\d+ ?)?% (?:mỗi|một) (?:tuần|ngày|tháng)",
        ),
    ),
    _rule(
        "romance", 0.3,
        (
            r"hai quan giu",
            r"phi hai quan",
            r"phi thong quan",
            r"gian khoan",
            r"kien hang",
            r"bac si quan y",
            r"qua (?:\w+ ){0,3}\d[\d.,]* ?usd",
            r"van chuyen quoc te",
            r"quen nhau qua",
            r"ket ban qua (?:nhom|mang|facebook|zalo|tiktok)",
            r"gui tang (?:\w+ ){0,4}(?:qua|usd|do la)",
        ),
        "Câu chuyện quà gửi từ nước ngoài, phí hải quan, người quen qua mạng nhờ đóng tiền.",
        accented=(
            r"hải quan giữ",
            r"phí hải quan",
            r"phí thông quan",
            r"giàn khoan",
            r"kiện hàng",
            r"bác sĩ quân y",
            r"quà (?:\w+ ){0,3}\d[\d.,]* ?usd",
            r"vận chuyển quốc tế",
            r"quen nhau qua",
            r"kết bạn qua (?:nhóm|mạng|facebook|zalo|tiktok)",
            r"gửi tặng (?:\w+ ){0,4}(?:quà|usd|đô la)",
        ),
    ),
    _rule(
        "delivery", 0.2,
        (
            r"(?:don hang|buu pham|buu kien)(?: \w+){0,4} (?:chua nhan|bi hoan|bi giu|that lac)",
            r"giao lai",
            r"bi giu tai kho",
        ),
        "Tin nhắn về đơn hàng, bưu phẩm bị giữ hoặc thất lạc để đòi phí hay thông tin.",
        accented=(
            r"(?:đơn hàng|bưu phẩm|bưu kiện)(?: \w+){0,4} (?:chưa nhận|bị hoàn|bị giữ|thất lạc)",
            r"giao lại",
            r"bị giữ tại kho",
        ),
    ),
    _rule(
        "refund", 0.2,
        (
            r"hoan (?:lai )?(?:tien|phi)",
            r"hoan thue",
            r"tien thua",
            r"nop thua",
            r"nhan lai (?:\w+ ){0,2}tien",
        ),
        "Tin nhắn hứa hoàn tiền, hoàn thuế — mồi nhử để bạn bấm link hoặc cung cấp thông tin.",
        accented=(
            r"hoàn (?:lại )?(?:tiền|phí)",
            r"hoàn thuế",
            r"tiền (?:\w+ ){0,2}thừa",
            r"nộp thừa",
            r"nhận lại (?:\w+ ){0,2}tiền",
        ),
    ),
    _rule(
        "sim", 0.25,
        (
            r"khoa sim",
            r"khoa (?:2|hai) chieu",
            r"thu hoi (?:sim|so)",
            r"cat sim",
            r"doi sim",
            r"nang cap (?:len )?5g",
            r"trung thong tin",
            r"sim (?:\w+ ){0,5}(?:bi|se bi) (?:khoa|thu hoi|cat)",
            r"chuan hoa (?:thong tin|thue bao)",
            r"chua (?:dang ky )?chinh chu",
            r"(?:duoc|de) giu (?:lai )?so",
        ),
        "Tin nhắn dọa khóa sim hoặc bảo đổi, nâng cấp sim theo cú pháp lạ.",
    ),
    _rule(
        "vneid", 0.2,
        (
            r"cap nhat dinh danh",
            r"tich hop vneid",
            r"vneid (?:moi|ban moi)",
            r"(?:dinh danh|vneid)(?: \w+){0,4} (?:het han|bi khoa|bi loi|loi)",
        ),
        (
            "Tin nhắn nói về cập nhật, tích hợp VNeID qua người lạ. Việc này chỉ làm trên ứng dụng VNeID chính "
            "thức hoặc tại công an xã, phường."
        ),
    ),
    _rule(
        "loan", 0.2,
        (
            r"giai ngan",
            r"vay (?:tien )?nhanh",
            r"khong can (?:the chap|chung minh thu nhap)",
            r"duyet vay",
            r"khoan vay (?:\d|da duoc duyet)",
            r"vay uu dai",
            r"ho tro vay",
            r"lai (?:suat )?0 ?%",
            r"khong (?:can )?tham dinh",
            r"(?:ho so|vay) (?:\w+ ){0,3}duoc duyet",
            r"duyet (?:trong ngay|ngay|nhanh)",
            r"chi can (?:cccd|can cuoc|cmnd)",
        ),
        "Lời mời vay tiền nhanh, dễ dàng — thường đòi nộp phí trước rồi chiếm đoạt.",
    ),
    _rule(
        "account_locked", 0.2,
        (
            r"(?:tai khoan|thue bao|zalo|facebook|trang|can cuoc|cccd|dinh danh|so dien thoai|the)(?: \w+){0,5} (?:bi|se bi) (?:tam )?(?:khoa|vo hieu hoa|xoa|dong bang|hack)",
            r"dang nhap (?:bat thuong|la)",
            r"giao dich (?:dang ngo|la)",
            r"bi tru (?:\w+ ){0,2}\d",
            r"bi tru tien",
            r"(?:dang )?bi tam khoa",
            r"giao dich bat thuong",
            r"tam dung giao dich",
        ),
        "Tin nhắn báo tài khoản bị khóa, bị xâm nhập hoặc có giao dịch lạ để bạn hoảng và làm theo.",
    ),
    _rule(
        "mistaken_transfer", 0.45,
        (
            r"(?:chuyen|gui|chuyen khoan) nham",
            r"nham (?:\w+ ){0,2}vao (?:tai khoan|so)",
            r"chuyen (?:coc |tien )?(?:du|thua) \d",
            r"(?:hoan|tra|chuyen|chuyen khoan) lai (?:giup )?(?:\w+ ){0,3}(?:phan du|so du|tien thua)",
        ),
        (
            "Người lạ báo «chuyển nhầm tiền» rồi nhờ bạn chuyển trả, nhất là vào một số tài khoản khác. Tiền chuyển "
            "nhầm thật chỉ nên trả lại qua ngân hàng."
        ),
    ),
    _rule(
        "accused", 0.3,
        (
            r"lien quan (?:den |toi )?(?:\w+ ){0,3}(?:vu an|duong day|rua tien|ma tuy|buon lau|danh bac|lua dao)",
            r"dung vao (?:viec|muc dich) (?:\w+ ){0,2}(?:danh bac|rua tien|lua dao|phi phap)",
            r"thu ly ho so",
            r"giay trieu tap",
            r"bi (?:nghi|nghi ngo) (?:lien quan|rua tien)",
        ),
        "Tin nhắn nói bạn dính vào vụ án (rửa tiền, ma túy, cờ bạc) để làm bạn sợ. Cơ quan thật gửi giấy mời, không báo qua điện thoại.",
    ),
    _rule(
        "assets", 0.4,
        (
            r"ke khai (?:\w+ ){0,3}(?:tai san|so du|tien)",
            r"(?<!dam )\b(?:cho|doc|bao|cung cap|gui)(?: \w+){0,4} so du(?! \d| kha dung)",
            r"sao ke (?:\w+ ){0,3}(?:gui|cho)",
        ),
        "Tin nhắn đòi kê khai tài sản, số dư tài khoản. Cơ quan thật không hỏi những điều này qua điện thoại, tin nhắn.",
        negatable=True,
    ),
    _rule(
        "windfall", 0.2,
        (
            r"(?:duoc|nhan|co) (?:\w+ ){0,3}(?:hoc bong|tro cap|ho tro hoc tap|boi thuong|khoan hoan|hoan phi)(?: \w+){0,3} \d",
            r"khoan (?:\w+ ){0,3}chua (?:nhan|linh)",
            r"de (?:duoc )?nhan (?:boi thuong|tien ho tro|tro cap|hoc bong)",
            r"lam thu tuc nhan tien",
        ),
        "Tin nhắn báo bạn được nhận một khoản tiền (học bổng, trợ cấp, bồi thường) — mồi nhử để đòi thông tin hay phí.",
    ),
    _rule(
        "apk_file", 0.55,
        r"\w\.apk\b",
        "Tin nhắn gửi tệp cài đặt .apk. Mở tệp này có thể cài ứng dụng lạ chiếm điện thoại và lấy tiền trong tài khoản.",
    ),
    _rule(
        "qr", 0.25,
        r"quet (?:ma )?qr (?:\w+ ){0,3}(?:gui|nhan|ben duoi|sau|nay)",
        "Tin nhắn bảo quét mã QR do người lạ gửi — mã có thể dẫn tới trang giả hoặc lệnh chuyển tiền.",
        negatable=True,
    ),
    _rule(
        "link_word", 0.3,
        (
            r"(?:dang nhap|xac thuc|xac minh|cap nhat|xac nhan|khang nghi|dang ky|dien|nhap|cai(?: dat)?|tai|truy cap|bam|nhan)(?: \w+){0,6} (?:tai |theo |vao |qua )?(?:duong link|link|lien ket|duong dan (?:sau|nay|ben duoi|(?:em|minh|toi|chung toi) gui))\b",
            r"(?:link|lien ket)(?: \w+){0,4} (?:de|va) (?:dang nhap|xac thuc|xac minh|cap nhat|xac nhan|nhan|dien|nhap)",
        ),
        "Tin nhắn bảo bấm vào đường link để đăng nhập, xác thực hay nhận tiền. Cơ quan, ngân hàng thật không làm vậy.",
        negatable=True,
    ),
)

# Who the sender pretends to be, and the reason shown when that sender also demands something.
_AUTHORITIES: tuple[tuple[str, re.Pattern, str], ...] = (
    ("công an", _rx(r"cong an|canh sat|xuat nhap canh|\bcsgt\b|dieu tra vien|co quan dieu tra|thuong uy|dai uy|trung ta|thieu ta"),
     "Công an thật không làm việc, không đòi tiền hay thông tin qua điện thoại, tin nhắn, Zalo."),
    ("cơ quan thuế", _rx(r"co quan thue|cuc thue|can bo thue|\bthue\b.{0,20}(?:no|phat|hoan)"),
     "Cơ quan thuế thật không gửi đường link lạ, không thu tiền vào tài khoản cá nhân."),
    ("điện lực", _rx(r"\bevn\w*|dien luc|cong ty dien|tien dien"),
     "Điện lực thật không thu tiền qua tài khoản cá nhân, không dọa cắt điện qua tin nhắn có đường link."),
    ("ngân hàng", _rx(r"ngan hang|vietcombank|\bvcb\b|\bbidv\b|agribank|techcombank|vpbank|\bacb\b|\bmb\b|mb bank|sacombank|tpbank|vietinbank"),
     "Ngân hàng thật không gọi hỏi mã OTP, mật khẩu, không gửi link bắt đăng nhập."),
    ("VNeID", _rx(r"vneid|dinh danh"),
     "VNeID chỉ cập nhật trên ứng dụng chính thức hoặc tại công an xã, phường, không qua link hay người lạ."),
    ("tòa án, viện kiểm sát", _rx(r"toa an|vien kiem sat|\bvksnd\b|tham phan|kiem sat vien"),
     "Tòa án, viện kiểm sát thật gửi giấy triệu tập, không gọi điện đòi tiền bảo lãnh."),
    ("nhà trường", _rx(r"nha truong|phong tai vu|giao vien chu nhiem|\bso gd|hieu truong|phong dao tao"),
     "Nhà trường thật thu tiền qua tài khoản của trường hoặc tại phòng tài vụ, không qua tài khoản cá nhân."),
    ("bệnh viện", _rx(r"benh vien|bac si"),
     "Bệnh viện thật không nhắn xin tiền mổ vào tài khoản cá nhân; hãy gọi người nhà bằng số quen để hỏi."),
    ("công ty, tổng đài", _rx(r"tong dai|cham soc khach hang|bo phan (?:ho tro|ky thuat|cskh|nhan su)|trung tam (?:bao hanh|ho tro)|ban quan ly|cong ty (?:tai chinh|cap nuoc|van chuyen|giao nhan)|quy ho tro|van phong luat|luat su|hang (?:bay|hang khong)|vietnam airlines|dien may|to cong tac|chuyen vien|cap nuoc|nhan vien|quan ly nhan su"),
     "Công ty, tổng đài thật không đòi chuyển tiền vào tài khoản cá nhân, không hỏi mã OTP hay số thẻ qua điện thoại."),
    ("cơ quan nhà nước", _rx(r"bao hiem xa hoi|\bbhxh\b|dich vu cong|so lao dong|so y te|phong giao duc|nha mang|viettel|mobifone|vinaphone|shopee|lazada|tiki|\bsan thuong mai|\bso (?:tai nguyen|tu phap|giao duc|ke hoach|noi vu|tai chinh)|\bubnd\b|quan ly thi truong|hai quan|buu dien|\bcan bo\b"),
     "Cơ quan nhà nước, nhà mạng thật không đòi tiền hay mã OTP qua tin nhắn."),
)
# Pairs of flags that together are a known script: each pair adds a bonus and says which script it is.
_COMBOS: tuple[tuple[frozenset, float, str], ...] = (
    (frozenset({"emergency", "transfer"}), 0.2,
     "Báo tin người thân gặp nạn rồi xin tiền ngay — kịch bản lừa đảo «người thân cấp cứu» rất hay gặp."),
    (frozenset({"deepfake", "transfer"}), 0.2,
     "Gọi video chập chờn rồi xin chuyển tiền — kịch bản giả mạo người quen bằng công nghệ deepfake."),
    (frozenset({"prize", "transfer"}), 0.2,
     "Báo trúng thưởng nhưng lại đòi bạn chuyển tiền trước — quà thật không bao giờ bắt trả tiền trước."),
    (frozenset({"job", "transfer"}), 0.2,
     "Mời làm việc nhưng lại bắt nạp hoặc chuyển tiền trước — việc làm thật không bắt người lao động trả tiền."),
    (frozenset({"account_locked", "call_number"}), 0.2,
     "Báo tài khoản bị trừ tiền hay bị khóa rồi bảo gọi một số di động lạ — tổng đài ngân hàng thật in trên thẻ, thường là số 1800, 1900."),
    (frozenset({"refund", "guided"}), 0.2,
     "Hứa hoàn tiền rồi hướng dẫn thao tác trên ứng dụng ngân hàng — thực chất là bạn tự chuyển tiền đi."),
)

_DEMAND_KEYS = {"guided", "otp_after", "robocall", "sms_command", "call_number", "pay_or_else", "otp", "password", "card", "identity_photo", "safe_account", "other_account", "transfer", "fee", "app",
                "call_transfer", "online_work", "link", "assets", "link_word", "qr", "apk_file", "mistaken_transfer"}

# Families of weaker signals: a genuine notice rarely shows three of them at once.
_FAMILIES: tuple[tuple[str, frozenset], ...] = (
    ("giục gấp hoặc đe dọa", frozenset({"urgency", "threat", "account_locked", "secrecy", "pay_or_else", "accused"})),
    ("đòi tiền", frozenset({"transfer", "fee", "other_account", "safe_account", "mistaken_transfer"})),
    ("đòi mã, mật khẩu, giấy tờ", frozenset({"otp", "otp_after", "password", "card", "identity_photo", "assets"})),
    ("kéo sang Zalo, số lạ, đường link hay ứng dụng lạ",
     frozenset({"online_work", "call_number", "sms_command", "qr", "link", "link_word", "app", "apk_file", "robocall",
                "call_transfer", "guided"})),
    ("mồi nhử (quà, việc làm, tiền hỗ trợ, lãi cao)",
     frozenset({"prize", "job", "easy_money", "loan", "refund", "windfall", "investment", "high_return", "romance",
                "recovery", "emergency", "deepfake"})),
)
_FAMILY_BONUS = {3: 0.1, 4: 0.2, 5: 0.3, 6: 0.3}

# Signs of a genuine notice: advice against scams.
_WARNING = _rx(
    r"\b(?:khuyen cao|canh giac|canh bao|tuyet doi khong (?!noi)|khong (?:duoc )?(?:cung cap|chia se)|khong bao gio|khong yeu cau"
    r"|khong bam|khong cai|khong chuyen tien|khong thu (?:tien|qua|phi)|khong phai nop|la lua dao|thu doan|gia danh (?:can bo|cong an|nhan vien|co quan|ngan hang|nguoi|giao vien)|mao danh"
    r"|khong gui (?:duong )?link|khong (?:tra cuu|truy cap) qua|tu xung|xung la|(?:thi|hay) cup may"
    r"|goi lai (?:so|cho) (?:quen|chinh thuc|nguoi than)|kiem tra truoc khi|de xac minh truoc)\b"
)
# Signs of an ordinary notice: a balance change, payment in person, a routine sum between people who know each other.
_GENUINE: tuple[tuple[_Fast, float, str], ...] = (
    (_rx(r"(?:\bsd\b|so du(?: kha dung| cuoi| tai khoan)?):? ?\d[\d.,]{3,}"), 0.35,
     "Tin nhắn có dạng thông báo biến động số dư của ngân hàng, chỉ báo tiền vào, tiền ra, không đòi bạn làm gì."),
    (_rx(r"(?:nop|dong|thu|nhan|den)(?: \w+){0,4} (?:truc tiep|tai (?:phong (?:tai vu|ke toan)|quay|tru so|bo phan mot cua|diem thu|buu cuc|lop))"), 0.25,
     "Tin nhắn hướng dẫn nộp tiền, làm thủ tục trực tiếp tại trụ sở, quầy, phòng tài vụ — cách làm của nơi thật."),
    (_rx(r"nhu (?:thang truoc|moi khi|moi lan|lan truoc|moi thang|thuong le)"), 0.2,
     "Tin nhắn nhắc một khoản tiền quen thuộc «như mọi khi» giữa người quen."),
)
_NEGATION_VI = re.compile(r"\b(?:không|đừng|chẳng|chớ|chưa bao giờ)\b")
_NEGATION_FLAT = re.compile(r"\b(?:khong|chang)\b|\bdung (?:co )?$")
_NOT_NEGATION = re.compile(r"\b(?:neu|nếu) (?:khong|không)\b")
_CLAUSE_END = re.compile(r"[.,;:!?\n]|\bth[iì]\b")

# Links: host names with a known top-level domain.
_HOST = _rx(
    r"(?:https?://)?(?<![a-z0-9.-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
    r"(?:com|net|org|vn|xyz|top|click|online|vip|site|info|ly|me|io|co|cc|live|shop|club|app|link|gd|gl|tk|ml|ga|cf|biz|asia|icu|buzz|store|pro|in))"
    r"(?![a-z0-9-])(/[^\s]*)?"
)
_TLD_HINT = re.compile(r"\.(?:com|net|org|vn|xyz|top|click|online|vip|site|info|ly|me|io|co|cc|live|shop|club|app|link|gd|gl|tk|ml|ga|cf|biz|asia|icu|buzz|store|pro|in)(?![a-z0-9-])")
_SHORTENERS = {"bit.ly", "tinyurl.com", "cutt.ly", "t.ly", "goo.gl", "is.gd", "rb.gy", "shorturl.at", "tiny.cc", "t.co",
               "s.id", "ow.ly", "rebrand.ly", "bom.so", "bitly.com"}
_RISKY_TLDS = {"xyz", "top", "click", "online", "vip", "site", "info", "live", "shop", "club", "link", "tk", "ml", "ga",
               "cf", "icu", "buzz", "store"}
_OFFICIAL = {
    "vneid.gov.vn", "dichvucong.gov.vn", "chinhphu.vn", "csgt.vn", "evn.com.vn", "evnhanoi.vn", "evnhcmc.vn", "evnnpc.com.vn",
    "evncpc.com.vn", "cpc.vn", "evnspc.vn", "vietcombank.com.vn", "bidv.com.vn", "agribank.com.vn", "techcombank.com",
    "techcombank.com.vn", "vpbank.com.vn", "acb.com.vn", "mbbank.com.vn", "sacombank.com", "sacombank.com.vn", "tpb.vn",
    "vietinbank.vn", "vnpost.vn", "ghn.vn", "ghtk.vn", "viettelpost.com.vn", "viettel.vn", "vinaphone.com.vn",
    "mobifone.vn", "zalo.me", "shopee.vn", "lazada.vn", "tiki.vn", "vietnamairlines.com", "baohiemxahoi.gov.vn",
    "momo.vn", "facebook.com",
}
_BRANDS = ("vneid", "gov", "evn", "dienluc", "vietcombank", "vcb", "bidv", "agribank", "techcombank", "vpbank", "acb",
           "mbbank", "sacombank", "tpbank", "vietinbank", "thue", "gdt", "dichvucong", "bocongan", "congan", "csgt",
           "shopee", "lazada", "zalo", "facebook", "meta", "viettel", "vinaphone", "mobifone", "momo", "baohiem", "bhxh",
           "vnpost", "ghn", "ghtk", "toaan", "tongcucthue")


_BRAND_NAMES = {"gov": "cơ quan nhà nước", "evn": "EVN", "vneid": "VNeID", "vcb": "Vietcombank", "bidv": "BIDV",
                "acb": "ACB", "gdt": "Tổng cục Thuế", "thue": "cơ quan thuế", "tongcucthue": "Tổng cục Thuế",
                "dichvucong": "Dịch vụ công", "bocongan": "Bộ Công an", "congan": "công an", "csgt": "CSGT",
                "bhxh": "BHXH", "baohiem": "bảo hiểm", "toaan": "tòa án", "dienluc": "điện lực", "ghn": "GHN",
                "ghtk": "GHTK", "vnpost": "VNPost", "momo": "MoMo"}


_LINK_ACTION = _rx(r"(?:dang nhap|xac thuc|xac minh|cap nhat|xac nhan|khang nghi|dien|nhap|nhan (?:tien|qua|thuong|lai|ho tro))")


def _registered(host: str) -> str:
    parts = host.split(".")
    if len(parts) >= 3 and parts[-2] in {"gov", "com", "edu", "org", "net"} and parts[-1] == "vn":
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def _link_flags(flat: str) -> tuple[float, list[str], list[str]]:
    """Weight and reasons for the links in the text; the second list holds reassuring reasons."""
    worst, reasons, official = 0.0, [], []
    if not _TLD_HINT.search(flat):
        return worst, reasons, official
    action = _LINK_ACTION.search(flat) is not None  # once, not once per link: linear in the text
    for match in _HOST.finditer(flat):
        host, path = match.group(1), match.group(2) or ""
        host = host.removeprefix("www.")
        reg = _registered(host)
        if host == "gov.vn" or host.endswith(".gov.vn") or reg in _OFFICIAL:
            official.append(f"Đường link {host} là trang chính thức.")
            continue
        weight, reason = 0.0, ""
        squashed = host.replace("-", "").replace(".", "")
        brand = next((b for b in sorted(_BRANDS, key=len, reverse=True) if b in squashed), None)
        if path.endswith(".apk"):
            weight, reason = 0.55, f"Đường link {host} tải về tệp cài đặt .apk — ứng dụng lạ có thể lấy cắp tiền và dữ liệu."
        elif reg in _SHORTENERS:
            weight, reason = 0.5, f"Tin nhắn có đường link rút gọn ({host}), không biết sẽ dẫn đến trang nào."
        elif brand:
            weight, reason = 0.55, (f"Đường link {host} giả tên «{_BRAND_NAMES.get(brand, brand)}» nhưng không phải trang chính thức "
                                    "(trang của cơ quan nhà nước có đuôi .gov.vn).")
        elif reg.rsplit(".", 1)[-1] in _RISKY_TLDS:
            weight, reason = 0.5, f"Đường link {host} có đuôi lạ, không phải trang chính thức của cơ quan hay ngân hàng nào."
        elif action:
            weight, reason = 0.4, (f"Tin nhắn bảo vào đường link {host} để đăng nhập, điền thông tin hay nhận tiền, "
                                   "nhưng đó không phải trang chính thức của cơ quan hay ngân hàng nào.")
        if weight > worst:
            worst, reasons = weight, [reason]
    return worst, reasons, official


# Chat shorthand and teen code spelled out, so "ck 3tr vào stk" reads like "chuyển khoản 3 triệu vào số tài khoản".
_SHORTHAND: tuple[tuple[re.Pattern, str], ...] = tuple((re.compile(pattern), words) for pattern, words in (
    (r"\bstk\b", "số tài khoản"),
    (r"\b(?:tk|acc)\b", "tài khoản"),
    (r"\bck\b", "chuyển khoản"),
    (r"\bbank(?= (?:cho|giúp|giup|qua|vào|vao|trước|truoc|lại|lai|gấp|gap)\b)", "chuyển khoản"),
    (r"\b(?:mk|pass)\b", "mật khẩu"),
    (r"\b(?:sđt|sdt)\b", "số điện thoại"),
    (r"\b(?:ib|inbox|ibx)\b", "nhắn tin"),
    (r"\bzl\b", "zalo"),
    (r"\b(?:ko|hok|hông)\b", "không"),
    (r"\b(?:đc|dc)\b", "được"),
    (r"(\d) ?tr\b", "\\1 triệu"),
))


def _expand_shorthand(low: str) -> str:
    for pattern, words in _SHORTHAND:
        low = pattern.sub(words, low)
    return low


def _negated(low: str, flat: str, start: int) -> bool:
    """True when a negation word sits earlier in the same clause ("không cung cấp mã OTP")."""
    accented = low != flat and len(low) == len(flat)
    view = low if accented else flat
    window = view[max(0, start - 50):start]
    ends = list(_CLAUSE_END.finditer(window))
    if ends:
        window = window[ends[-1].end():]
    window = _NOT_NEGATION.sub(" ", window)
    return bool((_NEGATION_VI if accented else _NEGATION_FLAT).search(window))


def _fires(rule: _Rule, flat: str, low: str, accented: bool) -> bool:
    pattern, view = (rule.accented, low) if (accented and rule.accented is not None) else (rule.pattern, flat)
    for match in pattern.finditer(view):
        if not (rule.negatable and _negated(low, flat, match.start())):
            return True
    return False


_ADVICE_SCAM = [
    "Không bấm vào đường link, không trả lời, không gọi lại số lạ trong tin nhắn.",
    "Không chuyển tiền, không đọc mã OTP, mật khẩu hay gửi ảnh căn cước cho bất kỳ ai.",
    "Nếu là cuộc gọi: cúp máy, rồi tự gọi số chính thức của cơ quan hoặc ngân hàng (in trên thẻ, hóa đơn, trang .gov.vn).",
    "Hỏi người nhà hoặc báo công an xã, phường nơi gần nhất; khi nguy cấp gọi 113.",
    "Có thể trình báo qua ứng dụng VNeID (mục tố giác tội phạm).",
]
_ADVICE_RELATIVE = "Gọi lại người thân bằng số quen thuộc, hoặc hỏi một chuyện chỉ người nhà mới biết, trước khi làm gì."
_ADVICE_LOST = "Nếu đã lỡ chuyển tiền hay đọc mã, gọi ngay tổng đài ngân hàng để khóa tài khoản và báo công an."
_ADVICE_CAUTION = [
    "Tin nhắn có vài dấu hiệu đáng ngờ. Đừng làm theo ngay: hãy gọi số chính thức của nơi gửi để hỏi lại.",
    "Chưa kiểm tra xong thì không chuyển tiền, không bấm link, không đọc mã OTP hay mật khẩu cho ai.",
]
_ADVICE_SAFE = [
    "Chưa thấy dấu hiệu lừa đảo rõ ràng. Dù vậy, không bao giờ đọc mã OTP, mật khẩu cho ai.",
    "Nếu còn nghi ngờ, gọi số điện thoại chính thức của nơi gửi để hỏi lại.",
]


# Every pattern below does a bounded amount of work per starting position once no "word" is longer than
# _MAX_RUN characters and blanks come one at a time: that keeps the checker linear in the message's length
# whatever the input (issue 14, finding 9: 20,000 digits once took 17 s in the job rule).
_MAX_RUN = 64
_LONG_RUN = re.compile(rf"\S{{{_MAX_RUN + 1},}}")
_BLANKS = re.compile(r"[^\S\n]+")
_BREAKS = re.compile(r" ?\n[\n ]*")


def _bounded(text: str) -> str:
    """Blank runs as one space, line-break runs as one line break, over-long runs cut to their two ends."""
    text = _BREAKS.sub("\n", _BLANKS.sub(" ", text))
    return _LONG_RUN.sub(lambda m: m.group()[: _MAX_RUN - 16] + m.group()[-16:], text)


def _views(text: str) -> tuple[str, str, bool]:
    """The message lower-cased with shorthand spelled out (``low``), the same without diacritics (``flat``)."""
    low = fold_case(_bounded(nfc(text)))
    accented = low != strip_diacritics(low)
    low = _expand_shorthand(low)
    flat = strip_diacritics(low)
    return (low if accented else flat), flat, accented


@dataclass
class _RulesResult:
    score: float
    reasons: list[str]
    reassuring: list[str]
    keys: set[str]


def _judge_rules(low: str, flat: str, accented: bool) -> _RulesResult:
    score, reasons, keys = 0.0, [], set()
    for rule in _RULES:
        if _fires(rule, flat, low, accented):
            score += rule.weight
            reasons.append((rule.weight, rule.reason))
            keys.add(rule.key)
    link_weight, link_reasons, official = _link_flags(flat)
    if link_weight:
        score += link_weight
        reasons.extend((link_weight, r) for r in link_reasons)
        keys.add("link")
        if link_weight >= 0.5:  # a lookalike, shortened, risky-domain or .apk link, not just an unknown site
            keys.add("bad_link")
    for pair, bonus, reason in _COMBOS:
        if pair <= keys:
            score += bonus
            reasons.append((bonus, reason))
    authorities = [(name, why) for name, rx, why in _AUTHORITIES if rx.search(flat)] if keys & _DEMAND_KEYS else []
    if authorities:
        names = ", ".join(name for name, _ in authorities[:2])
        bonus = 0.25
        score += bonus
        reasons.append((bonus, f"Người gửi tự xưng là {names} rồi đòi tiền, thông tin hoặc bấm link. {authorities[0][1]}"))
    families = [name for name, members in _FAMILIES if keys & members] + (["tự xưng cơ quan, công ty"] if authorities else [])
    if len(families) >= 3:
        bonus = _FAMILY_BONUS[len(families)]
        score += bonus
        reasons.append((bonus, "Tin nhắn gộp nhiều dấu hiệu đáng ngờ cùng lúc: " + ", ".join(families) + "."))
    reassuring = []
    warnings = len(_WARNING.findall(flat))
    if warnings:
        score -= min(0.7, 0.35 * warnings)
        reassuring.append("Tin nhắn có lời khuyên cảnh giác (không cung cấp mã, không bấm link lạ…) — dấu hiệu của tin thật.")
    for rx, weight, why in _GENUINE:
        if rx.search(flat):
            score -= weight
            reassuring.append(why)
    if official and not link_weight:
        score -= 0.3
        reassuring.extend(official[:1])
    ordered = [reason for _, reason in sorted(reasons, key=lambda item: -item[0])]
    return _RulesResult(round(min(1.0, max(0.0, score)), 3), ordered, reassuring, keys)


def rule_score(text: str) -> float:
    """The rules' score alone (0–1): what the checker said before it had a learned model."""
    return _judge_rules(*_views(text)).score


# Red flags that no wording can excuse: once the rules call a message a scam for one of these, the learned
# model may raise the score but not lower it (a lookalike link stays a lookalike link).
DECISIVE = frozenset({"bad_link", "apk_file", "otp", "otp_after", "password"})
_MODEL_REASON = "Cách viết của tin nhắn rất giống các tin lừa đảo đã biết, nhất là những chữ: {phrases}."
_MODEL_REASON_PLAIN = "Cách viết của tin nhắn rất giống các tin lừa đảo đã biết."
_MODEL_CALM = ("Dù có dấu hiệu trên, cách viết của cả tin nhắn giống một thông báo hay tin nhắn thông thường hơn "
               "là tin lừa đảo; vẫn nên kiểm tra lại với nơi gửi.")


def check_message(text: str, *, use_model: bool = True) -> Verdict:
    """Judge one message; reasons explain each red flag in plain Vietnamese.

    The rules give the reasons; the learned model (``scam_model``) weighs the whole wording. Their joint
    probability is the score. When the model alone tips the verdict, the reason names the message's own
    words that weighed most; with ``use_model=False`` (or no model file) the rules judge alone.
    """
    low, flat, accented = _views(text)
    rules = _judge_rules(low, flat, accented)
    reasons, reassuring, score = list(rules.reasons), list(rules.reassuring), rules.score
    model = scam_model.load_model() if use_model else None
    if model is not None:
        score = round(model.combined(rules.score, model.logit(flat)), 3)
        if rules.score >= THRESHOLD and rules.keys & DECISIVE:
            score = max(score, rules.score)
        if score >= THRESHOLD and rules.score < THRESHOLD:
            words = scam_model.phrases(model, flat, low)
            reasons.insert(0, _MODEL_REASON.format(phrases=", ".join(f"«{w}»" for w in words)) if words
                           else _MODEL_REASON_PLAIN)
        elif score < THRESHOLD <= rules.score:
            reassuring.insert(0, _MODEL_CALM)
    if score >= THRESHOLD:
        advice = list(_ADVICE_SCAM)
        if rules.keys & {"deepfake", "emergency", "other_account"}:
            advice.insert(0, _ADVICE_RELATIVE)
        advice.append(_ADVICE_LOST)
        return Verdict(True, score, reasons, advice)
    advice = list(_ADVICE_CAUTION if max(score, rules.score) >= SUSPICIOUS else _ADVICE_SAFE)
    return Verdict(False, score, reasons + reassuring, advice)


def to_json(verdict: Verdict) -> dict:
    """The ``hocai scam --json`` record of one verdict."""
    return {"scam": verdict.scam, "score": verdict.score, "reasons": list(verdict.reasons), "advice": list(verdict.advice)}
