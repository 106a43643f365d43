from django.urls import path, re_path

from polis.accounting import views

app_name = "accounting"

urlpatterns = [
    path("contabilita/", views.overview, name="overview"),
    path("contabilita/movimenti/", views.entries, name="entries"),
    path("contabilita/rimesse/", views.remittance_list, name="remittances"),
    path("contabilita/rimesse/<int:pk>/", views.remittance_detail, name="remittance"),
    re_path(
        r"^contabilita/rimesse/(?P<pk>\d+)/estratto-conto\.(?P<fmt>pdf|xlsx|csv)$",
        views.remittance_export,
        name="remittance_export",
    ),
    path(
        "contabilita/rimesse/<int:pk>/pagata/",
        views.remittance_action,
        {"action": "confirm"},
        name="remittance_confirm",
    ),
    path("contabilita/provvigioni/", views.commissions, name="commissions"),
    re_path(
        r"^contabilita/provvigioni/estratto\.(?P<fmt>xlsx|csv)$",
        views.commissions_export,
        name="commissions_export",
    ),
    path(
        "contabilita/provvigioni/<int:firm_pk>/paga/",
        views.commission_payout,
        name="commission_payout",
    ),
    path("contabilita/pagamenti/", views.payouts, name="payouts"),
    path("contabilita/distinte/<int:pk>/", views.batch_detail, name="batch"),
    path("contabilita/distinte/<int:pk>/pain001.xml", views.batch_xml, name="batch_xml"),
    path(
        "contabilita/distinte/<int:pk>/inviata/",
        views.batch_action,
        {"action": "confirm"},
        name="batch_confirm",
    ),
]
