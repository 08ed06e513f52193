"""Browser tests: Playwright driving Debian's Chromium against a live ``clipfile serve``.

Covers the analyst's path: search, open a document, follow a quote to its speaker, resolve a
forecast, export a brief.  Screenshots go to ``$CLIPFILE_SCREENSHOTS`` when set (the docs keep
theirs in ``docs/screenshots/``), else to a temporary folder.
"""
from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")
uvicorn = pytest.importorskip("uvicorn", reason="browser tests need uvicorn")

from clipfile.web import create_app  # noqa: E402

from _webfix import build_library  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = tmp_path_factory.mktemp("weblib") / "lib.sqlite"
    ids = build_library(path)
    port = _free_port()
    config = uvicorn.Config(create_app(path), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started:
        if time.time() > deadline or not thread.is_alive():
            pytest.fail("the web server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", ids
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = ctx.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    ctx.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    where = os.environ.get("CLIPFILE_SCREENSHOTS")
    out = Path(where) if where else tmp_path_factory.mktemp("shots")
    out.mkdir(parents=True, exist_ok=True)
    return out


def test_search_and_facets(server, page, shots):
    base, ids = server
    page.goto(base + "/")
    page.fill(".searchform input[name=q]", "terminal")
    page.press(".searchform input[name=q]", "Enter")
    page.wait_for_selector(".hit")
    assert page.locator(".hit").count() == 2
    assert page.locator(".snippet b").first.inner_text().lower() == "terminal"
    page.screenshot(path=str(shots / "search.png"), full_page=True)
    page.click(".facets a:has-text('Coast Courier')")
    page.wait_for_url("**source=Coast+Courier**")
    assert page.locator(".hit").count() == 1
    assert page.locator(".hit-title").inner_text() == "Councillor doubts <b>terminal</b> timetable"


def test_open_document_hover_quote_and_follow_speaker(server, page, shots):
    base, ids = server
    page.goto(base + "/search?q=timetable")
    page.click(".hit-title")
    page.wait_for_selector("#doctext")
    # The article's <script> and onerror= are text, never run.
    assert page.dialogs == [] and page.errors == []
    assert '<script>alert("owned")</script>' in page.inner_text("#doctext")
    assert page.locator("#doctext script, #doctext img").count() == 0
    page.hover("#quote-q1")
    tip = page.locator("#tip")
    tip.wait_for(state="visible")
    assert "Pavel Dunmore" in tip.inner_text() and "resolved as named" in tip.inner_text()
    page.screenshot(path=str(shots / "document.png"), full_page=True)
    page.click("#doctext a.hl-speaker")
    page.wait_for_selector("article.entity")
    assert page.inner_text("h1").startswith("Pavel Dunmore")
    assert "has no evidence for her timetable" in page.inner_text("article.entity")


def test_entity_page_charts(server, page, shots):
    base, _ = server
    page.goto(base + "/entity/E1")
    page.wait_for_selector("[data-chart=bars] svg rect.bar")
    assert page.locator("[data-chart=timeline] svg circle").count() == 1
    assert "Лена Оск" in page.inner_text(".names")
    assert page.errors == []
    page.screenshot(path=str(shots / "entity.png"), full_page=True)


def test_resolve_forecast(server, page, shots):
    base, _ = server
    page.goto(base + "/forecasts")
    row = page.locator(".ledger-overdue tr.frow").first
    assert "approve the second pier" in row.inner_text()
    row.locator("select[name=outcome]").select_option("yes")
    row.locator("input[name=date]").fill("2021-06-30")
    row.locator("input[name=note]").fill("approved at the June sitting")
    row.locator("button[type=submit]").click()
    page.wait_for_selector(".ledger-resolved tr.frow")
    assert "came true" in page.inner_text(".ledger-resolved")
    assert page.inner_text(".score-row .brier") == "0.040"
    page.wait_for_selector("[data-chart=calibration] svg circle")
    page.screenshot(path=str(shots / "ledger.png"), full_page=True)


def test_export_brief(server, page, shots, tmp_path):
    base, _ = server
    page.goto(base + "/entity/E1")
    page.click("a.brief-link")
    page.wait_for_selector("body.brief")
    assert page.inner_text("h1") == "Actor brief: Lena Osk"
    page.screenshot(path=str(shots / "brief.png"), full_page=True)
    with page.expect_download() as info:
        page.click("#download-brief")
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    html = saved.read_text(encoding="utf-8")
    assert "Actor brief: Lena Osk" in html and "?hl=" in html
    # Follow one brief line back to its source passage.
    page.click("a.src >> nth=0")
    page.wait_for_selector("#passage")
    assert page.locator("#passage").inner_text().strip() != ""
