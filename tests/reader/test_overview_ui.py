"""Issue 14: the overview (the view's facets and timeline, ``O``) and the entity page."""

from __future__ import annotations

from datetime import date

from conftest import ready, seed_id, wait_for

from reader.screens.entity import EntityScreen
from reader.widgets.article_list import ArticleList
from reader.widgets.article_view import ArticleView
from reader.widgets.facets import FacetList
from reader.widgets.search_bar import QueryInput
from reader.widgets.timeline import TimelineChart, bars, bucket_end

SIZE = (120, 36)


def _main(app):  # type: ignore[no-untyped-def]
    return app.screen_stack[1]


def _list_ids(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [hit.id for hit in _main(app).query_one(ArticleList).hits]


def _facet_ids(app) -> list[str]:  # type: ignore[no-untyped-def]
    facets = _main(app).query_one(FacetList)
    return [option.id for option in facets.options if option.id]


def _facet_total(app) -> str:  # type: ignore[no-untyped-def]
    facets = _main(app).query_one(FacetList)
    return str(facets.get_option_at_index(0).prompt) if facets.option_count else ""


def _chart(app) -> TimelineChart:  # type: ignore[no-untyped-def]
    return _main(app).query_one("#timeline", TimelineChart)


def test_bars_scale_to_the_peak_and_never_hide_a_non_zero_bucket() -> None:
    assert bars([0, 1, 8, 12, 16], 16, 2) == ["   ▄█", " ▁███"]
    assert bars([1, 1000], 1000, 1) == ["▁█"]
    assert bucket_end(date(2024, 2, 1), "month") == date(2024, 2, 29)
    assert bucket_end(date(2024, 11, 4), "week") == date(2024, 11, 10)


async def test_the_overview_counts_the_view_and_a_facet_narrows_it(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        await pilot.press("O")
        await wait_for(pilot, lambda: "7 articles in view" in _facet_total(app))
        assert app.focused is _main(app).query_one(FacetList)
        assert "PERSON\tAntony Blinken" in _facet_ids(app)
        assert _chart(app).timeline is not None and sum(_chart(app).timeline.published) == 7

        await pilot.press("slash", *"gaza", "enter")  # the overview follows the query
        await wait_for(pilot, lambda: "in view" in _facet_total(app) != "7 articles in view")
        in_view = int(_facet_total(app).split()[0])
        assert in_view == len(_list_ids(app))

        await pilot.press("O")
        facets = _main(app).query_one(FacetList)
        facets.highlighted = facets.get_option_index("PERSON\tAntony Blinken")
        await pilot.press("enter")
        query = _main(app).query_one(QueryInput)
        assert query.value == 'gaza person:"antony blinken"'
        await wait_for(pilot, lambda: _main(app).query_text == query.value)
        await wait_for(pilot, lambda: int(_facet_total(app).split()[0]) < in_view)
        narrowed = set(_list_ids(app))

        assert app.focused is facets  # the facets keep the focus: narrow again, or leave out
        facets.highlighted = facets.get_option_index("PERSON\tAntony Blinken")
        await pilot.press("x")  # both it and not it: nothing
        await wait_for(pilot, lambda: "NOT person" in _main(app).query_text)
        await wait_for(pilot, lambda: _facet_total(app).startswith("0 articles"))
        assert narrowed


async def test_a_stretch_of_the_timeline_filters_the_view_by_date(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        await pilot.press("t")
        chart = _chart(app)
        await wait_for(pilot, lambda: chart.timeline is not None)
        assert app.focused is chart
        line = chart.timeline
        assert line is not None and line.bucket == "day"  # 2024-10-02 .. 2024-11-12: under 92 days
        last = len(line.starts) - 1
        assert chart.cursor == last
        await pilot.press("shift+left")
        assert chart.span == (last - 1, last)
        start, end = chart.selected_dates()  # type: ignore[misc]
        await pilot.press("enter")
        expected = f"published:[{start.isoformat()} to {end.isoformat()}]"
        await wait_for(pilot, lambda: _main(app).query_text == expected)
        await wait_for(pilot, lambda: len(_list_ids(app)) > 0)
        hits = _main(app).query_one(ArticleList).hits
        assert all(start <= hit.published.date() <= end for hit in hits if hit.published)
        wanted = sum(line.published[last - 1 :])
        assert len(hits) == wanted

        await pilot.press("t")  # a second stretch replaces the first
        await wait_for(pilot, lambda: chart.timeline is not None and chart.timeline != line)
        await pilot.press("home", "enter")
        await wait_for(pilot, lambda: _main(app).query_text != expected)
        assert _main(app).query_text.count("published:[") == 1


async def test_the_entity_page_and_back(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        await pilot.press("slash", *"siege", "enter")
        await wait_for(pilot, lambda: _main(app).query_one(ArticleView).article_id == seed_id())
        await pilot.press("e", "enter")  # the entities pane: Antony Blinken's page
        await wait_for(pilot, lambda: isinstance(app.screen, EntityScreen))
        page_screen = app.screen
        await wait_for(pilot, lambda: page_screen.page is not None)
        page = page_screen.page
        assert page.name == "Antony Blinken" and page.label == "PERSON"
        assert page.count >= 2
        assert sum(page.timeline.published) == page.count
        company = [c.name for c in page.cooccurring]
        assert "Gaza" in company

        # A companion's page on top; escape comes back to Blinken's.
        company_list = page_screen.query_one("#company")
        company_list.focus()
        company_list.highlighted = company.index("Gaza")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is not page_screen)
        await wait_for(pilot, lambda: app.screen.page is not None)
        assert app.screen.page.name == "Gaza"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is page_screen)

        # Enter on one of the latest articles: every page closes and it opens.
        other = next(hit.id for hit in page.latest if hit.id != seed_id())
        latest = page_screen.query_one("#latest")
        latest.focus()
        latest.highlighted = [hit.id for hit in page.latest].index(other)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is _main(app))
        await wait_for(pilot, lambda: _main(app).query_one(ArticleView).article_id == other)
        await pilot.press("backspace")  # back to where the page was opened from
        await wait_for(pilot, lambda: _main(app).query_one(ArticleView).article_id == seed_id())


async def test_an_unknown_entity_says_so(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        _main(app).open_entity_page("person:nobody at all")
        await wait_for(pilot, lambda: isinstance(app.screen, EntityScreen))
        heading = app.screen.query_one("#entity-heading")
        await wait_for(pilot, lambda: "no entity" in str(heading.render()))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is _main(app))
