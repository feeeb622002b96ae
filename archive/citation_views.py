"""An article cited: in a style the reader names (a page for people, text and HTML for programs),
and as RIS and CSL-JSON files for reference managers.

`/articles/<slug>/cite?style=ieee` is a page with the entry and a field to pick another style;
`cite.txt` and `cite.html` answer the entry alone (docs/api.md, "Citations"). A style that is
not an official CSL style gets 400 naming the parameter and where style names are listed.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from archive import citations, citeproc_renderer, csl_styles, links, selectors
from archive.models import Article
from archive.params import BadParameter, page_answer


def _cited(request, slug):
    try:
        article = selectors.article_with_relations(slug)
    except Article.DoesNotExist:
        raise Http404("No article with this address.") from None
    return article, links.absolute(article.get_absolute_url(), request)


def _unavailable(error):
    """citeproc-js did not answer (docs/production.md): worth trying again, so 503 with a Retry-After."""
    response = HttpResponse(f"The citation could not be written now: {error}.\n", status=503,
                            content_type="text/plain; charset=utf-8")
    response["Retry-After"] = "5"
    return response


def article_cite(request, slug):
    article, page_url = _cited(request, slug)
    try:
        name = csl_styles.style_name(request.GET)
        entry = csl_styles.entry_html(name, article, page_url)
    except BadParameter as error:
        return page_answer(request, error)
    except citeproc_renderer.Unavailable as error:
        return _unavailable(error)
    return render(request, "archive/article_cite.html", {
        "article": article,
        "style": name,
        "style_title": csl_styles.title(name),
        "processor": csl_styles.processor(name),
        "entry": mark_safe(entry),
        "suggested": csl_styles.SUGGESTED,
    })


def article_cite_entry(request, slug, fmt):
    """The entry alone: plain text, or an HTML fragment like citeproc-js's (<div class="csl-entry">)."""
    article, page_url = _cited(request, slug)
    try:
        name = csl_styles.style_name(request.GET)
        if fmt == "html":
            body = f'<div class="csl-entry">{csl_styles.entry_html(name, article, page_url)}</div>\n'
        else:
            body = csl_styles.entry_text(name, article, page_url) + "\n"
    except BadParameter as error:
        return HttpResponse(f"{error}\n", status=error.status, content_type="text/plain; charset=utf-8")
    except citeproc_renderer.Unavailable as error:
        return _unavailable(error)
    response = HttpResponse(body, content_type=f"text/{'html' if fmt == 'html' else 'plain'}; charset=utf-8")
    response["X-Citation-Processor"] = csl_styles.processor(name)
    return response


def article_cite_ris(request, slug):
    article, page_url = _cited(request, slug)
    response = HttpResponse(citations.ris(article, page_url), content_type="application/x-research-info-systems")
    response["Content-Disposition"] = f'attachment; filename="{slug}.ris"'
    return response


def article_cite_json(request, slug):
    article, page_url = _cited(request, slug)
    response = HttpResponse(
        citations.csl_json(article, page_url), content_type="application/vnd.citationstyles.csl+json"
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}.json"'
    return response
