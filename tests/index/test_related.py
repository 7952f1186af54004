from __future__ import annotations

from index.home.library import Library
from index.models import Analysis, Article, EntitySpan, stable_id


def _put(library: Library, key: str, title: str, body: str, *names: tuple[str, str]) -> str:
    spans = tuple(
        EntitySpan(body.find(text), body.find(text) + len(text), label, text, text)  # type: ignore[arg-type]
        for label, text in names
    )
    article = Article(id=stable_id(key), title=title, body=body)
    library.put([(article, Analysis(entities=spans))])
    return article.id


def test_related_blends_entities_and_terms_and_says_why() -> None:
    library = Library.in_memory()
    seed = _put(
        library,
        "seed",
        "Ceasefire talks",
        "Antony Blinken pressed for a ceasefire and aid "
        "deliveries in Gaza as the ceasefire talks stalled.",
        ("PERSON", "Antony Blinken"),
        ("PLACE", "Gaza"),
    )
    near = _put(
        library,
        "near",
        "Aid convoys",
        "Aid convoys waited in Gaza; diplomats hope a ceasefire will let aid deliveries through.",
        ("PLACE", "Gaza"),
    )
    named = _put(
        library,
        "named",
        "Blinken travels",
        "Antony Blinken flew to Tokyo for trade meetings.",
        ("PERSON", "Antony Blinken"),
        ("PLACE", "Tokyo"),
    )
    _put(library, "far", "Marathon record", "A record field of runners started the marathon.")

    found = library.related(seed, limit=3)
    ids = [item.id for item in found]
    assert ids[0] == near
    assert named in ids
    assert seed not in ids
    by_id = {item.id: item for item in found}
    assert by_id[near].shared == ("Gaza",)
    assert "ceasefire" in by_id[near].similar
    assert by_id[named].shared == ("Antony Blinken",)
    assert by_id[near].reason.startswith("shares: Gaza · similar: ")


def test_related_of_unknown_article_is_empty() -> None:
    assert Library.in_memory().related("nope") == []


def test_copies_of_one_story_are_listed_once_and_never_the_open_one() -> None:
    library = Library.in_memory()
    body = "Antony Blinken pressed for a ceasefire and aid deliveries in Gaza."
    seed = _put(library, "seed", "Ceasefire talks", body, ("PLACE", "Gaza"))
    _put(library, "same", "Ceasefire  talks", body + " Wire copy.", ("PLACE", "Gaza"))
    first = _put(library, "copy1", "Aid convoys", body + " Convoys wait.", ("PLACE", "Gaza"))
    second = _put(library, "copy2", "aid convoys", body + " Convoys wait.", ("PLACE", "Gaza"))
    other = _put(library, "other", "Gaza talks", "Talks on Gaza aid resumed.", ("PLACE", "Gaza"))

    found = [item.id for item in library.related(seed, limit=5)]
    assert stable_id("same") not in found
    assert (first in found) != (second in found)
    assert other in found
    assert len(found) == 2


def test_similar_words_are_the_articles_own_words_never_stems_or_filler() -> None:
    """Issue 16, item 7: reasons showed stems (``resum``, ``emphasiz``) and words that say
    nothing (``news``, ``people``, ``show``); an item with no reason is not shown."""
    library = Library.in_memory()
    seed = _put(
        library,
        "seed",
        "Mediation Talks Resume",
        "People said the news would show that mediators emphasized the harbour treaty. "
        "Mediators emphasized it again on Saturday; the treaty negotiations resumed.",
    )
    near = _put(
        library,
        "near",
        "Treaty mediators",
        "People watching the news show said mediators resume the harbour treaty negotiations "
        "and emphasize progress on Saturday.",
    )
    _put(library, "far", "Marathon record", "People said the news would show a record field.")
    found = library.related(seed, limit=3)
    assert [item.id for item in found] == [near]
    similar = found[0].similar
    assert similar, found
    body = "mediation talks resume " + library.article(seed).article.body.lower()  # type: ignore[union-attr]
    for word in similar:
        assert word in body.split() or f"{word};" in body or f"{word}." in body, (word, similar)
    assert not {"resum", "emphasiz", "mediat"} & set(similar), similar
    assert not {"people", "news", "show", "saturday", "said"} & set(similar), similar
