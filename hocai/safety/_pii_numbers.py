"""Number-based personal data: validated identity, phone, card, tax, insurance, plate, passport numbers.

Each candidate is a run of digits (single spaces, dots or dashes may group it); the nearest context
word before it (CCCD, STK, MST, BHXH…) decides what an ambiguous number is. A labelled number of the
right length is flagged whatever its check digit; an unlabelled one only when check digits or code lists
say it is one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from hocai.safety._pii_lexicon import CCCD_PROVINCES, MOBILE_PREFIXES

CURRENT_YEAR = 2026
WINDOW = 42

# Context words → the kind of number they announce; the last one before a number wins.
_CONTEXT_WORDS = {
    "cccd": r"cccd|căn cước(?: công dân)?|thẻ căn cước|số định danh(?: cá nhân)?|định danh|đdcn|cmnd|cmt|"
    r"chứng minh(?: nhân dân| thư)?|giấy cmnd",
    "phone": r"sđt|sdt|số đt|đt|đtdđ|dđ|điện thoại(?: di động)?|di động|số máy|zalo|viber|gọi(?: cho)?|"
    r"nhắn(?: tin)?|liên hệ|alo|hotline cá nhân|sms|tel|phone|mobile",
    "bank": r"stk|số tk|tk|số tài khoản|tài khoản(?: ngân hàng)?|chuyển khoản|ck|ngân hàng|vietcombank|"
    r"vietinbank|bidv|agribank|techcombank|mb ?bank|acb|vpbank|sacombank|tpbank|momo",
    "card": r"thẻ(?! bhyt| bảo hiểm| căn cước| cccd)|số thẻ|thẻ tín dụng|thẻ ghi nợ|thẻ atm|thẻ visa|thẻ mastercard|"
    r"thẻ ngân hàng|thẻ napas|"
    r"visa|mastercard|jcb|credit card|card",
    "tax": r"mst|mã số thuế|mã thuế|mã số doanh nghiệp|msdn|tax code",
    "si": r"bhxh|bảo hiểm xã hội|sổ bảo hiểm|mã số bảo hiểm|mã bảo hiểm|bhyt|bảo hiểm y tế|thẻ bhyt|mã số bhxh",
    "passport": r"hộ chiếu|passport|số hc",
    "public": r"đường dây nóng|hotline|tổng đài|cấp cứu|cứu hỏa|cứu hộ|isbn|issn|mã bưu chính|bưu chính|"
    r"mã bưu điện|postal|zip|doi|số hiệu văn bản|ký hiệu|fax",
}
_CONTEXT = re.compile(
    "|".join(rf"(?P<{kind}>(?<![\w])(?:{words})(?![\w]))" for kind, words in _CONTEXT_WORDS.items()),
    re.IGNORECASE,
)

_NUMBER = re.compile(
    r"(?=[\d(+])(?<![\w.,/+\-])"
    r"(?P<prefix>\(\+?84\)[ .\-]?|\+84[ .\-]?|\(0\d{2,3}\)[ .\-]?)?"
    r"(?P<body>\d(?:[ .\-]?\d){5,22})"
    r"(?![\w]|[.,/\-]\d)"
)
# Phones listed with slashes ("0912345678/0987654321"); slashes otherwise mark dates and document codes.
_SLASHED_PHONES = re.compile(r"(?<![\w/.])0\d{9}(?:/0\d{9})+(?![\w/])")
_AMOUNT_AFTER = re.compile(
    r"\s?(?:đồng|đ\b|vnđ|vnd|usd|\$|triệu|tỷ|nghìn|ngàn|người|hộ\b|ha\b|km|m2|%|lượt|tấn|kg|lần)",
    re.IGNORECASE,
)
_DATE_LIKE = re.compile(r"\d{1,2}[\-.]\d{1,2}[\-.](?:1[89]|20)\d{2}|(?:1[0-9]|20)\d{2}-\d{2,4}")
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_PLATE = re.compile(
    r"(?=\d)(?<![\w.,/\-])(?P<code>[1-9]\d)(?:(?P<s1>[ \-]?)(?P<series>[A-HK-NP-Z]{1,2}\d?)|-(?P<moto>[A-HK-NP-Z]\d))"
    r"(?P<s2>[ \-.]?)(?P<num>\d{3}\.\d{2}|\d{4,5})(?![\w]|[.,]\d)"
)
_LETTER_CODE = re.compile(
    r"(?=[A-Z][A-Z\d])(?<![\w])(?:(?P<passport>[A-Z]\d{7,8})|(?P<health>[A-Z]{2}[ ]?\d[ ]?\d{2}[ ]?\d{10}))(?![\w])"
)
EMAIL = re.compile(
    r"(?=[A-Za-z0-9])(?<![\w.+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*"
    r"@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
)


def luhn_ok(digits: str) -> bool:
    """Card check digit (Luhn)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def isbn10_ok(digits: str) -> bool:
    """ISBN-10 check (books cited in encyclopedic text look like phone numbers)."""
    return len(digits) == 10 and sum((10 - i) * int(d) for i, d in enumerate(digits)) % 11 == 0


