"""Network pages under /w/<slug>/network/: the map with its insights, and the map's data."""

from django.urls import path

from cityweave.network import views

network_patterns = [
    path("", views.NetworkMapView.as_view(), name="map"),
    path("map-data/", views.NetworkMapDataView.as_view(), name="map-data"),
    path("status/", views.NetworkStatusView.as_view(), name="status"),
    path("ties/<int:pk>/fill/", views.TieFillView.as_view(), name="tie-fill"),
    path("fill-from-wave/", views.WaveFillView.as_view(), name="wave-fill"),
]
