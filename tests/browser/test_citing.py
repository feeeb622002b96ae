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


def test_it_shows_the_publication_in_italics_and_cites_in_a_style_the_reader_names(site, page):
    page.goto(site + ARTICLE)
    cite = page.locator("details.cite")
    cite.locator("summary").click()
    publication = cite.locator("p.citation i", has_text="taz").first
    assert publication.evaluate("element => getComputedStyle(element).fontStyle") == "italic"
    page.get_by_label("Another CSL style").fill("ieee")
    page.get_by_role("button", name="Cite", exact=True).click()
    page.wait_for_url("**/cite?style=ieee")
    assert page.get_by_role("heading", name="Cite in IEEE").is_visible()
    entry = page.locator("p.citation").inner_text()
    # citeproc-js's IEEE: the comma inside the closing quote (citeproc-py put it outside).
    assert entry.startswith("[1] DPA and AP, “Computervirus Code Red 2 schlägt zu,” taz, Aug. 10, 2001.")
    assert "[Online]. Available:" in entry
