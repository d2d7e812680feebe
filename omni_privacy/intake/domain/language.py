"""The language a person wrote in (notice §2.1: "preferred language" is among the data held).

Pure. A Content-Language header decides when it names French or English; otherwise a count of
common short words of each language in the text; no clear answer means "not known" (None),
never a guess.
"""

from __future__ import annotations

import re

_WORDS = re.compile(r"[a-zàâçéèêëîïôûùüÿœæ']+")
_FRENCH = frozenset(
    [
        "le",
        "la",
        "les",
        "des",
        "une",
        "est",
        "et",
        "je",
        "vous",
        "nous",
        "pour",
        "dans",
        "avec",
        "bonjour",
        "merci",
        "votre",
        "notre",
        "sur",
        "pas",
        "qui",
        "que",
        "ce",
        "cette",
        "sont",
        "être",
        "avoir",
        "aimerions",
        "voudrais",
        "salutations",
        "cordialement",
    ]
)
_ENGLISH = frozenset(
    [
        "the",
        "and",
        "is",
        "are",
        "you",
        "we",
        "for",
        "with",
        "hello",
        "thanks",
        "thank",
        "your",
        "our",
        "on",
        "not",
        "who",
        "that",
        "this",
        "be",
        "have",
        "would",
        "like",
        "regards",
        "please",
    ]
)


def language_of(content_language: str | None, text: str) -> str | None:
    """``fr``, ``en`` or None."""
    if content_language:
        for tag in content_language.split(","):
            code = tag.strip().lower()[:2]
            if code in ("fr", "en"):
                return code
    words = _WORDS.findall(text.lower())
    french = sum(word in _FRENCH for word in words)
    english = sum(word in _ENGLISH for word in words)
    if french >= 2 and french > 2 * english:
        return "fr"
    if english >= 2 and english > 2 * french:
        return "en"
    return None
