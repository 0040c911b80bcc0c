"""How common each syllable is in everyday Vietnamese, so that the assistant weighs a question's words by how
much they say: "người", "nói", "năm" say little; "deepfake", "lúa", "modem" say a lot.

The table ``background_df.tsv`` holds only counts (in how many of N paragraphs of generic Vietnamese each folded
syllable occurs), computed by ``python -m hocai.assistant.background`` from the openly licensed texts in the
shared data folder (Vietnamese Wikipedia sample, CC BY-SA 3.0; UD Vietnamese-VTB sentences, CC BY-SA 4.0; see
each folder's SOURCE.txt). No sentence of those texts is kept, so the kit needs none of them to run.
"""

from __future__ import annotations

import json
import math
import re
import sys
from functools import cache
from pathlib import Path

from hocai.assistant.textnorm import syllables

TABLE = Path(__file__).with_name("background_df.tsv")
PAIRS = Path(__file__).with_name("background_pairs.tsv")
MIN_DF = 2  # rarer syllables are left out: unseen ones get the highest weight anyway
PAIR_MIN_DF = 10  # two syllables written together in this many paragraphs are a word ("hộ khẩu", "thủ tục")
_WORD_RUN = re.compile(r"[^\w\s]+")


def _paragraphs(shared: Path):
    wiki = shared / "viwiki-sample" / "viwiki_sample.jsonl"
    for line in wiki.read_text(encoding="utf-8").splitlines():
        for para in json.loads(line)["text"].replace("\r", "").split("\n"):
            para = para.strip()
            if len(para) >= 40 and not para.startswith("="):
                yield para
    sentences = shared / "ud-vi-vtb" / "vi_vtb_sentences.txt"
    yield from (s for s in sentences.read_text(encoding="utf-8").splitlines() if s.strip())


def count(shared: Path) -> tuple[int, dict[str, int]]:
    """(number of paragraphs, folded syllable → paragraphs holding it) over the shared generic texts."""
    n, df = 0, {}
    for para in _paragraphs(shared):
        n += 1
        for w in set(syllables(para)):
            if w.isalpha() and len(w) <= 12:
                df[w] = df.get(w, 0) + 1
    return n, {w: c for w, c in df.items() if c >= MIN_DF}


def count_pairs(shared: Path) -> dict[str, int]:
    """Folded syllable pair "ho_khau" → paragraphs holding the two syllables next to each other (no punctuation
    between), for the pairs in PAIR_MIN_DF paragraphs or more."""
    df: dict[str, int] = {}
    for para in _paragraphs(shared):
        seen = set()
        for run in _WORD_RUN.split(para):
            words = syllables(run)
            seen.update(f"{a}_{b}" for a, b in zip(words, words[1:]) if a.isalpha() and b.isalpha())
        for pair in seen:
            df[pair] = df.get(pair, 0) + 1
    return {p: c for p, c in df.items() if c >= PAIR_MIN_DF}


def write_pairs(shared: Path, path: Path = PAIRS) -> None:
    pairs = count_pairs(shared)
    lines = [
        f"# folded syllable pair, paragraphs holding it (at least {PAIR_MIN_DF}); counts only, from {shared.name}: "
        "viwiki-sample CC BY-SA 3.0, ud-vi-vtb CC BY-SA 4.0"
    ]
    lines += [f"{w}\t{c}" for w, c in sorted(pairs.items(), key=lambda x: (-x[1], x[0]))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@cache
def pairs(path: Path = PAIRS) -> frozenset[str]:
    """Two-syllable words of generic Vietnamese, folded ("ho_khau"): pairs written together in many paragraphs."""
    if not path.exists():
        return frozenset()
    return frozenset(
        line.split("\t")[0] for line in path.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"
    )


def write(shared: Path, path: Path = TABLE) -> None:
    n, df = count(shared)
    lines = [
        f"# folded syllable, paragraphs holding it, of {n} (counts only; from {shared.name}: viwiki-sample "
        "CC BY-SA 3.0, ud-vi-vtb CC BY-SA 4.0)",
        f"__N__\t{n}",
    ]
    lines += [f"{w}\t{c}" for w, c in sorted(df.items(), key=lambda x: (-x[1], x[0]))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@cache
def table(path: Path = TABLE) -> tuple[int, dict[str, int]]:
    if not path.exists():
        return 0, {}
    df: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, c = line.split("\t")
            df[word] = int(c)
    return df.pop("__N__", 0), df


def idf(word: str) -> float:
    """log((N + 1) / (df + 1)) over generic Vietnamese: 0 for a word every paragraph has, highest when unseen."""
    n, df = table()
    return math.log((n + 1) / (df.get(word, 0) + 1)) if n else 1.0


if __name__ == "__main__":
    from hocai import settings

    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else settings.kit().shared_data
    write(shared)
    write_pairs(shared)
    print(TABLE, table.__wrapped__()[0], PAIRS, len(pairs.__wrapped__()))
