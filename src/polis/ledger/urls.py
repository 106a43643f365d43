from django.urls import path, re_path

from polis.ledger import views

app_name = "ledger"

_N = r"(?P<path>(?:x\d{3}/)*\d{3})"
_W = r"(?:\.p/(?P<width>\d+))?"

urlpatterns = [
    path("checkpoint", views.checkpoint, name="checkpoint"),
    path("key", views.key, name="key"),
    path("checkpoint/<int:size>/timestamp", views.timestamp, name="timestamp"),
    path("polis_verifica.py", views.offline_verifier, name="offline_verifier"),
    re_path(rf"^tile/entries/{_N}{_W}$", views.entry_tile, name="entry_tile"),
    re_path(rf"^tile/(?P<level>\d+)/{_N}{_W}$", views.hash_tile, name="hash_tile"),
    path("proof/inclusion", views.inclusion_proof, name="inclusion_proof"),
    path("proof/consistency", views.consistency_proof, name="consistency_proof"),
    path("verifica/", views.verify_page, name="verify"),
    path("verifica/cerca", views.verify_lookup, name="verify_lookup"),
    path("verifica/prova", views.verify_proof, name="verify_proof"),
]
