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

from hocai.safety import scam_model, scam_rules
from hocai.safety.prefilter import FastPattern
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


# The rule tables live in data/scam_rules.toml (see scam_rules.py); a bad file fails here, at import.
RULES = scam_rules.load()
# Red flags that no wording can excuse: once the rules call a message a scam for one of these, the learned
# model may raise the score but not lower it (a lookalike link stays a lookalike link).
DECISIVE = frozenset({"bad_link", "apk_file", "otp", "otp_after", "password"})
if not DECISIVE <= RULES.flags:
    raise scam_rules.ScamRulesError(f"scam_rules.toml: decisive flag(s) {sorted(DECISIVE - RULES.flags)} not defined")

_NEGATION_VI = re.compile(r"\b(?:không|đừng|chẳng|chớ|chưa bao giờ)\b")
_NEGATION_FLAT = re.compile(r"\b(?:khong|chang)\b|\bdung (?:co )?$")
_NOT_NEGATION = re.compile(r"\b(?:neu|nếu) (?:khong|không)\b")
_CLAUSE_END = re.compile(r"[.,;:!?\n]|\bth[iì]\b")

# Links: host names with a known top-level domain.
_TLDS = (
    "com|net|org|vn|xyz|top|click|online|vip|site|info|ly|me|io|co|cc|live|shop|club|app|link|gd|gl|tk|ml|ga|cf|biz"
    "|asia|icu|buzz|store|pro|in"
)
_HOST = FastPattern(
    r"(?:https?://)?(?<![a-z0-9.-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
    rf"(?:{_TLDS}))"
    r"(?![a-z0-9-])(/[^\s]*)?"
)
_TLD_HINT = re.compile(rf"\.(?:{_TLDS})(?![a-z0-9-])")
_LINK_ACTION = FastPattern(
    r"(?:dang nhap|xac thuc|xac minh|cap nhat|xac nhan|khang nghi|dien|nhap|nhan (?:tien|qua|thuong|lai|ho tro))"
)
_BRANDS_LONGEST_FIRST = tuple(sorted(RULES.links.brands, key=len, reverse=True))


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
        if host == "gov.vn" or host.endswith(".gov.vn") or reg in RULES.links.official:
            official.append(f"Đường link {host} là trang chính thức.")
            continue
        weight, reason = 0.0, ""
        squashed = host.replace("-", "").replace(".", "")
        brand = next((b for b in _BRANDS_LONGEST_FIRST if b in squashed), None)
        if path.endswith(".apk"):
            weight, reason = (
                0.55,
                (f"Đường link {host} tải về tệp cài đặt .apk — ứng dụng lạ có thể lấy cắp tiền và dữ liệu."),
            )
        elif reg in RULES.links.shorteners:
            weight, reason = 0.5, f"Tin nhắn có đường link rút gọn ({host}), không biết sẽ dẫn đến trang nào."
        elif brand:
            name = RULES.links.brand_names.get(brand, brand)
            weight, reason = (
                0.55,
                (
                    f"Đường link {host} giả tên «{name}» nhưng không phải trang chính thức "
                    "(hãy tự mở trang hay ứng dụng chính thức mà bạn đã biết, "
                    "đừng bấm link trong tin)."
                ),
            )
        elif reg.rsplit(".", 1)[-1] in RULES.links.risky_tlds:
            weight, reason = (
                0.5,
                (f"Đường link {host} có đuôi lạ, không phải trang chính thức của cơ quan hay ngân hàng nào."),
            )
        elif action:
            weight, reason = (
                0.4,
                (
                    f"Tin nhắn bảo vào đường link {host} để đăng nhập, điền thông tin hay nhận tiền, "
                    "nhưng đó không phải trang chính thức của cơ quan hay ngân hàng nào."
                ),
            )
        if weight > worst:
            worst, reasons = weight, [reason]
    return worst, reasons, official


# Chat shorthand and teen code spelled out, so "ck 3tr vào stk" reads like "chuyển khoản 3 triệu vào số tài khoản".
_SHORTHAND: tuple[tuple[re.Pattern, str], ...] = tuple(
    (re.compile(pattern), words)
    for pattern, words in (
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
    )
)


def _expand_shorthand(low: str) -> str:
    for pattern, words in _SHORTHAND:
        low = pattern.sub(words, low)
    return low


