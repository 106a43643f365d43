"""The starting list of complaint categories (brief §6's areas: distribution, contract, claim),
which the MGA's administrators then keep in the admin. Installed by the data migration, and by
the demo data on a database a test emptied."""

CATEGORIES = [
    (
        "distribution",
        "Distribuzione e comportamento dell'intermediario",
        "Distribution and the intermediary's conduct",
        10,
    ),
    ("contract", "Contratto e gestione della polizza", "Contract and policy administration", 20),
    ("premium", "Premi e pagamenti", "Premiums and payments", 30),
    ("claim", "Sinistri e liquidazione", "Claims and settlement", 40),
    ("privacy", "Dati personali", "Personal data", 50),
    ("other", "Altro", "Other", 90),
]


def install_categories(category_model) -> None:
    """Idempotent: a category already there (perhaps renamed by the MGA) is left as it is."""
    for code, label, label_en, order in CATEGORIES:
        category_model.objects.get_or_create(
            code=code, defaults={"label": label, "label_en": label_en, "order": order}
        )
