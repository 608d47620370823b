"""Search tokens: the one definition the index (Python) and the search page (JS) share.

Chinese, Japanese and Korean text has no spaces, so it is indexed as overlapping character
pairs (bigrams, as Lucene's CJK analyzer does): "国产芯片" gives 国产 产芯 芯片, and a query for
芯片 matches any text holding that pair, whatever a word segmenter would have said. The last
character of each run is indexed alone too, so a one-character query finds every text that
holds it (as the first half of a pair, or at the end of a run). Other scripts give lowercase
words of two or more characters, matched by prefix at query time.

``static/search.js`` repeats these rules (ranges, normalisation, hash); ``test_search_js``
runs both on the same strings, so they cannot drift apart silently.
"""

from __future__ import annotations

import re
import unicodedata
from operator import add as add_str

__all__ = ["MAX_WORD", "shard_key", "shard_of", "tokens"]

# Only BMP ranges, so JS (UTF-16) and Python (code points) see the same characters.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
WORD = "0-9a-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff"
_RUNS = re.compile(f"([{CJK}]+)|([{WORD}]+)")
MAX_WORD = 32  # longer "words" are hashes and URLs: cut, so they still match by prefix


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def tokens(text: str) -> set[str]:
    """The distinct tokens of ``text``."""
    out: set[str] = set()
    add, update = out.add, out.update
    for run, word in _RUNS.findall(normalize(text)):
        if run:
            update(map(add_str, run, run[1:]))  # the pairs, without a Python-level loop
            add(run[-1])
        elif len(word) > 1:
            add(word[:MAX_WORD])
    return out


def shard_key(token: str) -> str:
    """What picks a token's shard: its first character (CJK) or first two (words).

    All tokens a query could match by prefix share the key, so one shard per segment
    answers each query term.
    """
    return token[0] if token[0] > "\u3000" else token[:2]


def shard_of(key: str, shards: int) -> int:
    """FNV-1a (32 bit) of the key's characters, modulo the (power of two) shard count."""
    h = 0x811C9DC5
    for ch in key:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return h & (shards - 1)
