from django.contrib import admin
from django.urls import include, path

from archive import views

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="article-detail"),
    path("entities/<slug:slug>/", views.entity_detail, name="entity-detail"),
    path("events/<slug:slug>/", views.event_detail, name="event-detail"),
    path("admin/", admin.site.urls),
    path("", include("archive.timeline.urls")),
]
