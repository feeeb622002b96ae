from django.contrib import admin
from django.urls import include, path

from archive import citation_views, feeds, sitemaps, views
from archive.api import views as api_views
from archive.search import views as search_views

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="article-detail"),
    path("articles/<slug:slug>/cite.ris", citation_views.article_cite_ris, name="article-cite-ris"),
    path("articles/<slug:slug>/cite.json", citation_views.article_cite_json, name="article-cite-json"),
    path("articles/<slug:slug>/cite", citation_views.article_cite, name="article-cite"),
    path("articles/<slug:slug>/cite.txt", citation_views.article_cite_entry, {"fmt": "text"},
         name="article-cite-text"),
    path("articles/<slug:slug>/cite.html", citation_views.article_cite_entry, {"fmt": "html"},
         name="article-cite-html"),
    path("entities/<slug:slug>/", views.entity_detail, name="entity-detail"),
    path("events/<slug:slug>/", views.event_detail, name="event-detail"),
    path("search/", search_views.search_page, name="search"),
    path("api/search", api_views.search, name="api-search"),
    path("search/feed.atom", feeds.SearchArticlesAtomFeed(), name="search-feed-atom"),
    path("search/feed.rss", feeds.SearchArticlesFeed(), name="search-feed-rss"),
    path("admin/", admin.site.urls),
    path("", include("archive.timeline.urls")),
    path("", include("archive.incidents.urls")),
    path("api/", include("archive.api.urls")),
    path("feeds/articles.rss", feeds.ArticlesFeed(), name="feed-articles-rss"),
    path("feeds/articles.atom", feeds.ArticlesAtomFeed(), name="feed-articles-atom"),
    path("feeds/entities/<slug:slug>.rss", feeds.EntityArticlesFeed(), name="feed-entity-rss"),
    path("feeds/entities/<slug:slug>.atom", feeds.EntityArticlesAtomFeed(), name="feed-entity-atom"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<str:section>.xml", sitemaps.section, name="sitemap-section"),
    path("i18n/", include("django.conf.urls.i18n")),
]
