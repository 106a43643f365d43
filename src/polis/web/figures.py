"""The dashboards' figures: reads only, each scoped by the domain's own `*_visible_to`
selector, so a firm's figures count only its own practices, quotes and claims."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format

from polis.claims.models import Claim
from polis.claims.selectors import claims_visible_to
from polis.practices.models import Practice
from polis.practices.selectors import practices_visible_to, review_queue
from polis.quotes.models import Quote
from polis.quotes.selectors import quotes_visible_to

S = Practice.Status
# Waiting for the collaborator (or the client he sends it to) before it is perfezionata.
TO_COMPLETE = (S.DRAFT, S.INFO_REQUESTED, S.ISSUED, S.SIGNING, S.SIGNED)
EXPIRING_WINDOWS = (30, 60)
CHART_MONTHS = 12
ZERO = Decimal("0.00")


def _month_start(today: date, months_back: int = 0):
    """Midnight of the first day of the month `months_back` before today's, local time."""
    year, month = divmod(today.year * 12 + today.month - 1 - months_back, 12)
    return datetime(year, month + 1, 1, tzinfo=timezone.get_current_timezone())


def _written(since) -> Q:
    """Premiums written: practices issued since then, not cancelled afterwards."""
    return Q(issued_at__gte=since) & ~Q(status=S.CANCELLED)


def portfolio_figures(user) -> dict:
    """The collaborator's dashboard: premiums written this month and year, quotes made this year
    and how many became practices, practices to complete, expiring in 30/60 days, open claims,
    and the premiums of the last twelve months for the chart. Five queries, each answered from
    an index: the year's and month's premiums are read off the chart's twelve months (which
    always reach back to January), the counts by status off (firm, status, end date), the
    quotes of the year off (firm, created_at) with their status."""
    today = timezone.localdate()
    year_start = _month_start(today, today.month - 1)  # CHART_MONTHS reach back that far
    year = year_start.date()
    practices = practices_visible_to(user)
    months = _premiums_by_month(practices, today)
    figures: dict = {
        "premiums_month": months[-1]["premiums"],
        "practices_month": months[-1]["practices"],
        "premiums_year": sum((m["premiums"] for m in months if m["month"] >= year), ZERO),
    }
    expiring = {
        days: Q(status=S.IN_FORCE, end_date__gte=today, end_date__lte=today + timedelta(days))
        for days in EXPIRING_WINDOWS
    }
    # Two range scans of (firm, status, end date): one query with both conditions OR-ed read
    # every entry of the firm.
    figures["to_complete"] = practices.filter(status__in=TO_COMPLETE).count()
    figures |= practices.filter(expiring[max(EXPIRING_WINDOWS)]).aggregate(
        **{f"expiring_{days}": Count("pk", filter=window) for days, window in expiring.items()},
    )
    figures |= (
        quotes_visible_to(user)
        .filter(created_at__gte=year_start)
        .aggregate(
            # Columns of the index, not the key: its rows are not read.
            quotes_year=Count("status"),
            quotes_converted=Count("status", filter=Q(status=Quote.Status.CONVERTED)),
        )
    )
    figures["claims_open"] = claims_visible_to(user).filter(status__in=Claim.OPEN).count()
    figures["premiums_by_month"] = months
    figures["premiums_chart"] = {
        "labels": [date_format(row["month"], "M Y") for row in months],
        "values": [float(row["premiums"]) for row in months],
    }
    return figures


def _premiums_by_month(practices, today: date) -> list[dict]:
    """The last CHART_MONTHS months, oldest first, each {month, premiums, practices}; a month
    with nothing written shows zero."""
    since = _month_start(today, CHART_MONTHS - 1)
    totals = {
        row["month"].date(): row
        for row in practices.filter(_written(since))
        .annotate(month=TruncMonth("issued_at"))
        .values("month")
        # COUNT(*), not of the key: the key is not in the index, its rows would be read.
        .annotate(premiums=Sum("gross"), practices=Count("*"))
        .order_by()
    }
    months = [_month_start(today, back).date() for back in reversed(range(CHART_MONTHS))]
    return [
        {
            "month": month,
            "premiums": totals[month]["premiums"] if month in totals else ZERO,
            "practices": totals[month]["practices"] if month in totals else 0,
        }
        for month in months
    ]


def operator_figures(user) -> dict:
    """The MGA operator's dashboard: the review queue's size and the age of its oldest
    practice, and this year's volumes per product (practices and premiums written, from the
    index on the issuing time alone)."""
    today = timezone.localdate()
    queue = review_queue().aggregate(count=Count("pk"), oldest=Min("submitted_at"))
    oldest = queue["oldest"]
    products = (
        practices_visible_to(user)
        .filter(_written(_month_start(today, today.month - 1)))
        .values("product_id", "product__name")
        .annotate(practices=Count("*"), premiums=Sum("gross"))
        .order_by("-premiums", "product__name")
    )
    volumes = [
        {
            "product_id": row["product_id"],
            "product": row["product__name"],
            "practices": row["practices"],
            "premiums": row["premiums"],
        }
        for row in products
    ]
    return {
        "review_count": queue["count"],
        "review_oldest_days": (today - timezone.localdate(oldest)).days if oldest else None,
        "volumes_by_product": volumes,
        "volumes_chart": {
            "labels": [row["product"] for row in volumes],
            "values": [row["practices"] for row in volumes],
        },
    }
