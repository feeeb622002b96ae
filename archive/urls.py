from django.contrib import admin
from django.urls import path

from archive import views
from archive.search import views as search_views

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="article-detail"),
    path("entities/<slug:slug>/", views.entity_detail, name="entity-detail"),
    path("events/<slug:slug>/", views.event_detail, name="event-detail"),
    path("search/", search_views.search_page, name="search"),
    path("api/search", search_views.api_search, name="api-search"),
    path("admin/", admin.site.urls),
]
