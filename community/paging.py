"""Paging long lists (issue 24): a thread of 6,000 posts, a community of 2,500 threads.

Django's Paginator takes OFFSET/LIMIT of the whole query, joins included: PostgreSQL joined
and sorted every post of the thread (with its author) to keep twenty. Here the page's ids
come from a subquery that reads only the narrow, ordered index (composite partial indexes
thread_public_position and thread_community_latest, community/models.py), and the outer
query joins just those rows: one query still, and the page's cost no longer grows with the
thread or the community. The count comes from the kept counters where the view has them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property


class IndexPaginator(Paginator):
    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queryset = self.object_list
        ids = queryset.values("pk")[bottom:top]
        return self._get_page(queryset.filter(pk__in=ids), number, self)

    def page_after(self, number, cursor: str | None):
        """Page `number` read from where the previous page ended (`?after=`, issue 24): a
        range read on the thread_community_latest index instead of an offset, for lists in
        "latest" order (pinned first, then last activity, newest first). Without a usable
        cursor, the offset page."""
        after = _parse_cursor(cursor)
        number = self.validate_number(number)
        if after is None or number == 1:
            return self.page(number)
        pinned, at, pk = after
        queryset = self.object_list
        rows = queryset.filter(
            Q(is_pinned__lt=pinned)
            | Q(is_pinned=pinned, last_activity_at__lt=at)
            | Q(is_pinned=pinned, last_activity_at=at, pk__lt=pk)
        )
        ids = rows.values("pk")[:self.per_page]
        return self._get_page(queryset.filter(pk__in=ids), number, self)


class ReaderThreadsPaginator(IndexPaginator):
    """A community's thread list (tab "latest", "top", "questions" or "unanswered") as a
    reader who does not moderate it sees it: its published threads and the reader's own held
    ones (`permissions.reads_published_threads_only` says when that is all
    `threads_visible_to` shows). The count and the page's ids are read from the narrow
    indexes alone: the published threads from a partial index in the tab's order
    (thread_community_latest, _top, _questions), the reader's held ones by author, as a
    UNION ALL; a filter "published, or held and mine" could use no index, and counted and
    sorted every thread of the community (issue 24). The page's rows still come through the
    reader's permission-filtered queryset, so the two can never show more than it allows."""

    ORDER = {"top": ("is_pinned", "reaction_count", "reply_count", "id")}
    LATEST = ("is_pinned", "last_activity_at", "id")

    def __init__(self, object_list, per_page, *, community_id: int, author_id: int | None,
                 tab: str = "latest"):
        super().__init__(object_list, per_page)
        self.community_id = community_id
        self.author_id = author_id
        self.tab = tab
        self.columns = self.ORDER.get(tab, self.LATEST)

    def _filter(self) -> tuple[str, list]:
        from .models import Thread

        if self.tab == "questions":
            return " AND kind = %s", [Thread.Kind.QUESTION]
        if self.tab == "unanswered":
            return " AND kind = %s AND reply_count = 0", [Thread.Kind.QUESTION]
        return "", []

    def _branches(self, after: tuple | None, limit: int) -> tuple[str, list]:
        from .models import Thread

        table = Thread._meta.db_table
        columns = ", ".join(self.columns)
        order = ", ".join(f"{c} DESC" for c in self.columns)
        where, params = self._filter()
        if after is not None:  # a row comparison: a range read on the index
            where += f" AND ({columns}) < ({', '.join(['%s'] * len(after))})"
            # a time as the database stores it (SQLite compares text: no "+00:00")
            params = [*params, *(connection.ops.adapt_datetimefield_value(value)
                                 if isinstance(value, datetime) else value for value in after)]
        # each branch a plain SELECT of the compound (SQLite takes no parenthesised one; the
        # ordered, limited branch is a subquery in FROM, which both databases take)
        sql = (f"SELECT * FROM (SELECT {columns} FROM {table} "  # noqa: S608
               f"WHERE community_id = %s AND status = %s{where} ORDER BY {order} LIMIT %s) "
               f"AS published")
        args = [self.community_id, Thread.Status.PUBLISHED, *params, limit]
        if self.author_id is not None:
            sql += (f" UNION ALL SELECT {columns} FROM {table} "  # noqa: S608
                    f"WHERE community_id = %s AND status = %s AND author_id = %s{where}")
            args += [self.community_id, Thread.Status.HELD, self.author_id, *params]
        return sql, args

    @cached_property
    def count(self) -> int:
        from .models import Thread

        table = Thread._meta.db_table
        where, params = self._filter()
        sql = (f"SELECT (SELECT count(*) FROM {table} "  # noqa: S608
               f"WHERE community_id = %s AND status = %s{where})")
        args = [self.community_id, Thread.Status.PUBLISHED, *params]
        if self.author_id is not None:
            sql += (f" + (SELECT count(*) FROM {table} "  # noqa: S608
                    f"WHERE community_id = %s AND status = %s AND author_id = %s{where})")
            args += [self.community_id, Thread.Status.HELD, self.author_id, *params]
        with connection.cursor() as cursor:
            cursor.execute(sql, args)
            return cursor.fetchone()[0]

    def _ids(self, *, after: tuple | None, offset: int) -> RawSQL:
        branches, args = self._branches(after, offset + self.per_page)
        order = ", ".join(f"{c} DESC" for c in self.columns)
        # table and column names only: every value is a parameter
        return RawSQL(  # noqa: S611
            f"SELECT id FROM ({branches}) AS visible "  # noqa: S608
            f"ORDER BY {order} LIMIT %s OFFSET %s",
            [*args, self.per_page, offset])

    def page(self, number):
        number = self.validate_number(number)
        ids = self._ids(after=None, offset=(number - 1) * self.per_page)
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)

    def page_after(self, number, cursor: str | None):
        """Like IndexPaginator.page_after (tab "latest" only: the cursor is its order)."""
        after = _parse_cursor(cursor) if self.columns == self.LATEST else None
        number = self.validate_number(number)
        if after is None or number == 1:
            return self.page(number)
        ids = self._ids(after=after, offset=0)
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)


def thread_cursor(thread) -> str:
    """Where a page of a "latest" list ended: `?after=` of the next page's link."""
    stamp = int(thread.last_activity_at.timestamp() * 1_000_000)
    return f"{int(thread.is_pinned)}.{stamp}.{thread.pk}"


def _parse_cursor(cursor: str | None):
    try:
        pinned, stamp, pk = (int(part) for part in (cursor or "").split("."))
        at = datetime.fromtimestamp(stamp / 1_000_000, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None
    if pinned not in (0, 1) or pk < 1:
        return None
    return bool(pinned), at, pk


class PositionPage:
    """A page of a thread by post position (issue 24, keyset): page n holds the posts at
    positions (n-1)*size+1 .. n*size, so `?page=n` is a range read on the (thread, position)
    indexes, whatever the thread's length, with no count and no offset. Every reader's page n
    covers the same positions (posts they may not see leave a gap, never a shift), so a
    post's page is known from its position alone. Quacks like Django's Page for the pager."""

    def __init__(self, *, number, last_position: int, size: int):
        self.size = size
        self.num_pages = max(1, -(-last_position // size))
        self.paginator = self  # the pager asks page.paginator.num_pages
        if number == "last":
            number = self.num_pages
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        self.number = min(max(number, 1), self.num_pages)
        self.object_list: list = []

    @property
    def bounds(self) -> tuple[int, int]:
        """Positions after the first and up to the second."""
        return (self.number - 1) * self.size, self.number * self.size

    @classmethod
    def number_of(cls, position: int, size: int) -> int:
        return max(1, -(-position // size))

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)
