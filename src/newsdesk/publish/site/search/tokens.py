"""Search tokens: the one definition the index (Python) and the search page (JS) share.

Chinese, Japanese and Korean text has no spaces, so it is indexed as overlapping character
pairs (bigrams, as Lucene's CJK analyzer does): "国产芯片" gives 国产 产芯 芯片, each at the
offset it starts at, so a query for 国产芯片 matches only where those pairs follow each
other (a phrase), whatever a word segmenter would have said. Every character is indexed
alone too, so a one-character query finds every text that holds it. Other scripts give
lowercase words of two or more characters, matched by prefix at query time.

``static/search.js`` repeats these rules (ranges, normalisation, hash); ``test_search_js``
runs both on the same strings, so they cannot drift apart silently.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from operator import add as add_str

__all__ = ["MAX_WORD", "Analyzed", "analyze", "is_pair", "shard_key", "shard_of", "tokens"]

# Only BMP ranges, so JS (UTF-16) and Python (code points) see the same characters.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
WORD = "0-9a-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff"
_RUNS = re.compile(f"([{CJK}]+)|([{WORD}]+)")
MAX_WORD = 32  # longer "words" are hashes and URLs: cut, so they still match by prefix
# Joins CJK runs so one C-level pass makes every pair; pairs holding it are dropped.
_GAP = "\x00"


def normalize(text: str) -> str:
    # The check is ~1000x cheaper than the normalization, and most text is already NFKC.
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


def is_pair(token: str) -> bool:
    """Whether ``token`` is a CJK character pair (the tokens that keep positions)."""
    return len(token) == 2 and token[0] > "\u3000" and token[1] > "\u3000"


@dataclass(frozen=True)
class Analyzed:
    """One text's tokens: pair positions, and counts of single characters and words."""

    pairs: dict[str, list[int]]  # pair -> offsets in the joined CJK runs (adjacent = +1)
    counts: Counter[str]  # single CJK characters and words -> occurrences
    length: int  # tokens in all, for length normalisation


def analyze(text: str) -> Analyzed:
    """Tokens of ``text`` with what ranking (counts) and phrases (pair offsets) need."""
    runs: list[str] = []
    counts: Counter[str] = Counter()
    words: list[str] = []
    for run, word in _RUNS.findall(normalize(text)):
        if run:
            runs.append(run)
        elif len(word) > 1:
            words.append(word[:MAX_WORD])
    joined = _GAP.join(runs)
    pairs: defaultdict[str, list[int]] = defaultdict(list)
    for i, pair in enumerate(map(add_str, joined, joined[1:])):
        pairs[pair].append(i)
    for pair in [p for p in pairs if _GAP in p]:
        del pairs[pair]
    counts.update(joined)
    counts.pop(_GAP, None)
    counts.update(words)
    characters = len(joined) - max(len(runs) - 1, 0)
    return Analyzed(dict(pairs), counts, characters + len(words))


def tokens(text: str) -> set[str]:
    """The distinct tokens of ``text``: pairs, single CJK characters, words."""
    found = analyze(text)
    return {*found.pairs, *found.counts}


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
