from django.urls import path

from archive.api import views

urlpatterns = [
    path("", views.index, name="api-index"),
    path("openapi.json", views.openapi_json, name="api-openapi"),
    path("articles/", views.article_list, name="api-articles"),
    path("articles/<slug:slug>/", views.article_detail, name="api-article"),
    path("entities/", views.entity_list, name="api-entities"),
    path("entities/<slug:slug>/", views.entity_detail, name="api-entity"),
    path("events/", views.event_list, name="api-events"),
    path("events/<slug:slug>/", views.event_detail, name="api-event"),
]
