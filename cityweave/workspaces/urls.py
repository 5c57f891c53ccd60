"""Workspace settings pages under /w/<slug>/settings/."""

from django.urls import path

from cityweave.workspaces import views

settings_patterns = [
    path("", views.SettingsView.as_view(), name="index"),
    path("workspace/", views.WorkspaceUpdateView.as_view(), name="workspace"),
    path("members/add/", views.MemberAddView.as_view(), name="member_add"),
    path("members/lookup/", views.MemberLookupView.as_view(), name="member_lookup"),
    path("members/<int:pk>/role/", views.MemberRoleView.as_view(), name="member_role"),
    path("members/<int:pk>/remove/", views.MemberRemoveView.as_view(), name="member_remove"),
    path("sectors/add/", views.SectorAddView.as_view(), name="sector_add"),
    path("sectors/<int:pk>/remove/", views.SectorRemoveView.as_view(), name="sector_remove"),
]

trash_patterns = [
    path("", views.TrashListView.as_view(), name="list"),
    path("<int:pk>/restore/", views.TrashRestoreView.as_view(), name="restore"),
    path("<int:pk>/purge/", views.TrashPurgeView.as_view(), name="purge"),
]
