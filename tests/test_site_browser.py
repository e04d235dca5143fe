"""What a person sees, in a real Chromium: overview -> group -> question, and the sortable table."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import screenshot, serve_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_overview_group_question_journey(demo_site: Path, chromium) -> None:
    with serve_site(demo_site) as base:
        page = chromium.new_page()
        page.goto(base + "2025-january/")
        screenshot(page, "overview")
        # a group with figures: the first row whose "Figures" cell is not 0
        rows = page.locator(".ca-sortable table tbody tr")
        assert rows.count() >= 3
        headers = [h.inner_text().strip() for h in page.locator(".ca-sortable table thead th").all()]
        fig_col = headers.index("Figures")
        target = None
        for i in range(rows.count()):
            if rows.nth(i).locator("td").nth(fig_col).inner_text().strip() not in ("0", ""):
                target = rows.nth(i)
                break
        assert target is not None, "no group with figures in the 2025 demo cohort"
        target.locator("td").first.locator("a").click()
        page.wait_for_load_state("load")
        assert "/2025-january/groups/" in page.url
        img = page.locator(".ca-answer img").first
        img.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
        screenshot(page, "group")
        # the figure opens in glightbox's lightbox (its scripts are inserted into generated pages as text)
        img.click()
        page.locator(".glightbox-container .gslide-image img").first.wait_for(state="visible")
        screenshot(page, "group-lightbox")
        page.keyboard.press("Escape")
        page.locator(".glightbox-container").wait_for(state="detached")
        # from a question on the group page to the question page with every group's answer
        page.locator('a:has-text("every group\'s answer")').first.click()
        page.wait_for_load_state("load")
        assert "/2025-january/questions/" in page.url
        answers = page.locator(".ca-answer")
        assert answers.count() >= 2, "the question page should show other groups' answers"
        screenshot(page, "question")


def test_overview_shows_every_column_on_a_laptop_screen(demo_site: Path, chromium) -> None:
    with serve_site(demo_site) as base:
        page = chromium.new_page(viewport={"width": 1280, "height": 800})
        page.goto(base + "2025-january/")
        headers = page.locator(".ca-sortable table thead th")
        assert headers.count() == 10
        last = headers.last
        assert last.inner_text().strip() == "Status"
        box = last.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1280, f"the Status column is out of view: {box}"


def test_overview_table_sorts_by_clicked_column(demo_site: Path, chromium) -> None:
    with serve_site(demo_site) as base:
        page = chromium.new_page()
        page.goto(base + "2025-january/")
        table = page.locator(".ca-sortable table").first

        def column(i: int) -> list[str]:
            return [c.inner_text().strip() for c in table.locator(f"tbody tr td:nth-child({i + 1})").all()]

        headers = [h.inner_text().strip() for h in table.locator("thead th").all()]
        i = headers.index("Group")
        table.locator("thead th").nth(i).click()
        ascending = [int(v) for v in column(i)]
        assert ascending == sorted(ascending)
        table.locator("thead th").nth(i).click()
        descending = [int(v) for v in column(i)]
        assert descending == sorted(descending, reverse=True)
        # dates by date (not by their year alone), both ways; empty cells ("–") last both ways
        d = headers.index("Commit date")
        for _ in range(2):
            table.locator("thead th").nth(d).click()
            dates = [v for v in column(d) if v not in ("", "–")]
            ascending_now = table.locator("thead th").nth(d).get_attribute("aria-sort") == "ascending"
            assert dates == sorted(dates, reverse=not ascending_now)
            assert all(v not in ("", "–") for v in column(d)[: len(dates)])
        screenshot(page, "overview-sorted")
        # "Q12" sorts by its number
        page.goto(base + "2025-january/questions/")
        index = page.locator(".ca-sortable table").first
        index.locator("thead th").nth(0).click()
        numbers = [c.inner_text().strip() for c in index.locator("tbody tr td:nth-child(1)").all()]
        assert numbers == sorted(numbers, key=lambda q: int(q[1:])) and len(numbers) > 10


def test_a_link_to_a_questions_topic_anchor_shows_its_heading(demo_site: Path, chromium) -> None:
    with serve_site(demo_site) as base:
        page = chromium.new_page(viewport={"width": 1280, "height": 800})
        for anchor, heading in (("experiment-tracking", "#q14"), ("q14", "#q14"), ("q1", "h2")):
            page.goto(base + f"2025-january/groups/5/#{anchor}")
            page.wait_for_timeout(300)
            header = page.evaluate(
                "() => document.querySelector('.md-header').getBoundingClientRect().bottom"
            )
            top = page.evaluate(
                "(a) => document.getElementById(a).nextElementSibling.getBoundingClientRect().top"
                if heading == "h2"
                else "(a) => document.querySelector(a).getBoundingClientRect().top",
                anchor if heading == "h2" else heading,
            )
            assert header <= top < header + 200, (anchor, header, top)
