"""Network-of-cities pages under /networks/ (namespace "peers")."""

from django.urls import path

from cityweave.peers import views
from cityweave.peers.cohort_urls import network_patterns
from cityweave.peers.convening_urls import convening_patterns
from cityweave.peers.guide_urls import guide_patterns

peer_patterns = [
    path("", views.NetworksView.as_view(), name="networks"),
    path("<slug:network>/", views.CityListView.as_view(), name="cities"),
    path("<slug:network>/import/", views.ImportView.as_view(), name="import"),
    path("<slug:network>/challenges/", views.ChallengeAddView.as_view(), name="challenge-add"),
    path("<slug:network>/staff/", views.StaffView.as_view(), name="staff"),
    path("<slug:network>/staff/add/", views.StaffAddView.as_view(), name="staff-add"),
    path(
        "<slug:network>/staff/<int:pk>/delete/",
        views.StaffRemoveView.as_view(),
        name="staff-remove",
    ),
    path("<slug:network>/trash/", views.TrashView.as_view(), name="trash"),
    path("<slug:network>/trash/<int:pk>/restore/", views.RestoreView.as_view(), name="restore"),
    path("<slug:network>/cities/new/", views.CityFormView.as_view(), name="city-new"),
    path("<slug:network>/cities/<int:pk>/", views.CityDetailView.as_view(), name="city"),
    path("<slug:network>/cities/<int:pk>/edit/", views.CityFormView.as_view(), name="city-edit"),
    path(
        "<slug:network>/cities/<int:pk>/delete/", views.CityTrashView.as_view(), name="city-delete"
    ),
    path("<slug:network>/cities/<int:pk>/matches/", views.MatchesView.as_view(), name="matches"),
    path(
        "<slug:network>/cities/<int:pk>/strengths/",
        views.StrengthAddView.as_view(),
        name="strength-add",
    ),
    path(
        "<slug:network>/cities/<int:pk>/strengths/<int:strength_id>/delete/",
        views.StrengthTrashView.as_view(),
        name="strength-delete",
    ),
    path(
        "<slug:network>/cities/<int:pk>/officials/",
        views.OfficialAddView.as_view(),
        name="official-add",
    ),
    path(
        "<slug:network>/cities/<int:pk>/officials/<int:official_id>/delete/",
        views.OfficialRemoveView.as_view(),
        name="official-remove",
    ),
    # The network of cities as a network: exchanges, its map, cohorts, officials' invitations.
    *network_patterns,
    # Peer guides (guide_urls.py).
    *guide_patterns,
    *convening_patterns,
]
