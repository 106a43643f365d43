"""Pagination of big lists whose count stays cheap."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most `cap` rows: "più di 10.000 risultati" instead of counting a million on
    every page. The pages beyond the cap are not offered; a narrower search or another sort
    reaches those rows."""

    def __init__(self, object_list, per_page, *, cap: int = COUNT_CAP, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        # COUNT(*) over a LIMIT subquery, unsorted: stops after cap + 1 rows.
        return min(self.object_list.order_by()[: self.cap + 1].count(), self.cap + 1)

    @property
    def capped(self) -> bool:
        """The list holds more rows than were counted."""
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        if self.capped:
            return self.cap // self.per_page
        return super().num_pages

    def page(self, number):
        """The page's rows in two steps: their keys first, in the list's order — a scan of the
        sorting index alone, which the planner picks and which keeps deep pages cheap — then the
        rows with their joins, by key (a "deferred join")."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = self.object_list.order_by().in_bulk(keys)
        return self._get_page([rows[key] for key in keys if key in rows], number, self)
