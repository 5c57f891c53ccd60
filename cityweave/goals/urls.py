"""Goal pages under /w/<slug>/goals/."""

from django.urls import path

from cityweave.goals import exports, views

goal_patterns = [
    path("", views.GoalListView.as_view(), name="list"),
    path("export.csv", exports.GoalExportView.as_view(format="csv"), name="export"),
    path("export.xlsx", exports.GoalExportView.as_view(format="xlsx"), name="export-xlsx"),
    path("new/", views.GoalFormView.as_view(), name="new"),
    path("<int:pk>/", views.GoalDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.GoalFormView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.GoalTrashView.as_view(), name="delete"),
    path("<int:pk>/progress/", views.GoalProgressView.as_view(), name="progress"),
    path(
        "<int:pk>/progress/<int:entry_id>/delete/",
        views.GoalProgressDeleteView.as_view(),
        name="progress-delete",
    ),
]
