"""Paging long lists (issue 24): a thread of 6,000 posts, a community of 2,500 threads.

Django's Paginator takes OFFSET/LIMIT of the whole query, joins included: PostgreSQL joined
and sorted every post of the thread (with its author) to keep twenty. Here the page's ids
come from a subquery that reads only the narrow, ordered index (composite partial indexes
thread_public_position and thread_community_latest, community/models.py), and the outer
query joins just those rows: one query still, and the page's cost no longer grows with the
thread or the community. The count comes from the kept counters where the view has them.
"""

from __future__ import annotations

from django.core.paginator import Paginator


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
