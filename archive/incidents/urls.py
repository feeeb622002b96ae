from django.urls import path

from archive.incidents import views

urlpatterns = [
    path("incidents/", views.incidents_page, name="incidents"),
    path("incidents/comparison.svg", views.comparison_svg_view, name="incidents-comparison-svg"),
    path("incidents/comparison.csv", views.comparison_data, {"fmt": "csv"}, name="incidents-comparison-csv"),
    path("incidents/comparison.json", views.comparison_data, {"fmt": "json"}, name="incidents-comparison-json"),
]
