"""Which language a comment is written in: declared by the writer, or detected by lingua.

lingua ships its language models inside the package, so detection works offline.
"""

from __future__ import annotations

from functools import lru_cache

from lingua import Language as LinguaLanguage
from lingua import LanguageDetector, LanguageDetectorBuilder

from portal.models import Language, LanguageSource

_CODES = {LinguaLanguage.ENGLISH: Language.EN, LinguaLanguage.SPANISH: Language.ES}


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    return (
        LanguageDetectorBuilder.from_languages(*_CODES)
        .with_minimum_relative_distance(0.05)
        .build()
    )


def detect(text: str) -> Language | None:
    """English, Spanish, or None when the text is too short or mixed to tell."""
    if len(text.strip()) < 3:
        return None
    found = _detector().detect_language_of(text[:5000])
    return _CODES.get(found) if found else None


def resolve(declared: str | None, text: str) -> tuple[Language, LanguageSource]:
    """(language, source) to store: the writer's declaration wins over detection."""
    chosen = Language.parse(declared)
    if chosen in (Language.EN, Language.ES):
        return chosen, LanguageSource.DECLARED
    detected = detect(text)
    if detected is not None:
        return detected, LanguageSource.DETECTED
    return Language.UND, LanguageSource.UNDETERMINED
