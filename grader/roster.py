"""Import participants from the CSV or XLSX lists communes keep, all rows or none.

Only what the course needs is kept (name, unit, position, email, username, role); columns such as CCCD
numbers are dropped on purpose. Usernames are stable ASCII names a Linux system and nbgrader accept.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import charset_normalizer

from hocai.errors import UserError
from hocai.text import ascii_slug, clean, strip_diacritics

ROSTER_FILE = "roster.json"
ROLES = {
    "học viên": "participant",
    "giảng viên": "instructor",
    "participant": "participant",
    "instructor": "instructor",
}
# Header spellings seen in commune lists, compared without diacritics, case or spaces.
COLUMNS = {
    "full_name": ("ho va ten", "ho ten", "hovaten", "hoten", "full name", "name"),
    "unit": ("don vi", "co quan", "don vi cong tac", "unit"),
    "position": ("chuc vu", "chuc danh", "position"),
    "email": ("email", "e-mail", "thu dien tu"),
    "username": ("ten dang nhap", "tai khoan", "username"),
    "role": ("vai tro", "role"),
}
IDENTITY_HEADERS = ("cccd", "cmnd", "can cuoc", "dinh danh", "chung minh")
COMPOUND_FAMILY_NAMES = ("tôn thất", "tôn nữ", "nguyễn phúc", "nguyễn phước", "âu dương", "tư mã", "gia cát")
RESERVED_USERNAMES = {
    "root",
    "admin",
    "administrator",
    "daemon",
    "bin",
    "sys",
    "sync",
    "games",
    "man",
    "lp",
    "mail",
    "news",
    "uucp",
    "proxy",
    "www-data",
    "backup",
    "list",
    "irc",
    "nobody",
    "systemd",
    "messagebus",
    "sshd",
    "jupyter",
    "jupyterhub",
    "hub",
    "ubuntu",
    "debian",
    "postgres",
    "guest",
    "sudo",
    "staff",
    "users",
}
USERNAME_RE = re.compile(r"^[a-z][a-z0-9]{1,30}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_NAME_WORDS = 7


@dataclass(frozen=True)
class Participant:
    username: str
    full_name: str
    family_name: str
    middle_name: str
    given_name: str
    unit: str = ""
    position: str = ""
    email: str = ""
    role: str = "participant"


def split_name(full_name: str) -> tuple[str, str, str]:
    """Family, middle and given name: "Nguyễn Thị Minh Khai" → ("Nguyễn", "Thị Minh", "Khai")."""
    words = clean(full_name).split()
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    lowered = " ".join(words).lower()
    family_len = next((len(c.split()) for c in COMPOUND_FAMILY_NAMES if lowered.startswith(c + " ")), 1)
    family_len = min(family_len, len(words) - 1)
    return " ".join(words[:family_len]), " ".join(words[family_len:-1]), words[-1]


def make_username(full_name: str) -> str:
    """Given name plus the initials of the others, the usual Vietnamese account style: Nguyễn Văn An → annv."""
    family, middle, given = split_name(full_name)
    initials = "".join(ascii_slug(w)[:1] for w in f"{family} {middle}".split())
    name = ascii_slug(given) + initials
    if not name or not name[0].isalpha():
        name = "hv" + name
    return name[:28]


def _header_key(header: str) -> str | None:
    plain = re.sub(r"\s+", " ", strip_diacritics(clean(str(header))).lower()).strip(" :*")
    for key, spellings in COLUMNS.items():
        if plain in spellings:
            return key
    return None


def _is_identity_column(header: str) -> bool:
    plain = strip_diacritics(clean(str(header))).lower()
    return any(word in plain for word in IDENTITY_HEADERS)


# Encodings a Vietnamese office's spreadsheet export can be in: Excel's "CSV UTF-8", its "Unicode text"
# (UTF-16), the legacy Vietnamese Windows code page, and Western Windows for files without accents.
_ENCODINGS = ["utf_8", "utf_16", "cp1258", "cp1252"]


def _decode(raw: bytes, name: str) -> str:
    """The file's text: UTF-8 when it is, otherwise the encoding charset-normalizer finds among _ENCODINGS."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
    best = charset_normalizer.from_bytes(raw, cp_isolation=_ENCODINGS).best()
    if best is None:
        raise UserError(
            f"Không đọc được tệp «{name}»: dòng {line} có ký tự không thuộc bảng mã nào quen thuộc. "
            "Hãy mở tệp bằng Excel và lưu lại dưới dạng «CSV UTF-8»."
        )
    return str(best)


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, cells) rows of a CSV (any common encoding/delimiter) or XLSX file."""
    if not path.is_file():
        raise UserError(f"Không tìm thấy tệp danh sách «{path}».")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        import openpyxl

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception:
            raise UserError(f"Không đọc được tệp Excel «{path.name}»; hãy mở và lưu lại dưới dạng .xlsx.") from None
        sheet = book.worksheets[0]
        rows = [
            (i, ["" if v is None else str(v) for v in row])
            for i, row in enumerate(sheet.iter_rows(values_only=True), 1)
        ]
        book.close()
    elif suffix in {".csv", ".txt"}:
        text = _decode(path.read_bytes(), path.name)
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        rows = [(i, row) for i, row in enumerate(csv.reader(io.StringIO(text), dialect), 1)]
    else:
        raise UserError("Danh sách học viên phải là tệp .csv hoặc .xlsx.")
    rows = [(i, [clean(c) for c in row]) for i, row in rows]
    rows = [(i, row) for i, row in rows if any(row)]
    if not rows:
        raise UserError(f"Tệp «{path.name}» không có dòng nào.")
    (_, header), body = rows[0], rows[1:]
    return header, body


def parse_roster(path: Path) -> tuple[list[Participant], list[str]]:
    """All participants of the file, or a UserError listing every bad row by line number; plus notes."""
    header, body = read_rows(Path(path))
    keys = [_header_key(h) for h in header]
    notes = [
        f"Đã bỏ qua cột «{h}»: bộ công cụ không lưu số giấy tờ tùy thân." for h in header if _is_identity_column(h)
    ]
    if "full_name" not in keys:
        raise UserError("Danh sách phải có cột «Họ và tên» ở dòng đầu tiên.")
    problems: list[str] = []
    seen_names: dict[tuple[str, str], int] = {}
    seen_users: dict[str, int] = {}
    people: list[Participant] = []
    for line, cells in body:
        record = {key: cells[i] if i < len(cells) else "" for i, key in enumerate(keys) if key}
        name = record.get("full_name", "")
        if not name:
            problems.append(f"dòng {line}: thiếu họ và tên")
            continue
        words = name.split()
        if len(words) > MAX_NAME_WORDS or re.search(r"[0-9@#$%^&*_=+<>{}\[\]|\\/]", name):
            problems.append(f"dòng {line}: họ và tên «{name}» không hợp lệ")
            continue
        email = record.get("email", "")
        if email and not EMAIL_RE.match(email):
            problems.append(f"dòng {line}: email «{email}» không hợp lệ")
            continue
        role = ROLES.get(record.get("role", "").lower() or "học viên")
        if role is None:
            problems.append(f"dòng {line}: vai trò «{record['role']}» phải là «học viên» hoặc «giảng viên»")
            continue
        identity = (name.lower(), record.get("unit", "").lower())
        if identity in seen_names:
            problems.append(f"dòng {line}: trùng với dòng {seen_names[identity]} ({name})")
            continue
        seen_names[identity] = line
        username = record.get("username", "").lower()
        if username and (not USERNAME_RE.match(username) or username in RESERVED_USERNAMES):
            problems.append(f"dòng {line}: tên đăng nhập «{username}» không dùng được (chỉ chữ thường không dấu và số)")
            continue
        if username in seen_users:
            problems.append(f"dòng {line}: tên đăng nhập «{username}» trùng với dòng {seen_users[username]}")
            continue
        if username:
            seen_users[username] = line
        family, middle, given = split_name(name)
        people.append(
            Participant(
                username,
                " ".join(words),
                family,
                middle,
                given,
                record.get("unit", ""),
                record.get("position", ""),
                email.lower(),
                role,
            )
        )
    if problems:
        raise UserError(f"Danh sách có {len(problems)} dòng lỗi nên chưa nhập ai: " + "; ".join(problems) + ".")
    if not people:
        raise UserError("Danh sách không có học viên nào.")
    return people, notes


def assign_usernames(people: list[Participant], existing: list[Participant]) -> list[Participant]:
    """Keep usernames of people already on the roster; give newcomers a free one (annv, annv2, …)."""
    known = {(p.full_name.lower(), p.unit.lower()): p.username for p in existing}
    taken = {p.username for p in existing} | {p.username for p in people if p.username}
    result = []
    for person in people:
        username = person.username or known.get((person.full_name.lower(), person.unit.lower()))
        if not username:
            base = make_username(person.full_name)
            username, n = base, 2
            while username in taken or username in RESERVED_USERNAMES:
                username, n = f"{base}{n}", n + 1
            taken.add(username)
        result.append(Participant(**{**asdict(person), "username": username}))
    return result


def load(course_dir: Path) -> list[Participant]:
    """The course roster (empty when none was imported)."""
    path = Path(course_dir) / ROSTER_FILE
    if not path.exists():
        return []
    return [Participant(**p) for p in json.loads(path.read_text(encoding="utf-8"))["participants"]]


def save(course_dir: Path, people: list[Participant]) -> None:
    """The roster (names, units, emails) is the instructors' alone: never readable by participants."""
    from hocai_grader.workspace import write_private

    write_private(
        Path(course_dir) / ROSTER_FILE,
        json.dumps({"participants": [asdict(p) for p in people]}, ensure_ascii=False, indent=1),
    )


def import_roster(course_dir: Path, file: Path) -> tuple[list[Participant], list[str]]:
    """Merge the file into the roster and the gradebook; nothing is written when any row is bad."""
    from hocai_grader.workspace import Course

    course = Course(course_dir)
    people, notes = parse_roster(Path(file))
    existing = load(course.root)
    people = assign_usernames(people, existing)
    merged = {p.username: p for p in existing}
    merged.update({p.username: p for p in people})
    roster = sorted(merged.values(), key=lambda p: p.username)
    with course.gradebook() as gb:
        for p in roster:
            if p.role == "participant":
                gb.update_or_create_student(
                    p.username,
                    first_name=p.given_name,
                    last_name=f"{p.family_name} {p.middle_name}".strip(),
                    email=p.email or None,
                )
    save(course.root, roster)
    return people, notes


def roster_command(args) -> int:
    people, notes = import_roster(Path(args.dir), Path(args.file))
    for note in notes:
        print(note)
    learners = sum(p.role == "participant" for p in people)
    print(f"Đã nhập {len(people)} người ({learners} học viên, {len(people) - learners} giảng viên).")
    for p in people:
        print(f"  {p.username:<12} {p.full_name}" + (f" — {p.unit}" if p.unit else ""))
    return 0
