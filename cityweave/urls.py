"""URL map: pages per domain under /w/<slug>/, the JSON API under /api/v1/, the admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
]