def _negated(low: str, flat: str, start: int) -> bool:
    """True when a negation word sits earlier in the same clause ("không cung cấp mã OTP")."""
    accented = low != flat and len(low) == len(flat)
    view = low if accented else flat
    window = view[max(0, start - 50) : start]
    ends = list(_CLAUSE_END.finditer(window))
    if ends:
        window = window[ends[-1].end() :]
    window = _NOT_NEGATION.sub(" ", window)
    return bool((_NEGATION_VI if accented else _NEGATION_FLAT).search(window))


def _fires(rule: scam_rules.Rule, flat: str, low: str, accented: bool) -> bool:
    pattern, view = (rule.accented, low) if (accented and rule.accented is not None) else (rule.pattern, flat)
    for match in pattern.finditer(view):
        if not (rule.negatable and _negated(low, flat, match.start())):
            return True
    return False


_ADVICE_SCAM = [
    "Không bấm vào đường link, không trả lời, không gọi lại số lạ trong tin nhắn.",
    "Không chuyển tiền, không đọc mã OTP, mật khẩu hay gửi ảnh căn cước cho bất kỳ ai.",
    "Nếu là cuộc gọi: cúp máy, rồi tự gọi số chính thức của cơ quan hoặc ngân hàng "
    "(in trên thẻ, hóa đơn hoặc trong ứng dụng chính thức).",
    "Hỏi người nhà hoặc báo công an xã, phường nơi gần nhất; khi nguy cấp gọi 113.",
    "Có thể trình báo qua ứng dụng VNeID (mục tố giác tội phạm).",
]
_ADVICE_RELATIVE = (
    "Gọi lại người thân bằng số quen thuộc, hoặc hỏi một chuyện chỉ người nhà mới biết, trước khi làm gì."
)
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
    for rule in RULES.rules:
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
    for combo in RULES.combos:
        if combo.flags <= keys:
            score += combo.bonus
            reasons.append((combo.bonus, combo.reason))
    authorities = [a for a in RULES.authorities if a.pattern.search(flat)] if keys & RULES.demand_keys else []
    if authorities:
        names = ", ".join(a.name for a in authorities[:2])
        bonus = 0.25
        score += bonus
        reasons.append(
            (bonus, f"Người gửi tự xưng là {names} rồi đòi tiền, thông tin hoặc bấm link. {authorities[0].reason}")
        )
    families = [name for name, members in RULES.families if keys & members]
    families += ["tự xưng cơ quan, công ty"] if authorities else []
    if len(families) in RULES.family_bonus:
        bonus = RULES.family_bonus[len(families)]
        score += bonus
        reasons.append((bonus, "Tin nhắn gộp nhiều dấu hiệu đáng ngờ cùng lúc: " + ", ".join(families) + "."))
    reassuring = []
    warnings = len(RULES.warning.findall(flat))
    if warnings:
        score -= min(0.7, 0.35 * warnings)
        reassuring.append(
            "Tin nhắn có lời khuyên cảnh giác (không cung cấp mã, không bấm link lạ…) — dấu hiệu của tin thật."
        )
    for sign in RULES.genuine:
        if sign.pattern.search(flat):
            score -= sign.weight
            reassuring.append(sign.reason)
    if official and not link_weight:
        score -= 0.3
        reassuring.extend(official[:1])
    ordered = [reason for _, reason in sorted(reasons, key=lambda item: -item[0])]
    return _RulesResult(round(min(1.0, max(0.0, score)), 3), ordered, reassuring, keys)


def rule_score(text: str) -> float:
    """The rules' score alone (0–1): what the checker said before it had a learned model."""
    return _judge_rules(*_views(text)).score


_MODEL_REASON = "Cách viết của tin nhắn rất giống các tin lừa đảo đã biết, nhất là những chữ: {phrases}."
_MODEL_REASON_PLAIN = "Cách viết của tin nhắn rất giống các tin lừa đảo đã biết."
_MODEL_CALM = (
    "Dù có dấu hiệu trên, cách viết của cả tin nhắn giống một thông báo hay tin nhắn thông thường hơn "
    "là tin lừa đảo; vẫn nên kiểm tra lại với nơi gửi."
)


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
            reasons.insert(
                0, _MODEL_REASON.format(phrases=", ".join(f"«{w}»" for w in words)) if words else _MODEL_REASON_PLAIN
            )
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
    return {
        "scam": verdict.scam,
        "score": verdict.score,
        "reasons": list(verdict.reasons),
        "advice": list(verdict.advice),
    }
