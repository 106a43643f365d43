import factory
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum import luhn

from polis.accounts.models import Firm, User

PASSWORD = "password-di-prova-1"


def partita_iva(serial: int) -> str:
    base = f"{serial:07d}015"
    return base + luhn.calc_check_digit(base)


class FirmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Firm

    name = factory.Sequence(lambda n: f"Agenzia Test {n} S.r.l.")
    partita_iva = factory.Sequence(lambda n: partita_iva(n + 1000))
    rui_section = "A"
    rui_number = factory.Sequence(lambda n: f"A{n + 100000:09d}")
    address = "Via Roma 1"
    city = "Milano"
    postal_code = "20100"
    province = "MI"
    pec = factory.Sequence(lambda n: f"agenzia{n}@pec.example.it")
    status = Firm.Status.APPROVED


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"utente{n}@example.it")
    first_name = "Maria"
    last_name = factory.Sequence(lambda n: f"Test{n}")
    role = User.Role.COLLABORATOR
    firm = factory.LazyAttribute(
        lambda o: FirmFactory() if o.role == User.Role.COLLABORATOR else None
    )
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def with_totp(obj, create, extracted, **kwargs):
        if extracted:
            TOTPDevice.objects.create(user=obj, name="test", confirmed=True)
        if create:
            obj.save()
