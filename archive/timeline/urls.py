from django.urls import path

from archive.timeline import views

urlpatterns = [
    path("timeline/", views.timeline_page, name="timeline"),
    path("timeline/export.<str:fmt>", views.timeline_export, name="timeline-export"),
    path("entities/<slug:slug>/timeline/", views.timeline_page, name="entity-timeline"),
    path("entities/<slug:slug>/timeline/export.<str:fmt>", views.timeline_export, name="entity-timeline-export"),
    path("archive/<str:year>/", views.year_page, name="timeline-year"),
    path("archive/<str:year>/<str:month>/", views.month_page, name="timeline-month"),
]
