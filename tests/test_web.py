"""The web page in a real Chromium against a real uvicorn: search as you type, a paper view, filters, history."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import ARGS, CHROMIUM
from .conftest_api import Server

LECUN_TITLE = "Handwritten Digit Recognition with a Back-Propagation Network"
EXPLOSION = "the-deep-learning-explosion"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (`make browser` installs it)"),
]


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(str(e)))
    pg.problems = problems
    yield pg
    context.close()
    assert problems == [], f"the page reported errors: {problems}"  # CSP violations are console errors too


def test_search_paper_view_filters_and_history(server: Server, page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/")
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("#view-timeline .era").count() == 7  # the timeline is the landing view

    page.locator("#q").press_sequentially("convolutional network handwritten digits", delay=15)
    expect(page.locator("#status")).to_contain_text("handwritten digits")  # (wait_for_function would need unsafe-eval)
    first = page.locator(".result").first
    assert first.locator(".title").inner_text() == LECUN_TITLE
    assert first.locator("mark").count() >= 2  # query words highlighted in the matching sentence
    assert "q=convolutional" in page.url

    link = first.locator(".hood a.nb").first
    target_title = link.get_attribute("title").split(" (")[0]
    link.click()
    page.wait_for_selector("#view-paper .hood-svg")
    assert re.search(r"#/paper/[a-z0-9-]+$", page.url)
    assert page.locator("#view-paper h1").inner_text() == target_title
    drawing = page.locator("#view-paper .hood-svg")
    assert drawing.locator("a.node").count() >= 1 and drawing.locator(".node-centre").count() == 1
    assert page.locator("#view-paper .summary p").count() >= 1
    shot = tmp_path / "paper-view.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")

    page.go_back()
    page.wait_for_selector("#view-results:not([hidden]) .result")
    assert page.locator(".result .title").first.inner_text() == LECUN_TITLE

    page.select_option("#era", EXPLOSION)
    expect(page.locator("#status")).to_contain_text("in The Deep Learning Explosion")
    eras = page.locator(".result .era-link").all_inner_texts()
    assert eras and {e.lower() for e in eras} == {"the deep learning explosion"}
    assert f"era={EXPLOSION}" in page.url
    shot = tmp_path / "era-filter.png"
    page.screenshot(path=str(shot))
    print(f"screenshot: {shot}")


def test_data_is_never_parsed_as_html_and_errors_are_shown(server: Server, page: Any) -> None:
    page.goto(server.url + "/#/search?q=" + "%3Cimg%20src%3Dx%20onerror%3Dwindow.pwned%3D1%3E%20perceptron")
    page.wait_for_selector(".result")
    assert page.evaluate("window.pwned") is None
    assert page.locator("#main img").count() == 0
    assert "<img src=x" in page.locator("#status").inner_text()

    page.goto(server.url + "/#/search?q=perceptron&from=2000&to=1990")
    page.wait_for_selector("#notice:not([hidden])")
    assert "backwards" in page.locator("#notice").inner_text()
    assert page.locator("#year-from").get_attribute("aria-invalid") == "true"
    assert page.problems == [
        "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
    ]
    page.problems.clear()  # that 422 was the point


def test_timeline_links_open_papers_and_narrow_screens_fit(server: Server, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    try:
        page.goto(server.url + "/")
        page.wait_for_selector("body[data-ready=true]")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the screen
        page.locator(".era-papers a", has_text=LECUN_TITLE).click()
        page.wait_for_selector("#view-paper .hood-svg")
        assert page.locator(".hood-svg").get_attribute("data-layout") == "narrow"
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert _with_one_long_word(page, "#view-paper h1, .summary p, .authors, q.evidence") <= 375
        page.goto(server.url + "/#/search?q=handwritten+digits")
        page.wait_for_selector(".result")
        assert _with_one_long_word(page, ".result .title a, .result .authors, .result .why") <= 375
        page.goto(server.url + "/")
        page.wait_for_selector("body[data-ready=true]")
        assert _with_one_long_word(page, ".era-papers a, .era-body p") <= 375
    finally:
        context.close()


def _with_one_long_word(page: Any, selector: str) -> int:
    """The page's width once each element ``selector`` finds holds a title's worth (500 characters) of one word."""
    page.evaluate("s => document.querySelectorAll(s).forEach((e) => { e.textContent = 'x'.repeat(500); })", selector)
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_the_reading_of_a_query_shows_as_chips_that_one_click_takes_back(server: Server, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/#/search?q=" + "what came out in 2015?".replace(" ", "+").replace("?", "%3F"))
    page.wait_for_selector("body[data-ready=true]")
    chips = page.locator("#understood .chip")
    expect(chips).to_have_count(1)
    assert chips.first.inner_text().startswith("papers from 2015")
    expect(page.locator(".result .year").first).to_have_text("2015")
    years = [int(y) for y in page.locator(".result .year").all_inner_texts()]
    assert years[:6] == [2015] * 6, years  # the time is read: the six papers of 2015
    chips.first.locator("button").click()  # take the time back
    expect(page.locator("#understood .chip")).to_have_count(0)
    assert "ignore=time" in page.url
    expect(page.locator("#understood")).to_be_hidden()
    years = [int(y) for y in page.locator(".result .year").all_inner_texts()]
    assert years[:6] != [2015] * 6, years
    page.go_back()  # the reading comes back with the history
    expect(page.locator("#understood .chip")).to_have_count(1)
    page.locator("#understood").get_by_role("button", name="Search the words as typed").click()
    assert "understand=0" in page.url
    expect(page.locator("#understood")).to_contain_text("Read times, names and intent")


def test_a_question_the_list_does_not_cover_says_so(server: Server, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/#/search?q=best+pizza+in+naples")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#no-match")).to_be_visible()
    assert "Nothing in the reading list seems to match" in page.locator("#no-match").inner_text()
    assert page.locator(".result").count() >= 1  # the nearest papers are still listed
    page.locator("#q").fill("")
    page.locator("#q").press_sequentially("convolutional networks for handwritten digits", delay=10)
    expect(page.locator("#no-match")).to_be_hidden()


def test_the_answer_card_cites_papers_and_a_citation_opens_the_paper(server: Server, page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/#/search?q=how+were+deep+nets+first+trained%3F")
    page.wait_for_selector("body[data-ready=true]")
    card = page.locator("#answer")
    expect(card).to_be_visible()
    expect(card.locator(".cite").first).to_have_text("(Rumelhart, Hinton & Williams, 1986) [1]")
    assert card.locator(".sentence").count() >= 2
    assert "Learning Representations by Back-Propagating Errors" in card.locator(".sources").inner_text()
    assert card.locator(".reading-order li").count() >= 1
    # the card sits above the results, which are still there
    card_box, first_box = card.bounding_box(), page.locator(".result").first.bounding_box()
    assert card_box and first_box and card_box["y"] < first_box["y"]
    shot = tmp_path / "answer-card.png"
    page.screenshot(path=str(shot))
    print(f"screenshot: {shot}")
    card.locator(".cite").first.click()
    page.wait_for_selector("#view-paper .hood-svg")
    assert page.locator("#view-paper h1").inner_text() == "Learning Representations by Back-Propagating Errors"
    page.go_back()
    expect(page.locator("#answer .cite").first).to_be_visible()

    page.locator("#q").fill("")
    page.locator("#q").press_sequentially("best pizza in naples", delay=10)
    expect(page.locator("#no-match")).to_be_visible()
    expect(page.locator("#answer")).to_be_hidden()  # the results already say the list does not cover it


def test_a_choice_answer_shows_its_note_apart_from_the_quotes(server: Server, page: Any) -> None:
    """'GloVe' names no paper of the list: the card quotes word2vec and shows the program's own line as a note."""
    from playwright.sync_api import expect

    page.goto(server.url + "/#/search?q=which+came+first%2C+word2vec+or+GloVe%3F")
    page.wait_for_selector("body[data-ready=true]")
    note = page.locator("#answer .answer-note")
    expect(note).to_have_count(1)
    assert "GloVe" in note.inner_text() and note.get_attribute("title") == "Not a quote from the list"
    assert "GloVe" not in page.locator("#answer .answer-text").inner_text()  # not among the quotes
    page.locator("#q").fill("")
    page.locator("#q").press_sequentially("how were deep nets first trained?", delay=10)
    expect(page.locator("#answer .cite").first).to_be_visible()
    expect(page.locator("#answer .answer-note")).to_have_count(0)


