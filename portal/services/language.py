"""Which language a comment is written in: declared by the writer, or detected by lingua.

lingua ships its language models inside the package, so detection works offline.
"""

from __future__ import annotations

from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

DETECTOR_NAME = "lingua"
_CODES = {Language.ENGLISH: "en", Language.SPANISH: "es"}


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    return (
        LanguageDetectorBuilder.from_languages(*_CODES)
        .with_minimum_relative_distance(0.05)
        .build()
    )


def detect(text: str) -> str | None:
    """"en", "es", or None when the text is too short or mixed to tell."""
    if len(text.strip()) < 3:
        return None
    found = _detector().detect_language_of(text[:5000])
    return _CODES.get(found) if found else None


def resolve(declared: str | None, text: str) -> tuple[str, str]:
    """(language, source) to store: the writer's declaration wins over detection."""
    if declared in ("en", "es"):
        return declared, "declared"
    detected = detect(text)
    if detected:
        return detected, f"detected:{DETECTOR_NAME}"
    return "und", "undetermined"
