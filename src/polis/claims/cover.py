"""Which claims a policy answers for (products brief §1.1, §1.4; c.c. art. 1913), from its
product's cover basis and the practice's answers — data, not code:

- occurrence: events in the policy period, reported within the product's reporting days after
  the end;
- claims made: claims first made in the policy period, or in the ultrattività bought (years
  after the end), for acts done between the retroactive date and the end.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from polis.catalog.models import Product
from polis.practices.models import Practice
from polis.practices.selectors import practice_versions, version_in_force

UNLIMITED = "illimitata"


def shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _years(answers: dict, name: str) -> int:
    """Whole years in an answer; 0 when the product has no such question or it is unanswered."""
    value = str(answers.get(name, "") if name else "")
    return int(value) if value.isdigit() else 0


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class CoverPeriod:
    claims_made: bool
    start: date
    end: date
    first_act: date | None  # None: unlimited retroactivity
    run_off_years: int
    reporting_days: int

    @property
    def last_claim_day(self) -> date:
        """The last day a claim on this policy can be made and notified."""
        if self.run_off_years:
            return shift_years(self.end, self.run_off_years)
        return self.end + timedelta(days=self.reporting_days)

    def summary(self) -> str:
        """What the policy answers for, in a sentence for APRI SINISTRO."""
        if not self.claims_made:
            return _(
                "Copre gli eventi dal %(start)s al %(end)s, da denunciare entro il %(until)s."
            ) % {
                "start": _day(self.start),
                "end": _day(self.end),
                "until": _day(self.last_claim_day),
            }
        acts = (
            _("di qualunque data")
            if self.first_act is None
            else _("dal %(first)s") % {"first": _day(self.first_act)}
        )
        return _(
            "Claims made: copre le richieste di risarcimento fatte dal %(start)s al %(until)s, "
            "per fatti %(acts)s fino al %(end)s."
        ) % {
            "start": _day(self.start),
            "until": _day(self.last_claim_day),
            "acts": acts,
            "end": _day(self.end),
        }

    def _too_late(self) -> str:
        if self.run_off_years:
            return _(
                "La polizza è terminata il %(end)s e l'ultrattività di %(years)d anni è finita "
                "il %(until)s."
            ) % {
                "end": _day(self.end),
                "years": self.run_off_years,
                "until": _day(self.last_claim_day),
            }
        days = ngettext("%(days)d giorno", "%(days)d giorni", self.reporting_days) % {
            "days": self.reporting_days
        }
        return _(
            "La polizza è terminata il %(end)s e il termine per denunciare (%(days)s dopo la "
            "scadenza) è finito il %(until)s; la polizza non ha ultrattività."
        ) % {"end": _day(self.end), "days": days, "until": _day(self.last_claim_day)}

    def open_until_refusal(self, today: date) -> str | None:
        """Why no claim can be opened on this policy today, or None."""
        return self._too_late() if today > self.last_claim_day else None

    def refusal(self, *, event_date: date, reported_on: date, today: date) -> str | None:
        """Why this policy does not answer for an event of `event_date` whose claim was made
        (denunciata) on `reported_on`, or None when it does."""
        if late := self.open_until_refusal(today):
            return late
        if not self.claims_made:
            if not self.start <= event_date <= self.end:
                return _(
                    "La data dell'evento è fuori dal periodo di polizza (%(start)s – %(end)s)."
                ) % {
                    "start": _day(self.start),
                    "end": _day(self.end),
                }
            return None
        if self.first_act is not None and event_date < self.first_act:
            return _(
                "Il fatto del %(event)s è anteriore alla retroattività della polizza, che copre "
                "i fatti dal %(first)s."
            ) % {"event": _day(event_date), "first": _day(self.first_act)}
        if event_date > self.end:
            return _(
                "Il fatto del %(event)s è successivo alla fine della polizza (%(end)s): "
                "l'ultrattività copre solo fatti avvenuti prima."
            ) % {"event": _day(event_date), "end": _day(self.end)}
        if reported_on < self.start:
            return _(
                "La richiesta di risarcimento del %(claim)s è anteriore alla decorrenza "
                "(%(start)s): in claims made risponde la polizza in vigore quando è stata fatta."
            ) % {"claim": _day(reported_on), "start": _day(self.start)}
        if reported_on > self.last_claim_day:
            return self._too_late()
        return None


def cover_period(practice: Practice, on: date | None = None) -> CoverPeriod:
    """The cover period of a practice, from its product's cover basis and the answers of the
    version in force on `on` (the event's date; None: the latest version)."""
    product = practice.product
    answers = (version_in_force(practice, on) if on else practice_versions(practice)[-1]).answers
    claims_made = product.cover_basis == Product.CoverBasis.CLAIMS_MADE
    first_act: date | None = practice.effective_date
    run_off = 0
    if claims_made:
        retro = str(answers.get(product.retroactivity_answer, ""))
        if product.retroactivity_answer and retro == UNLIMITED:
            first_act = None
        else:
            first_act = shift_years(
                practice.effective_date, -_years(answers, product.retroactivity_answer)
            )
        run_off = _years(answers, product.run_off_answer)
    return CoverPeriod(
        claims_made=claims_made,
        start=practice.effective_date,
        end=practice.end_date,
        first_act=first_act,
        run_off_years=run_off,
        reporting_days=product.reporting_days,
    )