def test_the_paper_view_says_what_to_read_before_and_after_and_draws_the_path(
    server: Server, page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/#/paper/2017-vaswani-transformer")
    page.wait_for_selector("#view-paper .hood-svg")
    before = page.locator(".read-before li")
    expect(before.first).to_contain_text("Neural Machine Translation by Jointly Learning to Align and Translate")
    assert 2 <= before.count() <= 8
    assert page.locator(".read-after li").count() >= 1
    far = page.locator(".read-before li", has_text="via").first  # an entry two hops away, through Bahdanau
    far.get_by_role("button", name="Show the path").click()
    lit = page.locator(".hood-svg .on-path")
    expect(lit.first).to_be_visible()
    assert page.locator('.hood-svg a.node.on-path[data-id="2015-bahdanau-attention"]').count() == 1
    assert page.locator('.hood-svg path.edge.on-path[data-id="2015-bahdanau-attention"]').count() == 1
    expect(page.locator(".path-caption")).to_contain_text("→ Attention Is All You Need (2017)")
    shot = tmp_path / "read-before.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")
    far.get_by_role("button", name="Show the path").click()  # again: off
    expect(page.locator(".hood-svg .on-path")).to_have_count(0)
    page.locator(".read-before li a").first.click()
    expect(page.locator("#view-paper h1")).to_have_text(
        "Neural Machine Translation by Jointly Learning to Align and Translate"
    )


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A page 390 px wide, as on a phone."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(str(e)))
    yield pg
    context.close()
    assert problems == [], f"the page reported errors: {problems}"


