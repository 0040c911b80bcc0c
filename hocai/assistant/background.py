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
import sys
from functools import cache
from pathlib import Path

from hocai.assistant.textnorm import syllables

TABLE = Path(__file__).with_name("background_df.tsv")
MIN_DF = 2  # rarer syllables are left out: unseen ones get the highest weight anyway


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

    write(Path(sys.argv[1]) if len(sys.argv) > 1 else settings.kit().shared_data)
    print(TABLE, table.__wrapped__()[0])
