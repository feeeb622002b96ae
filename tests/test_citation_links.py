"""Citations of an article without an original address point at our page, by the configured base URL."""

import json

import pytest
import rispy

from archive.models import Article


@pytest.fixture
def unlinked(loaded):
    article = Article.objects.filter(url="").first()
    assert article is not None
    return article


@pytest.mark.parametrize("base", ["https://archive.example/", ""])
def test_citations_name_our_page_absolutely(unlinked, client, settings, base):
    settings.ARCHIVE_BASE_URL = base
    # Without a configured base the request's host is all there is.
    expected = (base.rstrip("/") or "http://localhost") + unlinked.get_absolute_url()
    path = unlinked.get_absolute_url()
    [record] = rispy.loads(client.get(path + "cite.ris", HTTP_HOST="localhost").content.decode())
    assert record["urls"] == [expected]
    [item] = json.loads(client.get(path + "cite.json", HTTP_HOST="localhost").content)
    assert item["URL"] == expected
    page = client.get(path, HTTP_HOST="localhost").content.decode()
    assert f'"url": "{expected}"' in page and f'content="{expected}"' in page
