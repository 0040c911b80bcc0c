"""The scam checker's rule tables, read from data/scam_rules.toml and checked once at import.

Keeping the rules in a data file lets a reviewer read, add or retune a red flag without touching the
checker's logic. Everything the checker derives from them (the flags that count as demands, the families of
weaker signals) is computed here from each rule's own ``family`` and ``demand`` fields, so nothing is kept in
sync by hand. A bad file fails loudly with ``ScamRulesError`` naming the file and the rule.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from hocai.safety.prefilter import FastPattern

RULES_PATH = Path(__file__).with_name("data") / "scam_rules.toml"

_FRAGMENT = re.compile(r"\$\{(\w+)\}")
_TOP = {
    "fragments",
    "family_bonus",
    "families",
    "flags",
    "rules",
    "combos",
    "authorities",
    "warning",
    "genuine",
    "links",
}
_RULE_FIELDS = {"key", "weight", "reason", "patterns", "accented", "negatable", "family", "demand"}
_LINK_FIELDS = {"shorteners", "risky_tlds", "official", "brands", "brand_names"}


class ScamRulesError(ValueError):
    """The rule file is malformed; the message names the file and the rule."""


@dataclass(frozen=True)
class Rule:
    key: str
    weight: float
    pattern: FastPattern
    reason: str
    accented: FastPattern | None = None
    negatable: bool = False
    family: str | None = None
    demand: bool = False


@dataclass(frozen=True)
class Authority:
    name: str
    pattern: FastPattern
    reason: str


@dataclass(frozen=True)
class Combo:
    flags: frozenset[str]
    bonus: float
    reason: str


@dataclass(frozen=True)
class Genuine:
    pattern: FastPattern
    weight: float
    reason: str


@dataclass(frozen=True)
class Links:
    shorteners: frozenset[str]
    risky_tlds: frozenset[str]
    official: frozenset[str]
    brands: tuple[str, ...]
    brand_names: dict[str, str]


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    families: tuple[tuple[str, frozenset[str]], ...]  # (name shown to the reader, member flags), in order
    family_bonus: dict[int, float]  # bonus by number of families shown at once
    demand_keys: frozenset[str]
    flags: frozenset[str]  # every flag a rule or the link checker can raise
    combos: tuple[Combo, ...]
    authorities: tuple[Authority, ...]
    warning: FastPattern
    genuine: tuple[Genuine, ...]
    links: Links


class _Where:
    """Builds error messages that name the file and the entry."""

    def __init__(self, path: Path):
        self.name = path.name

    def fail(self, where: str, problem: str) -> ScamRulesError:
        return ScamRulesError(f"{self.name}: {where}: {problem}")


def _strings(value, where: str, field: str, at: _Where) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value) or not value:
        raise at.fail(where, f"{field} must be a list of non-empty strings")
    return value


def _number(value, where: str, field: str, at: _Where) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise at.fail(where, f"{field} must be a number in (0, 1], not {value!r}")
    return float(value)


def _text(value, where: str, field: str, at: _Where) -> str:
    if not isinstance(value, str) or not value.strip():
        raise at.fail(where, f"{field} must be a non-empty string")
    return value


def _compile(alternatives: list[str], where: str, at: _Where, fragments: dict[str, str]) -> FastPattern:
    def expand(match: re.Match) -> str:
        if match.group(1) not in fragments:
            raise at.fail(where, f"unknown fragment ${{{match.group(1)}}}")
        return fragments[match.group(1)]

    source = "|".join(_FRAGMENT.sub(expand, alt) for alt in alternatives)
    try:
        return FastPattern(source)
    except re.error as exc:
        raise at.fail(where, f"invalid regular expression: {exc}") from None


def _table(data: dict, name: str, at: _Where) -> list[dict]:
    entries = data.get(name, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise at.fail(name, "must be an array of tables ([[" + name + "]])")
    return entries


def _fields(entry: dict, allowed: set[str], required: set[str], where: str, at: _Where) -> None:
    if unknown := set(entry) - allowed:
        raise at.fail(where, f"unknown field(s) {', '.join(sorted(unknown))}")
    if missing := required - set(entry):
        raise at.fail(where, f"missing field(s) {', '.join(sorted(missing))}")


def _rule(entry: dict, number: int, families: dict[str, str], fragments: dict[str, str], at: _Where) -> Rule:
    where = f"rule {entry['key']!r}" if isinstance(entry.get("key"), str) else f"rule #{number}"
    _fields(entry, _RULE_FIELDS, {"key", "weight", "reason", "patterns"}, where, at)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", entry["key"]):
        raise at.fail(where, "key must be lower-case letters, digits and _")
    family = entry.get("family")
    if family is not None and family not in families:
        raise at.fail(where, f"unknown family {family!r} (known: {', '.join(families)})")
    for flag in ("negatable", "demand"):
        if not isinstance(entry.get(flag, False), bool):
            raise at.fail(where, f"{flag} must be true or false")
    accented = entry.get("accented")
    return Rule(
        key=entry["key"],
        weight=_number(entry["weight"], where, "weight", at),
        pattern=_compile(_strings(entry["patterns"], where, "patterns", at), where, at, fragments),
        reason=_text(entry["reason"], where, "reason", at),
        accented=_compile(_strings(accented, where, "accented", at), where + " (accented)", at, fragments)
        if accented is not None
        else None,
        negatable=entry.get("negatable", False),
        family=family,
        demand=entry.get("demand", False),
    )


def _links(data: dict, at: _Where) -> Links:
    links = data.get("links")
    if not isinstance(links, dict):
        raise at.fail("links", "missing [links] table")
    _fields(links, _LINK_FIELDS, _LINK_FIELDS, "links", at)
    names = links["brand_names"]
    if not isinstance(names, dict) or not all(isinstance(v, str) and v for v in names.values()):
        raise at.fail("links.brand_names", "must map brands to names")
    brands = tuple(_strings(links["brands"], "links", "brands", at))
    if unknown := set(names) - set(brands):
        raise at.fail("links.brand_names", f"names for unknown brand(s) {', '.join(sorted(unknown))}")
    return Links(
        shorteners=frozenset(_strings(links["shorteners"], "links", "shorteners", at)),
        risky_tlds=frozenset(_strings(links["risky_tlds"], "links", "risky_tlds", at)),
        official=frozenset(_strings(links["official"], "links", "official", at)),
        brands=brands,
        brand_names=dict(names),
    )


def parse(data: dict, at: _Where) -> RuleSet:
    """Validate a parsed rule file and compile it."""
    if unknown := set(data) - _TOP:
        raise at.fail("file", f"unknown table(s) {', '.join(sorted(unknown))}")
    fragments = data.get("fragments", {})
    if not isinstance(fragments, dict) or not all(isinstance(v, str) for v in fragments.values()):
        raise at.fail("fragments", "must map names to pattern text")

    families: dict[str, str] = {}
    for number, entry in enumerate(_table(data, "families", at), start=1):
        _fields(entry, {"id", "name"}, {"id", "name"}, f"family #{number}", at)
        if entry["id"] in families:
            raise at.fail(f"family {entry['id']!r}", "defined twice")
        families[entry["id"]] = _text(entry["name"], f"family {entry['id']!r}", "name", at)

    rules: list[Rule] = []
    for number, entry in enumerate(_table(data, "rules", at), start=1):
        rules.append(_rule(entry, number, families, fragments, at))
    if not rules:
        raise at.fail("rules", "no [[rules]]")
    signals = [(r.key, r.family, r.demand) for r in rules]
    for number, entry in enumerate(_table(data, "flags", at), start=1):
        where = f"flag {entry.get('key', '#' + str(number))!r}"
        _fields(entry, {"key", "family", "demand"}, {"key"}, where, at)
        if entry.get("family") is not None and entry["family"] not in families:
            raise at.fail(where, f"unknown family {entry['family']!r}")
        signals.append((entry["key"], entry.get("family"), bool(entry.get("demand", False))))
    seen: set[str] = set()
    for key, _, _ in signals:
        if key in seen:
            raise at.fail(f"rule {key!r}", "key used twice")
        seen.add(key)

    bonus_table = data.get("family_bonus", {})
    try:
        family_bonus = {int(k): _number(v, f"family_bonus {k}", "bonus", at) for k, v in bonus_table.items()}
    except ValueError:
        raise at.fail("family_bonus", "keys must be whole numbers of families") from None
    if family_bonus and set(family_bonus) != set(range(min(family_bonus), len(families) + 2)):
        raise at.fail(
            "family_bonus",
            f"needs one bonus for each count from {min(family_bonus)} to "
            f"{len(families) + 1} families (an impersonated sender counts as one)",
        )

    combos = []
    for number, entry in enumerate(_table(data, "combos", at), start=1):
        where = f"combo #{number}"
        _fields(entry, {"flags", "bonus", "reason"}, {"flags", "bonus", "reason"}, where, at)
        flags = _strings(entry["flags"], where, "flags", at)
        if unknown := set(flags) - seen:
            raise at.fail(where, f"unknown flag(s) {', '.join(sorted(unknown))}")
        combos.append(
            Combo(
                frozenset(flags),
                _number(entry["bonus"], where, "bonus", at),
                _text(entry["reason"], where, "reason", at),
            )
        )

    authorities = []
    for number, entry in enumerate(_table(data, "authorities", at), start=1):
        where = f"authority {entry.get('name', '#' + str(number))!r}"
        _fields(entry, {"name", "patterns", "reason"}, {"name", "patterns", "reason"}, where, at)
        authorities.append(
            Authority(
                _text(entry["name"], where, "name", at),
                _compile(_strings(entry["patterns"], where, "patterns", at), where, at, fragments),
                _text(entry["reason"], where, "reason", at),
            )
        )

    genuine = []
    for number, entry in enumerate(_table(data, "genuine", at), start=1):
        where = f"genuine #{number}"
        _fields(entry, {"weight", "patterns", "reason"}, {"weight", "patterns", "reason"}, where, at)
        pattern = _compile(_strings(entry["patterns"], where, "patterns", at), where, at, fragments)
        genuine.append(
            Genuine(pattern, _number(entry["weight"], where, "weight", at), _text(entry["reason"], where, "reason", at))
        )

    warning = data.get("warning")
    if not isinstance(warning, dict):
        raise at.fail("warning", "missing [warning] table")
    _fields(warning, {"alternatives"}, {"alternatives"}, "warning", at)
    warning_alternatives = _strings(warning["alternatives"], "warning", "alternatives", at)

    return RuleSet(
        rules=tuple(rules),
        families=tuple((name, frozenset(k for k, f, _ in signals if f == fid)) for fid, name in families.items()),
        family_bonus=family_bonus,
        demand_keys=frozenset(k for k, _, demand in signals if demand),
        flags=frozenset(seen),
        combos=tuple(combos),
        authorities=tuple(authorities),
        warning=_compile([r"\b(?:" + "|".join(warning_alternatives) + r")\b"], "warning", at, fragments),
        genuine=tuple(genuine),
        links=_links(data, at),
    )


def load(path: Path = RULES_PATH) -> RuleSet:
    """Read, validate and compile a rule file."""
    at = _Where(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise at.fail("file", f"not valid TOML: {exc}") from None
    return parse(data, at)