def test_on_a_phone_citations_and_mentions_run_on_rails_of_their_own(
    server: Server, phone: Any, tmp_path: Path
) -> None:
    phone.goto(server.url + "/#/paper/2017-vaswani-transformer")  # built on and built upon by both kinds
    phone.wait_for_selector("#view-paper .hood-svg")
    assert phone.locator(".hood-svg").get_attribute("data-layout") == "narrow"
    drawn = phone.evaluate(
        """() => [...document.querySelectorAll('.hood-svg path.edge')].map((e) => ({
            kind: e.classList.contains('edge-cites') ? 'cites' : 'mentions', left: e.getBBox().x,
            dashes: getComputedStyle(e).strokeDasharray }))"""
    )
    rails = {kind: {round(d["left"]) for d in drawn if d["kind"] == kind} for kind in ("cites", "mentions")}
    assert len(rails["cites"]) == 1 and len(rails["mentions"]) == 1, rails  # one rail each ...
    assert abs(rails["cites"].pop() - rails["mentions"].pop()) >= 10  # ... at least 10 units apart
    dashes = {k: {d["dashes"] for d in drawn if d["kind"] == k} for k in ("cites", "mentions")}
    assert dashes["cites"] == {"none"} and "none" not in dashes["mentions"]
    legend = phone.locator(".hood-legend .legend-item")
    assert [legend.nth(i).get_attribute("data-kind") for i in range(legend.count())] == ["cites", "mentions"]
    assert all(legend.nth(i).is_visible() for i in range(2))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.locator(".hood-figure").screenshot(path=str(tmp_path / "phone-drawing.png"))


