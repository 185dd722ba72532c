"""Page arithmetic shared by every paginated list (pages, neighbours, the window of page links)."""
from __future__ import annotations

from dataclasses import dataclass


class PageMath:
    """Mixin for anything with `page`, `per_page` and `total` attributes."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def page_window(self, radius: int = 2) -> list[int | None]:
        """Page numbers to link: the first, the last and those near this one; None marks a gap."""
        near = range(max(1, self.page - radius), min(self.pages, self.page + radius) + 1)
        window: list[int | None] = []
        for number in sorted({1, self.pages, *near}):
            if window and number - (window[-1] or 0) > 1:
                window.append(None)
            window.append(number)
        return window


@dataclass
class Pager(PageMath):
    page: int
    per_page: int
    total: int


@dataclass
class Slice:
    """A page of rows without a total: one row more than shown is fetched to know whether a next page exists
    (for logs, where COUNT(*) over everything would cost more than the page)."""

    items: list
    page: int
    per_page: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def slice_rows(session, stmt, page: int, per_page: int) -> Slice:
    rows = list(session.scalars(stmt.limit(per_page + 1).offset((page - 1) * per_page)).unique())
    return Slice(rows[:per_page], page, per_page, len(rows) > per_page)
