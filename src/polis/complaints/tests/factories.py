from django.utils import timezone

from polis.complaints import services
from polis.complaints.categories import install_categories
from polis.complaints.models import Category, Complaint
from polis.complaints.services import ComplaintData


def complaint_data(**overrides) -> ComplaintData:
    install_categories(Category)  # a transactional test before may have emptied the table
    fields = {
        "complainant_name": "Giulia Verdi",
        "complainant_kind": Complaint.ComplainantKind.POLICYHOLDER,
        "complainant_email": "giulia.verdi@example.it",
        "category": Category.objects.get(code="contract"),
        "against": Complaint.Against.MGA,
        "text": "Non ho ricevuto il certificato della polizza.",
        **overrides,
    }
    return ComplaintData(**fields)


def registered(actor, *, received_on=None, channel=Complaint.Channel.EMAIL, **overrides):
    return services.register_complaint(
        actor=actor,
        data=complaint_data(**overrides),
        channel=channel,
        received_on=received_on or timezone.localdate(),
    )
