"""Search tokens: the one definition the index (Python) and the search page (JS) share.

Chinese, Japanese and Korean text has no spaces, so it is indexed as overlapping character
pairs (bigrams, as Lucene's CJK analyzer does): "国产芯片" gives 国产 产芯 芯片, and a query
for 国产芯片 is a phrase: the page keeps the documents holding all three pairs whose text
holds the run itself, whatever a word segmenter would have said. Single characters are
tokens too (indexed from titles: alone, a character is too common to find much in
bodies). Other scripts give lowercase words of two or more characters, matched by prefix
at query time.

``static/search.js`` repeats these rules (ranges, normalisation, hash); ``test_search_js``
runs both on the same strings, so they cannot drift apart silently.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from operator import add as add_str

__all__ = ["MAX_WORD", "Analyzed", "analyze", "normalize", "shard_key", "shard_of", "tokens"]

# Only BMP ranges, so JS (UTF-16) and Python (code points) see the same characters.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
WORD = "0-9a-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff"
_RUNS = re.compile(f"([{CJK}]+)|([{WORD}]+)")
MAX_WORD = 32  # longer "words" are hashes and URLs: cut, so they still match by prefix
# Joins CJK runs so one C-level pass makes every pair; pairs holding it are dropped.
_GAP = "\x00"


# Characters NFKC leaves alone, or maps to characters of the same kind here (full-width
# punctuation to ASCII punctuation: separators before and after). Text made only of them
# tokenizes the same without NFKC, which costs more than everything else here.
_STABLE = re.compile(
    "[\x00-\x7f\u2000-\u206f\u3000-\u3037\u4e00-\u9fff"
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]*"
)


def normalize(text: str) -> str:
    if not _STABLE.fullmatch(text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


@dataclass(frozen=True)
class Analyzed:
    """One text's tokens and what ranking needs of them."""

    pairs: Counter[str]  # CJK pairs -> occurrences
    chars: Counter[str]  # single CJK characters -> occurrences
    words: Counter[str]  # other words -> occurrences
    length: int  # tokens in all, for length normalisation
    runs: str  # its CJK runs, one per line: what phrase queries are checked against


def analyze(text: str, *, chars: bool = True) -> Analyzed:
    """Tokens of ``text``, counted (a C-level pass per kind); single characters only
    when ``chars``."""
    norm = normalize(text)
    runs: list[str] = []
    words: list[str] = []
    for run, word in _RUNS.findall(norm):
        if run:
            runs.append(run)
        elif len(word) > 1:
            words.append(word[:MAX_WORD])
    joined = _GAP.join(runs)
    pairs = Counter(map(add_str, joined, joined[1:]))
    for pair in [p for p in pairs if _GAP in p]:
        del pairs[pair]
    singles: Counter[str] = Counter(joined) if chars else Counter()
    singles.pop(_GAP, None)
    length = len(joined) - max(len(runs) - 1, 0) + len(words)
    return Analyzed(pairs, singles, Counter(words), length, "\n".join(runs))


def tokens(text: str) -> set[str]:
    """The distinct tokens of ``text``: pairs, single CJK characters, words."""
    found = analyze(text)
    return {*found.pairs, *found.chars, *found.words}


def shard_key(token: str) -> str:
    """What picks a token's shard: the token itself (CJK), or a word's first two letters.

    Every word a query could match by prefix shares the key, so one shard per segment
    answers each query term.
    """
    return token if token[0] > "\u3000" else token[:2]


def shard_of(key: str, shards: int) -> int:
    """FNV-1a (32 bit) of the key's characters, modulo the (power of two) shard count."""
    h = 0x811C9DC5
    for ch in key:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return h & (shards - 1)
