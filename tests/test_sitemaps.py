"""The sitemap index and its files: at most ARCHIVE_SITEMAP_LIMIT addresses a file, lastmod, every page kind."""

import datetime as dt
import xml.etree.ElementTree as ET

from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from archive import sitemaps
from tests import timeline_factories as make

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _files(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{NS}sitemapindex"
    return [(node.findtext(f"{NS}loc").removeprefix("http://testserver"), node.findtext(f"{NS}lastmod"))
            for node in root.iter(f"{NS}sitemap")]


def _urls(client, address):
    response = client.get(address)
    assert response.status_code == 200, address
    root = ET.fromstring(response.getvalue())
    assert root.tag == f"{NS}urlset"
    return [(node.findtext(f"{NS}loc").removeprefix("http://testserver"), node.findtext(f"{NS}lastmod"))
            for node in root.iter(f"{NS}url")]


def test_the_index_splits_every_section_into_files_of_at_most_the_limit(client, db, settings):
    settings.ARCHIVE_SITEMAP_LIMIT = 7
    make.many(40, step_days=40)  # 20 articles, 20 events over four years
    make.entity("code-red")
    files = _files(client)
    addresses = [address for address, _ in files]
    assert addresses.count("/sitemap-articles.xml") == 1
    assert "/sitemap-articles.xml?p=3" in addresses and "/sitemap-articles.xml?p=4" not in addresses
    found = []
    for address in addresses:
        urls = _urls(client, address)
        assert 0 < len(urls) <= 7
        found += [url for url, _ in urls]
    assert len(found) == len(set(found))
    assert sum(url.startswith("/articles/") for url in found) == 20
    assert sum(url.startswith("/events/") for url in found) == 20
    assert "/entities/code-red/" in found and "/entities/code-red/timeline/" in found
    assert "/archive/2001/" in found and "/archive/2001/1/" in found and "/archive/2004/" in found
    assert "/timeline/" in found and "/" in found


def test_records_and_periods_carry_lastmod_and_the_index_the_newest(client, db):
    article = make.article("one", "2001-08-10")
    make.event("two", "2001-08")
    files = dict(_files(client))
    assert files["/sitemap-articles.xml"].startswith(article.updated_at.date().isoformat())
    articles = dict(_urls(client, "/sitemap-articles.xml"))
    assert articles["/articles/one/"].startswith(article.updated_at.date().isoformat())
    periods = dict(_urls(client, "/sitemap-periods.xml"))
    assert set(periods) == {"/archive/2001/", "/archive/2001/8/"}
    assert all(periods.values())


def test_a_sitemap_file_reads_only_the_addresses_columns(client, db):
    make.many(10)
    with CaptureQueriesContext(connection) as captured:
        client.get("/sitemap-articles.xml").getvalue()
    reads = [q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT "archive_article"')]
    assert reads and all('"body"' not in sql and "LIMIT" in sql for sql in reads)


def test_a_sitemap_file_is_streamed_and_its_pages_end_where_the_addresses_do(client, db, settings):
    settings.ARCHIVE_SITEMAP_LIMIT = 4
    make.many(20, articles_every=2)  # 10 articles: files of 4, 4 and 2
    response = client.get("/sitemap-articles.xml?p=3")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert [url for url, _ in _urls(client, "/sitemap-articles.xml?p=3")] == ["/articles/a-16/", "/articles/a-18/"]
    for address in ["/sitemap-articles.xml?p=4", "/sitemap-articles.xml?p=0", "/sitemap-articles.xml?p=x",
                    "/sitemap-nothing.xml"]:
        assert client.get(address).status_code == 404, address


def test_a_file_holds_at_most_the_protocols_fifty_thousand_addresses(client, db, settings):
    settings.ARCHIVE_SITEMAP_LIMIT = 10**6
    assert sitemaps._limit() == 50_000
    make.many(4)
    assert [address for address, _ in _files(client)].count("/sitemap-articles.xml") == 1


def test_every_address_and_lastmod_follows_the_protocol(client, db):
    make.article("one", "2001-08-10")
    make.event("two", "2001-08")
    for address, _ in _files(client):
        response = client.get(address)
        root = ET.fromstring(response.getvalue())
        for url in root.iter(f"{NS}url"):
            assert url.findtext(f"{NS}loc").startswith("http://testserver/")
            assert url.findtext(f"{NS}changefreq") in {"daily", "monthly", "yearly"}
            assert 0 <= float(url.findtext(f"{NS}priority")) <= 1
            lastmod = url.findtext(f"{NS}lastmod")
            # W3C Datetime with a time zone, as the protocol asks.
            assert lastmod is None or dt.datetime.fromisoformat(lastmod).tzinfo is not None
