from archive.rendering import render_markdown


def test_markdown_is_rendered():
    assert render_markdown("*Wurm* and [link](https://example.org)") == (
        '<p><em>Wurm</em> and <a href="https://example.org" rel="nofollow noopener">link</a></p>'
    )


def test_scripts_and_javascript_links_do_not_survive():
    html = render_markdown('<script>alert(1)</script>[x](javascript:alert(1)) <img src=x onerror=alert(1)>')
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html
