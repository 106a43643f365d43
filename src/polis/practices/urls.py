from django.urls import path, re_path

from polis.practices import views

app_name = "practices"


# Exports: the same filters as the list, as CSV or Excel.
EXPORT = r"esporta\.(?P<fmt>csv|xlsx)$"

urlpatterns = [
    path("pratiche/", views.practice_list, name="list"),
    path("pratiche/nuova/", views.choose_product, name="create"),
    path("pratiche/nuova/<str:code>/", views.create_practice, name="create_for_product"),
    re_path(rf"^pratiche/{EXPORT}", views.export, name="export"),
    path("pratiche/in-scadenza/", views.expiring_list, name="expiring"),
    re_path(rf"^pratiche/in-scadenza/{EXPORT}", views.expiring_export, name="expiring_export"),
    path("pratiche/<int:pk>/", views.practice_detail, name="detail"),
    path("pratiche/<int:pk>/emetti/", views.practice_action, {"action": "issue"}, name="issue"),
    path(
        "pratiche/<int:pk>/approva/", views.practice_action, {"action": "approve"}, name="approve"
    ),
    path(
        "pratiche/<int:pk>/rifiuta/", views.practice_action, {"action": "decline"}, name="decline"
    ),
    path("pratiche/<int:pk>/annulla/", views.practice_action, {"action": "cancel"}, name="cancel"),
    path(
        "pratiche/<int:pk>/richiedi-informazioni/",
        views.practice_action,
        {"action": "request_information"},
        name="request_information",
    ),
    path(
        "pratiche/<int:pk>/rispondi/",
        views.practice_action,
        {"action": "answer_information"},
        name="answer_information",
    ),
    path(
        "pratiche/<int:pk>/documenti/",
        views.practice_action,
        {"action": "add_documents"},
        name="add_documents",
    ),
    path("pratiche/<int:pk>/esigenze/", views.practice_action, {"action": "needs"}, name="needs"),
    path(
        "pratiche/<int:pk>/documenti/<int:document_pk>/", views.practice_document, name="document"
    ),
    path("back-office/pratiche/", views.review_queue, name="review_queue"),
    path(
        "pratiche/<int:pk>/contratto/", views.practice_file, {"which": "contract"}, name="contract"
    ),
    path(
        "pratiche/<int:pk>/contratto-firmato/",
        views.practice_file,
        {"which": "signed_contract"},
        name="signed_contract",
    ),
    path(
        "pratiche/<int:pk>/rapporto-di-firma/",
        views.practice_file,
        {"which": "signature_report"},
        name="signature_report",
    ),
    path(
        "pratiche/<int:pk>/firma/",
        views.practice_action,
        {"action": "send_for_signature"},
        name="send_for_signature",
    ),
    # The pre-contractual documents: downloaded by staff, e-mailed again, delivered on paper,
    # and the client's signed link to them.
    path(
        "pratiche/<int:pk>/precontrattuali/<int:index>/",
        views.disclosure,
        name="disclosure",
    ),
    path(
        "pratiche/<int:pk>/precontrattuali/prepara/",
        views.practice_action,
        {"action": "prepare_disclosures"},
        name="prepare_disclosures",
    ),
    path(
        "pratiche/<int:pk>/precontrattuali/invia/",
        views.practice_action,
        {"action": "resend_disclosures"},
        name="resend_disclosures",
    ),
    path(
        "pratiche/<int:pk>/precontrattuali/ricevuta/",
        views.practice_action,
        {"action": "paper_delivery"},
        name="paper_delivery",
    ),
    path("documenti/<str:token>/", views.client_disclosures, name="client_disclosures"),
    path(
        "documenti/<str:token>/<int:index>/",
        views.client_disclosure,
        name="client_disclosure",
    ),
    path("preventivi/<int:quote_pk>/trasforma/", views.convert, name="convert"),
    # Perfezionamento
    path("pratiche/<int:pk>/pagamento/", views.record_payment, name="record_payment"),
    path("pagamenti/<int:pk>/ricevuta/", views.payment_receipt, name="payment_receipt"),
    path(
        "pagamenti/<int:pk>/verifica/",
        views.payment_action,
        {"action": "verify_payment"},
        name="verify_payment",
    ),
    path(
        "pagamenti/<int:pk>/respingi/",
        views.payment_action,
        {"action": "reject_payment"},
        name="reject_payment",
    ),
    path("back-office/pagamenti/", views.payments_queue, name="payments_queue"),
    path(
        "back-office/fuori-target-market/",
        views.target_market_report,
        name="target_market_report",
    ),
    path("provvigioni/", views.commissions, name="commissions"),
    # Renewals
    path("rinnovi/", views.renewals, name="renewals"),
    path("pratiche/<int:pk>/rinnova/", views.practice_action, {"action": "renew"}, name="renew"),
    path(
        "pratiche/<int:pk>/rinnovo/questionario/",
        views.practice_action,
        {"action": "change_renewal"},
        name="change_renewal",
    ),
    # Variazioni di polizza
    path("pratiche/<int:pk>/variazione/", views.endorse, name="endorse"),
    path("variazioni/<int:pk>/", views.endorsement_detail, name="endorsement"),
    path(
        "variazioni/<int:pk>/conferma/",
        views.endorsement_action,
        {"action": "confirm"},
        name="endorsement_confirm",
    ),
    path(
        "variazioni/<int:pk>/approva/",
        views.endorsement_action,
        {"action": "approve"},
        name="endorsement_approve",
    ),
    path(
        "variazioni/<int:pk>/rifiuta/",
        views.endorsement_action,
        {"action": "refuse"},
        name="endorsement_refuse",
    ),
    path(
        "variazioni/<int:pk>/ritira/",
        views.endorsement_action,
        {"action": "withdraw"},
        name="endorsement_withdraw",
    ),
    path(
        "variazioni/<int:pk>/pagamento/",
        views.endorsement_action,
        {"action": "record_payment"},
        name="endorsement_record_payment",
    ),
    path(
        "variazioni/<int:pk>/rimborso/",
        views.endorsement_action,
        {"action": "request_refund"},
        name="endorsement_request_refund",
    ),
    path(
        "variazioni/<int:pk>/firma/",
        views.endorsement_action,
        {"action": "send_for_signature"},
        name="endorsement_send_for_signature",
    ),
    path(
        "variazioni/<int:pk>/appendice/",
        views.endorsement_file,
        {"which": "appendix"},
        name="endorsement_appendix",
    ),
    path(
        "variazioni/<int:pk>/appendice-firmata/",
        views.endorsement_file,
        {"which": "signed_appendix"},
        name="endorsement_signed_appendix",
    ),
    path(
        "variazioni/<int:pk>/rapporto-di-firma/",
        views.endorsement_file,
        {"which": "signature_report"},
        name="endorsement_signature_report",
    ),
    path("back-office/variazioni/", views.endorsement_queue, name="endorsement_queue"),
]
