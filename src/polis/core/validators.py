"""Italian identifiers, checked with python-stdnum and phonenumbers."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale, iva

RUI_SECTIONS = "ABCDEF"
_RUI_NUMBER = re.compile(r"^[A-F]\d{9}$")


def normalize_partita_iva(value: str) -> str:
    """Return the 11 digits of a valid partita IVA or raise ValidationError."""
    try:
        return iva.validate(value)
    except StdnumError as exc:
        raise ValidationError(_("Partita IVA non valida: controlla le 11 cifre.")) from exc


def normalize_rui_number(value: str, section: str) -> str:
    """A RUI number is the section letter followed by 9 digits (e.g. B000137064)."""
    number = value.strip().upper().replace(" ", "")
    if not _RUI_NUMBER.match(number):
        raise ValidationError(
            _("Numero RUI non valido: una lettera di sezione seguita da 9 cifre (es. B000137064).")
        )
    if number[0] != section:
        raise ValidationError(
            _("Il numero RUI inizia con %(letter)s ma la sezione indicata è %(section)s.")
            % {"letter": number[0], "section": section}
        )
    return number


def normalize_phone(value: str) -> str:
    """Return a phone number in E.164 (Italian numbers may omit +39) or raise ValidationError."""
    try:
        number = phonenumbers.parse(value, "IT")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Numero di telefono non valido.")) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Numero di telefono non valido."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_OMOCODIA = str.maketrans("LMNPQRSTUV", "0123456789")


def check_codice_fiscale(value: str, *, birth_date=None, sex: str = "") -> str:
    """Validate a person's 16-character codice fiscale, also against birth date and sex.

    python-stdnum validates the checksum and the date; the day digits are decoded here because
    stdnum's get_gender() fails on omocodia codes.
    """
    code = codicefiscale.compact(value or "")
    if len(code) != 16:
        raise ValidationError(_("Il codice fiscale di una persona ha 16 caratteri."))
    try:
        codicefiscale.validate(code)
    except StdnumError as exc:
        raise ValidationError(_("Codice fiscale non valido.")) from exc
    day = int(code[9:11].translate(_OMOCODIA))
    if sex and sex != ("F" if day > 40 else "M"):
        raise ValidationError(_("Il codice fiscale non corrisponde al sesso indicato."))
    if birth_date and codicefiscale.get_birth_date(code, minyear=birth_date.year - 1) != birth_date:
        raise ValidationError(_("Il codice fiscale non corrisponde alla data di nascita."))
    return code


def normalize_mobile(value: str) -> str:
    """A mobile number in E.164: SMS codes for signatures are sent there."""
    number = normalize_phone(value)
    if phonenumbers.number_type(phonenumbers.parse(number)) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValidationError(_("Indica un numero di cellulare: riceverà i codici di firma."))
    return number