def test_on_a_phone_the_era_chips_show_that_they_scroll(server: Server, phone: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    phone.goto(server.url + "/")
    phone.wait_for_selector("body[data-ready=true]")
    nav, row = phone.locator(".era-nav"), phone.locator(".era-row")
    width, room = nav.evaluate("n => [n.scrollWidth, n.clientWidth]")
    assert width > room  # the chips run past the screen on one line ...
    expect(row).to_have_class(re.compile(r"\bmore-right\b"))  # ... so the row fades and shows an arrow there
    arrow = phone.locator(".era-scroll-right")
    expect(arrow).to_be_visible()
    assert nav.evaluate("n => getComputedStyle(n).maskImage || getComputedStyle(n).webkitMaskImage") != "none"
    box, screen = arrow.bounding_box(), 390
    assert box and box["x"] + box["width"] <= screen
    phone.locator(".era-row").screenshot(path=str(tmp_path / "phone-chips.png"))
    arrow.click()
    expect(row).to_have_class(re.compile(r"\bmore-left\b"))  # it scrolled, and now the start is hidden too
    assert nav.evaluate("n => n.scrollLeft") > 0
    nav.evaluate("n => n.scrollTo({ left: n.scrollWidth })")
    expect(row).not_to_have_class(re.compile(r"\bmore-right\b"))  # at the end: no arrow to the right
    expect(arrow).to_be_hidden()


def test_a_repeated_search_says_it_came_from_the_cache(server: Server, phone: Any, browser: Any) -> None:
    from playwright.sync_api import expect

    address = server.url + "/#/search?q=dropout+regularisation+of+big+networks"
    phone.goto(address)
    expect(phone.locator("#status")).to_contain_text(re.compile(r"· \d+ ms$"))  # asked for the first time
    phone.goto(server.url + "/#/")
    phone.wait_for_selector("#view-timeline:not([hidden])")
    phone.goto(address)  # the same question again in this page
    expect(phone.locator("#status")).to_contain_text("· from the cache")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        fresh = context.new_page()  # a new page: the server answers from its own cache (`cached`: true)
        fresh.goto(address)
        expect(fresh.locator("#status")).to_contain_text("· from the cache")
        assert "0 ms" not in fresh.locator("#status").inner_text()
    finally:
        context.close()


def test_read_before_can_show_every_entry(server: Server, phone: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    phone.goto(server.url + "/#/paper/2017-vaswani-transformer")
    phone.wait_for_selector("#view-paper .read-before li")
    section = phone.locator(".read-before")
    total = int(re.search(r"of (\d+)", section.locator(".reading-count").inner_text()).group(1))  # type: ignore[union-attr]
    assert section.locator("li").count() == 8 < total
    section.get_by_role("button", name=f"Show all {total}").click()
    expect(section.locator(".reading-list > li")).to_have_count(total)
    expect(section.locator(".reading-count")).to_have_text(re.compile(rf"^All {total}:"))
    focused = phone.evaluate("document.activeElement.closest('li')?.dataset.id")
    assert focused == section.locator(".reading-list > li").nth(8).get_attribute("data-id")  # where the new ones start
    ties = set(section.locator(".reading-list > li").evaluate_all("els => els.map((e) => e.dataset.tie)"))
    assert ties <= {"cites", "mentions", "similar"} and "similar" in ties
    by_meaning = section.locator('.reading-list > li[data-tie="similar"]').first
    assert "close in meaning" in by_meaning.locator(".evidence").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    section.screenshot(path=str(tmp_path / "phone-read-before.png"))


def test_an_order_shows_as_a_chip_and_an_everyday_question_is_declined(server: Server, page: Any) -> None:
    """ "The oldest paper" is read as an order the page says back as a chip (× takes it back); a question about
    everyday life that shares one word with the field is declined, answer and all."""
    from playwright.sync_api import expect

    page.goto(server.url + "/#/search?q=which+paper+on+this+list+is+the+oldest+one%3F")
    page.wait_for_selector("body[data-ready=true]")
    chip = page.locator('#understood .chip[data-part="order"]')
    expect(chip).to_have_text(re.compile("the whole list, oldest first"))
    expect(page.locator(".result .year").first).to_have_text("1943")
    expect(page.locator("#answer .cite").first).to_have_text("(McCulloch & Pitts, 1943) [1]")
    chip.locator("button").click()  # take the order back
    assert "ignore=order" in page.url
    expect(page.locator('#understood .chip[data-part="order"]')).to_have_count(0)

    page.locator("#q").fill("")
    page.locator("#q").press_sequentially("how do I get my toddler to pay attention at dinner", delay=10)
    expect(page.locator("#no-match")).to_be_visible()
    expect(page.locator("#answer")).to_be_hidden()


# ---------------------------------------------------------------- citing, and papers imported without a question


def cited(server: Server, path: str) -> str:
    """What the API gives for a citation endpoint: the text the page should copy."""
    import httpx

    r = httpx.get(server.url + path, timeout=30)
    assert r.status_code == 200, r.text
    return r.text


@pytest.fixture
def clipboard_page(browser: Any, server: Server) -> Iterator[Any]:
    """A page of the shared server whose context may read and write the clipboard (127.0.0.1 is a secure context)."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(str(e)))
    yield pg
    context.close()
    assert problems == [], f"the page reported errors: {problems}"


def test_cite_copies_the_papers_bibtex_and_the_answer_cites_its_sources(server: Server, clipboard_page: Any) -> None:
    from playwright.sync_api import expect

    page = clipboard_page
    page.goto(server.url + "/#/paper/1989-lecun-cnn")
    page.wait_for_selector("#view-paper .hood-svg")
    page.get_by_role("button", name="Cite", exact=True).click()
    expect(page.locator("#view-paper .cite-status")).to_have_text("BibTeX copied to the clipboard")
    bibtex = cited(server, "/papers/1989-lecun-cnn/cite?format=bibtex")
    assert page.evaluate("navigator.clipboard.readText()") == bibtex and bibtex.startswith("@misc{1989-lecun-cnn,")
    downloads = page.locator("#view-paper .cite-more a")
    assert [downloads.nth(i).get_attribute("download") for i in range(downloads.count())] == [
        "1989-lecun-cnn.ris",
        "1989-lecun-cnn.json",
        "1989-lecun-cnn.txt",
    ]

    page.goto(server.url + "/#/search?q=how+were+deep+nets+first+trained%3F")
    card = page.locator("#answer")
    expect(card.locator(".cite-sources")).to_be_visible()
    ids = [
        href.removeprefix("#/paper/")
        for href in card.locator(".sources a").evaluate_all("a => a.map((x) => x.getAttribute('href'))")
    ]
    card.locator(".cite-sources").click()
    expect(card.locator(".cite-status")).to_have_text("BibTeX of the sources copied to the clipboard")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert ids and copied == cited(server, "/cite?ids=" + ",".join(ids) + "&format=bibtex")
    assert [line.split("{")[1].rstrip(",") for line in copied.splitlines() if line.startswith("@")] == ids


def test_without_a_clipboard_the_bibtex_is_shown_to_copy(server: Server, browser: Any) -> None:
    """Over plain http on a name other than this machine's the page is not a secure context: no clipboard."""
    from playwright.sync_api import expect

    port = server.url.rsplit(":", 1)[1]
    elsewhere = browser.browser_type.launch(
        executable_path=str(CHROMIUM), args=[*ARGS, "--host-resolver-rules=MAP papers.test 127.0.0.1"]
    )
    try:
        page = elsewhere.new_page()
        page.goto(f"http://papers.test:{port}/#/paper/2017-vaswani-transformer")
        page.wait_for_selector("#view-paper .hood-svg")
        assert page.evaluate("window.isSecureContext") is False
        page.get_by_role("button", name="Cite", exact=True).click()
        box = page.locator("#view-paper .cite-box")
        expect(box).to_be_visible()
        expect(page.locator("#view-paper .cite-status")).to_contain_text("cannot reach the clipboard")
        assert box.input_value() == cited(server, "/papers/2017-vaswani-transformer/cite")
        assert page.evaluate("document.activeElement.classList.contains('cite-box')")
        selected = page.evaluate(
            "(() => { const b = document.activeElement; return b.selectionEnd - b.selectionStart; })()"
        )
        assert selected == len(box.input_value())  # selected, ready to copy
    finally:
        elsewhere.close()


@pytest.fixture(scope="module")
def imported_server(imported: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from .conftest_api import running_server

    corpus, index = imported
    with running_server(index, corpus, tmp_path_factory.mktemp("imported-server") / "server.log") as s:
        yield s


def test_a_paper_imported_without_a_question_shows_where_it_appeared_with_safe_links(
    imported_server: Server, page: Any
) -> None:
    page.goto(imported_server.url + "/#/paper/2012-hinton-deep-neural")
    page.wait_for_selector("#view-paper .hood-svg")
    paper = page.locator("#view-paper")
    assert paper.locator(".question").count() == 0 and paper.locator(".summary").count() == 0
    assert paper.locator(".no-summary").inner_text() == "The list has no summary of this paper yet."
    assert "null" not in paper.inner_text()  # nothing the paper lacks is written out
    idents = paper.locator(".identifiers")
    assert idents.locator(".venue").inner_text() == "IEEE Signal Processing Magazine"
    assert idents.locator("a").evaluate_all("a => a.map((x) => x.href)") == ["https://doi.org/10.1109/MSP.2012.2205597"]
    assert idents.locator(".url").inner_text() == "http://ieeexplore.ieee.org/document/6296526/"  # http: text, no link
    hrefs = page.locator("a[href]").evaluate_all("a => a.map((x) => x.getAttribute('href'))")
    assert all(h.startswith(("#", "/", "https://")) for h in hrefs), hrefs  # nothing else is ever a link

    page.goto(imported_server.url + "/#/paper/2014-srivastava-dropout-simple")
    page.wait_for_selector("#view-paper h1:text('Dropout')")
    links = page.locator("#view-paper .identifiers a").evaluate_all("a => a.map((x) => [x.href, x.rel])")
    assert links == [
        ["https://arxiv.org/abs/1207.0580", "noopener noreferrer"],
        ["https://jmlr.org/papers/v15/srivastava14a.html", "noopener noreferrer"],
    ]

    page.goto(imported_server.url + "/#/search?q=dropout+prevents+overfitting")
    first = page.locator(".result").first
    assert first.get_attribute("data-id") == "2014-srivastava-dropout-simple"
    assert first.locator(".question").count() == 0 and first.locator(".why").count() == 0  # no empty quote box


# ---------------------------------------------------------------- addresses that name nothing, and long chips


def test_an_unknown_paper_or_era_says_so_in_one_request_with_a_way_back(server: Server, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/")
    page.wait_for_selector("body[data-ready=true]")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/papers/" in r.url or "/eras" in r.url else None)
    page.evaluate("location.hash = '#/paper/1999-no-such-paper'")
    expect(page.locator("#view-paper h1")).to_have_text("No such paper")
    expect(page.locator("#view-paper")).to_contain_text("no paper with the id “1999-no-such-paper”")
    assert asked == [server.url + "/papers/1999-no-such-paper"]  # not the paper, its similar and both paths
    assert page.problems == ["Failed to load resource: the server responded with a status of 404 (Not Found)"]
    page.problems.clear()  # that 404 was the point
    page.locator("#view-paper a", has_text="Browse the eras").click()
    page.wait_for_selector("#view-timeline:not([hidden]) .era")
    assert page.locator("#view-timeline .era").count() == 7

    asked.clear()
    page.evaluate("location.hash = '#/era/bronze-age'")
    expect(page.locator("#view-paper h1")).to_have_text("No such era")
    expect(page.locator("#view-timeline")).to_be_hidden()
    ways = page.locator("#view-paper .ways-on a")
    assert ways.count() == 8 and asked == []  # the seven eras and the timeline; the eras came with the page
    ways.filter(has_text="The Deep Learning Explosion").click()
    expect(page.locator("#view-timeline .era")).to_have_count(1)
    assert page.locator("#view-timeline .era h2").inner_text().lower() == "the deep learning explosion"
    assert page.url.endswith(f"#/era/{EXPLOSION}")

    asked.clear()  # a paper of the list still asks for its four parts at once
    page.evaluate("location.hash = '#/paper/1989-lecun-cnn'")
    page.wait_for_selector("#view-paper .hood-svg")
    assert len(asked) == 4, asked


def test_a_chip_whose_label_wraps_keeps_its_text_clear_of_its_corners(
    server: Server, phone: Any, tmp_path: Path
) -> None:
    """On a phone a long chip ("what came after <a long title>") wraps: a pill's round ends would then be as tall
    as the chip and cut into its lines; its corners stay small instead, and the chip within the screen."""
    from playwright.sync_api import expect

    phone.goto(server.url + "/#/search?q=what+came+after+learning+representations+by+back-propagating+errors%3F")
    phone.wait_for_selector("body[data-ready=true]")
    chip = phone.locator('#understood .chip[data-part="order"]')
    expect(chip).to_contain_text("Learning Representations by Back-Propagating Errors")
    box = chip.evaluate(
        """c => { const s = getComputedStyle(c), r = c.getBoundingClientRect(), t = c.firstElementChild;
        const line = parseFloat(getComputedStyle(t).lineHeight);
        return { lines: Math.round(t.getBoundingClientRect().height / line), height: r.height, right: r.right,
                 radius: Math.min(parseFloat(s.borderTopLeftRadius), r.height / 2), line,
                 inset: t.getBoundingClientRect().left - r.left }; }"""
    )
    chip.screenshot(path=str(tmp_path / "long-chip.png"))
    assert box["lines"] >= 2, box  # the label does wrap at 390 px
    assert box["radius"] <= box["line"] * 0.75, box  # a rounded box, not a stadium as tall as the chip
    assert box["inset"] >= box["radius"] * 0.3, box  # the first line starts clear of the corner's curve
    assert box["right"] <= 390 and phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_with_nothing_tied_before_a_paper_the_page_offers_the_papers_nearest_in_time(server: Server, page: Any) -> None:
    """Backpropagation builds on no paper of the list and none is near it in meaning: "Read before" lists the papers
    nearest in time, each saying it is not tied to it (a step at 0.04 "by meaning" was offered)."""
    from playwright.sync_api import expect

    page.goto(server.url + "/#/paper/1986-rumelhart-backpropagation")
    page.wait_for_selector("#view-paper .hood-svg")
    before = page.locator(".read-before .reading-list > li")
    expect(before.first).to_contain_text("Implementing Semantic Networks in Parallel Hardware")
    assert before.count() == before.and_(page.locator('[data-tie="time"]')).count() >= 2
    assert "nearest in time, not tied to it" in before.first.inner_text()


def test_a_valid_era_when_the_eras_could_not_load_says_so_and_loads_them_again(server: Server, page: Any) -> None:
    """With ``/eras`` failing, ``#/era/<a real era>`` said "No such era" of a valid id; it says the eras could not be
    loaded, with a way to try again that, the eras back, shows the era."""
    from playwright.sync_api import expect

    page.route("**/eras", lambda route: route.abort())
    page.goto(server.url + f"/#/era/{EXPLOSION}")
    expect(page.locator("#view-paper h1")).to_have_text("Could not load the eras")
    expect(page.locator("#view-paper")).not_to_contain_text("No such era")
    page.unroute("**/eras")
    page.problems.clear()  # the aborted request was the point
    page.get_by_role("button", name="Try again").click()
    expect(page.locator("#view-timeline .era")).to_have_count(1)
    assert page.locator("#view-timeline .era h2").inner_text().lower() == "the deep learning explosion"
    assert page.locator("body[data-ready=true]").count() == 1 and page.locator("#era option").count() == 8


def test_the_list_failing_to_load_stays_said_on_the_first_view_until_it_loads(server: Server, page: Any) -> None:
    """With ``/papers`` failing, the page said "Cannot load the reading list" and cleared it at once: the first view's
    route cleared every notice. It stays on the timeline and on a search until the list loads."""
    from playwright.sync_api import expect

    page.route("**/papers", lambda route: route.abort())
    page.goto(server.url + "/")
    notice = page.locator("#notice")
    expect(notice).to_contain_text("Cannot load the reading list")
    page.goto(server.url + "/#/?q=dropout")
    expect(notice).to_contain_text("Cannot load the reading list")
    page.problems.clear()  # the aborted requests were the point


def test_a_count_of_unnamed_authors_reads_as_et_al_on_the_page(server: Server, page: Any) -> None:
    """DeepSeek-R1's list ends "over 100 additional authors": the page counted it as a person ("and N others") and
    listed it among the names in the paper view; every other face says et al. (``core.names.authors_line``)."""
    from playwright.sync_api import expect

    page.goto(server.url + "/#/paper/2025-deepseek-deepseek-r1")
    authors = page.locator("#view-paper p.authors").first
    expect(authors).to_contain_text("et al.")
    assert "additional" not in authors.inner_text()
    page.goto(server.url + "/#/?q=" + "DeepSeek-R1 reasoning with reinforcement learning")
    hit = page.locator("#results li", has_text="DeepSeek-R1").first.locator(".authors")
    expect(hit).to_contain_text("et al.")
    assert "additional" not in hit.inner_text() and "others" not in hit.inner_text()


@pytest.fixture(scope="module")
def long_list_server(synthetic_list: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The run's synthetic list (tests/conftest.py's ``SYNTHETIC_PAPERS``, with reading lists of more than MAX_K
    entries), served read-only."""
    from .conftest_api import running_server

    corpus, index = synthetic_list
    with running_server(index, corpus, tmp_path_factory.mktemp("long-list") / "server.log") as s:
        yield s


def test_show_all_asks_within_the_apis_cap(long_list_server: Server, page: Any) -> None:
    """A reading list longer than ``k``'s cap (100): "Show all" asked ``k=total`` and was refused (422); it asks for
    the first 100 and says that is what one request gives."""
    import httpx
    from playwright.sync_api import expect

    from papersearch.core.params import MAX_K

    url = long_list_server.url
    ids = [p["id"] for p in httpx.get(url + "/papers", timeout=60).json()["papers"]]
    totals = [
        (httpx.get(f"{url}/papers/{pid}/path", params={"direction": d, "k": "1"}, timeout=60).json()["total"], pid, d)
        for pid in ids
        for d in ("before", "after")
    ]
    total, pid, direction = max(totals)
    assert total > MAX_K
    page.goto(f"{url}/#/paper/{pid}")
    section = page.locator(".read-before" if direction == "before" else ".read-after")
    expect(section.locator(".reading-list > li")).to_have_count(8)
    section.get_by_role("button", name=f"Show the first {MAX_K}").click()
    expect(section.locator(".reading-list > li")).to_have_count(MAX_K)
    expect(section.locator(".reading-count")).to_have_text(re.compile(rf"^The first {MAX_K} of {total} "))
    assert section.locator("button.show-all").count() == 0 and page.locator("#notice").is_hidden()
