"""Pages of the network of cities as a network (included from peers/urls.py, namespace "peers"):
exchanges, the city network, cohorts, officials and invitations."""

from django.urls import path

from cityweave.peers import cohort_views as views

network_patterns = [
    path("<slug:network>/exchanges/", views.ExchangeListView.as_view(), name="exchanges"),
    path("<slug:network>/exchanges/add/", views.ExchangeAddView.as_view(), name="exchange-add"),
    path(
        "<slug:network>/exchanges/<int:pk>/delete/",
        views.ExchangeTrashView.as_view(),
        name="exchange-delete",
    ),
    path(
        "<slug:network>/exchanges/<int:pk>/restore/",
        views.ExchangeRestoreView.as_view(),
        name="exchange-restore",
    ),
    path("<slug:network>/city-network/", views.CityNetworkView.as_view(), name="city-network"),
    path("<slug:network>/cohorts/", views.CohortsView.as_view(), name="cohorts"),
    path("<slug:network>/cohorts/save/", views.CohortSaveView.as_view(), name="cohort-save"),
    path(
        "<slug:network>/cohorts/<int:pk>/delete/",
        views.CohortTrashView.as_view(),
        name="cohort-delete",
    ),
    path(
        "<slug:network>/cohorts/<int:pk>/restore/",
        views.CohortRestoreView.as_view(),
        name="cohort-restore",
    ),
    path("<slug:network>/officials/", views.OfficialsView.as_view(), name="officials"),
    path("<slug:network>/officials/invite/", views.InviteView.as_view(), name="invite"),
    path(
        "<slug:network>/invitations/<int:pk>/withdraw/",
        views.WithdrawView.as_view(),
        name="invitation-withdraw",
    ),
    # After every "<slug:network>/<word>/" page: a token is never one of their words.
    path("join/<str:token>/", views.AcceptView.as_view(), name="invitation-accept"),
]
