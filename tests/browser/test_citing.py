"""A researcher opens the Cite block and takes the reference away."""

ARTICLE = "/articles/computervirus-code-red-2-schlaegt-zu/"


def test_it_opens_the_cite_block_and_downloads_ris(site, page, tmp_path):
    page.goto(site + ARTICLE)
    cite = page.locator("details.cite")
    assert not page.get_by_text("BibTeX", exact=True).is_visible()
    cite.locator("summary").click()
    assert page.get_by_role("heading", name="APA").is_visible()
    assert "DPA & AP. (2001, August 10)." in cite.inner_text()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download RIS").click()
    download = download_info.value
    assert download.suggested_filename == "computervirus-code-red-2-schlaegt-zu.ris"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert text.startswith("TY  - NEWS") and "TI  - Computervirus Code Red 2 schlägt zu" in text


def test_it_offers_reference_managers_citation_meta_tags(site, page):
    page.goto(site + ARTICLE)
    assert page.locator('meta[name="citation_title"]').get_attribute("content") == "Computervirus Code Red 2 schlägt zu"
    data = page.locator('script[type="application/ld+json"]').inner_text()
    assert '"@type": "NewsArticle"' in data