def tax_code_ok(digits: str) -> bool:
    """Check digit of a 10-digit Vietnamese MST: 10 - (Σ dᵢ·wᵢ mod 11) over the first nine digits."""
    if len(digits) != 10 or digits[:2] == "00":
        return False
    weights = (31, 29, 23, 19, 17, 13, 7, 5, 3)
    check = 10 - sum(int(d) * w for d, w in zip(digits, weights)) % 11
    return check < 10 and check == int(digits[9])


def cccd_ok(digits: str) -> bool:
    """12-digit CCCD: a province code, a century/gender digit and a plausible birth year."""
    if len(digits) != 12 or digits[:3] not in CCCD_PROVINCES:
        return False
    century = int(digits[3])
    year = (1900 + 100 * (century // 2)) + int(digits[4:6])
    return century <= 3 and 1900 <= year <= CURRENT_YEAR


def phone_ok(digits: str) -> bool:
    """Vietnamese mobile (10 digits, current prefixes) or landline (02x area codes, 11 digits)."""
    if digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if len(digits) == 10:
        return digits[:3] in MOBILE_PREFIXES and len(set(digits[3:])) > 1
    return len(digits) == 11 and digits.startswith("02") and len(set(digits[4:])) > 1


def _context(text: str, start: int) -> str | None:
    """The kind of the last context word in the same line shortly before ``start``."""
    lo = max(0, start - WINDOW)
    cut = max(text.rfind("\n", lo, start), text.rfind(". ", lo, start), text.rfind(";", lo, start))
    kind = None
    for match in _CONTEXT.finditer(text, cut + 1 if cut >= 0 else lo, start):
        kind = match.lastgroup
    return kind


_PUBLIC = re.compile(rf"(?<![\w])(?:{_CONTEXT_WORDS['public']})(?![\w])", re.IGNORECASE)


def _public_near(text: str, start: int) -> bool:
    """A hotline, switchboard or emergency word earlier in the same line: an organisation's number."""
    lo = max(0, start - 2 * WINDOW)
    return _PUBLIC.search(text, max(lo, text.rfind("\n", lo, start) + 1), start) is not None


def _classify(digits: str, raw: str, kind: str | None, has_prefix: bool) -> str | None:
    """Label of one digit run given its context kind, or None."""
    n = len(digits)
    if kind == "public":
        return None
    if _DATE_LIKE.fullmatch(raw):
        return None
    thousands = _THOUSANDS.fullmatch(raw) is not None
    if has_prefix:
        return "PHONE" if phone_ok("84" + digits if not digits.startswith("0") else digits) else None
    # A number right after its label is what the label says even when a check digit fails: whoever wrote
    # "mã số thuế" meant a tax code, and a guard that lets a mistyped one through fails them. The label
    # still has to fit the number's length.
    if kind == "cccd" and n in (9, 12) and not thousands:
        return "CCCD"
    if kind == "phone" and phone_ok(digits):
        return "PHONE"
    if kind == "card" and 13 <= n <= 19 and not thousands:
        return "CARD"
    # 10 digits (10-3 for a branch) for businesses; since 2025 a person's tax code is their 12-digit
    # personal identification number.
    if kind == "tax" and n in (10, 12, 13) and not thousands:
        return "TAX_CODE"
    if kind == "si" and n == 10 and not thousands:
        return "SOCIAL_INSURANCE"
    if kind == "bank" and 6 <= n <= 19 and not thousands:
        if n == 16 and luhn_ok(digits) and re.fullmatch(r"\d{4}([ \-])\d{4}\1\d{4}\1\d{4}", raw):
            return "CARD"
        return "BANK_ACCOUNT"
    if thousands:
        return None
    if phone_ok(digits) and (digits[0] == "0" or n >= 11) and not (n == 10 and isbn10_ok(digits)):
        return "PHONE"
    if cccd_ok(digits):
        return "CCCD"
    if 13 <= n <= 19 and luhn_ok(digits) and (digits[0] in "23456" or digits.startswith("9704")):
        groups = re.split(r"[ \-]", raw)
        if len(groups) == 1 or all(len(g) in (4, 5, 6) for g in groups[:-1]):
            return "CARD"
    if n == 13 and raw[-4] == "-" and raw[:-4].isdigit() and tax_code_ok(digits[:10]):
        return "TAX_CODE"
    return None


def _pieces(body: str, offset: int) -> list[tuple[int, int]]:
    """Spans of the space-separated groups of a run, for runs that hold several numbers."""
    return [(offset + m.start(), offset + m.end()) for m in re.finditer(r"[^ ]+", body)]


def _split_run(text: str, pieces: list[tuple[int, int]]) -> Iterator[tuple[int, int, str]]:
    """Numbers inside a space-separated run that is not one number as a whole (e.g. two phones).

    A number is written in at most five groups, which keeps the search linear in the run's length.
    """
    sizes = [sum(ch.isdigit() for ch in text[s:e]) for s, e in pieces]
    i = 0
    while i < len(pieces):
        kind = None
        for j in range(min(len(pieces), i + 5), i, -1):
            if (i, j) == (0, len(pieces)) or not 6 <= sum(sizes[i:j]) <= 19:
                continue
            if kind is None:
                kind = _context(text, pieces[i][0]) or ""
            sub = text[pieces[i][0] : pieces[j - 1][1]]
            label = _classify(re.sub(r"\D", "", sub), sub, kind or None, False)
            if label:
                yield pieces[i][0], pieces[j - 1][1], label
                i = j
                break
        else:
            i += 1


def find_numbers(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, label) for validated numbers in an NFC text."""
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        if _AMOUNT_AFTER.match(text, end):
            continue
        raw = match.group("body")
        kind = _context(text, start)
        prefix = match.group("prefix")
        digits = re.sub(r"\D", "", raw)
        if prefix and "84" in prefix:
            label = _classify(digits, raw, kind, True)
        elif prefix:
            label = _classify(re.sub(r"\D", "", prefix) + digits, prefix + raw, kind, False)
        else:
            label = _classify(digits, raw, kind, False)
        if label == "PHONE" and _public_near(text, start):
            continue
        if label:
            yield start, end, label
            continue
        if prefix or " " not in raw:
            continue
        for found in _split_run(text, _pieces(raw, match.start("body"))):
            if not (found[2] == "PHONE" and _public_near(text, found[0])):
                yield found
    for match in _SLASHED_PHONES.finditer(text):
        pos = match.start()
        for number in match.group().split("/"):
            if phone_ok(number) and not _public_near(text, pos):
                yield pos, pos + len(number), "PHONE"
            pos += len(number) + 1
    for match in _PLATE.finditer(text):
        code = int(match.group("code"))
        if code < 11:
            continue
        if match.group("moto") is None and not (
            match.group("s1") or "-" in match.group(0) or "." in match.group("num")
        ):
            continue
        if _context(text, match.start()) == "public":
            continue
        yield match.start(), match.end(), "LICENSE_PLATE"
    for match in _LETTER_CODE.finditer(text):
        kind = _context(text, match.start())
        if match.group("passport") and kind == "passport":
            yield match.start(), match.end(), "PASSPORT"
        elif match.group("health") and kind == "si":
            yield match.start(), match.end(), "SOCIAL_INSURANCE"
    for match in EMAIL.finditer(text) if "@" in text else ():
        yield match.start(), match.end(), "EMAIL"
