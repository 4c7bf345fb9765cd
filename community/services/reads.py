"""How far each member has read each thread, without a database write on a page view.

A thread page records the reader's position in Redis (one round trip, which also answers
the position recorded by a visit the database has not seen yet); `thread_reads_flush`, run by
Celery beat every 30 seconds, writes them in batches. The database stays the truth: a lost
Redis loses at most the last half minute of read positions, and with Redis down the page
writes the position itself, as it did before.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import User
from hearth.lib.redis_pool import batch_take, client

from ..models import Thread, ThreadRead

logger = logging.getLogger(__name__)

_PREFIX = settings.CACHES["default"].get("KEY_PREFIX", "hearth")
PENDING = f"{_PREFIX}:thread-reads:pending"  # hash "user:thread" -> "position:unix time"
FLUSHING = f"{_PREFIX}:thread-reads:flushing"  # the batch being written (kept if one dies)
BATCH = 500

# Keep the larger position (a member rereading page 1 has still read page 10); answer the
# position that was pending before this visit (0: none).
_RECORD = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
local before = 0
if old then before = tonumber(string.match(old, '^(%d+)')) end
local pos = tonumber(ARGV[2])
if before > pos then pos = before end
redis.call('HSET', KEYS[1], ARGV[1], pos .. ':' .. ARGV[3])
return before
"""
_script = None


def thread_mark_read(*, user: User, thread: Thread, position: int) -> int:
    """Remember how far the member has read. Returns the position of an earlier visit that
    is not in the database yet (0: none), so that "new replies since your last visit" counts
    from it."""
    global _script
    if not user.is_authenticated:
        return 0
    now = timezone.now()
    try:
        if _script is None:
            _script = client().register_script(_RECORD)
        before = _script(keys=[PENDING],
                         args=[f"{user.pk}:{thread.pk}", position, int(now.timestamp())])
        return int(before or 0)
    except Exception:  # noqa: BLE001 - Redis down: the database directly, as before
        logger.warning("read positions: Redis unavailable, writing directly")
        _write({(user.pk, thread.pk): (position, now)})
        return 0


# A member's shared thread page (community/fragments_page.py) in one round trip: a pipeline of
# this script and a plain GET of the page (KEYS[3]; some 75 KB that a script would copy twice,
# which cost Redis ~150 us a visit against ~25 us). The script reads the small keys KEYS[4..]
# and, when the page is there and KEYS[2] says how far it goes (kept beside it), records the
# position in the page as _RECORD does. Answers {the position pending before this visit, or -1
# when nothing was recorded; then the values of KEYS[4..]}.
_VISIT = """
local found = {}
if #KEYS > 3 then found = redis.call('MGET', unpack(KEYS, 4)) end
local before = -1
if ARGV[1] ~= '' and redis.call('EXISTS', KEYS[3]) == 1 then
  local last = tonumber(redis.call('GET', KEYS[2]) or '')
  if last and last > 0 then
    local old = redis.call('HGET', KEYS[1], ARGV[1])
    before = 0
    if old then before = tonumber(string.match(old, '^(%d+)')) end
    local pos = last
    if before > pos then pos = before end
    redis.call('HSET', KEYS[1], ARGV[1], pos .. ':' .. ARGV[2])
  end
end
return {before, unpack(found)}
"""
_visit_sha = hashlib.sha1(_VISIT.encode()).hexdigest()  # noqa: S324 - Redis names scripts so


def thread_visit_read(*, user: User, thread: Thread, keys: list[str],
                      last_key: str | None) -> tuple[dict, int | None]:
    """Read the cache entries `keys` (the first: a member's shared page) and, in the same round
    trip, record the member's position as `thread_mark_read` would with the page's last
    position, which the cache keeps under `last_key` beside the page (None: record nothing).
    Returns (the entries found, by key; the position of an earlier visit not in the database
    yet, or None when nothing was recorded: the caller records it with `thread_mark_read`).
    Raises as `cache.get_many` does when Redis is unavailable. With the cache on another Redis
    than the read positions (CACHE_REDIS_URL), or not on Redis at all, only reads the keys."""
    from django.core.cache import cache
    from redis.exceptions import NoScriptError

    backend = getattr(cache, "_cache", None)
    if (settings.CACHES["default"].get("LOCATION") != settings.REDIS_URL
            or not hasattr(backend, "get_client")):
        return cache.get_many(keys), None
    redis = backend.get_client(write=True)
    made = [cache.make_and_validate_key(key) for key in keys]
    field = f"{user.pk}:{thread.pk}" if last_key is not None else ""
    script_keys = [PENDING, cache.make_and_validate_key(last_key or keys[0]), *made]
    args = [field, int(timezone.now().timestamp())]
    sha = _visit_sha
    for attempt in range(2):
        pipe = redis.pipeline(transaction=False)
        pipe.evalsha(sha, len(script_keys), *script_keys, *args)
        pipe.get(made[0])
        answer, page = pipe.execute(raise_on_error=False)
        if isinstance(answer, NoScriptError) and attempt == 0:  # first use, or Redis restarted
            sha = redis.script_load(_VISIT)
            continue
        if isinstance(answer, Exception):
            raise answer
        if isinstance(page, Exception):
            raise page
        break
    before, *values = answer
    found = {key: backend._serializer.loads(value)
             for key, value in zip(keys, [page, *values], strict=True) if value is not None}
    return found, (None if int(before) < 0 else int(before))


def thread_reads_flush() -> int:
    """Write the read positions recorded since the last flush (idempotent: a batch that
    failed half way is written again, and positions only grow). Returns how many."""
    raw = batch_take(PENDING, FLUSHING)
    if not raw:
        return 0
    reads = {}
    for field, value in raw.items():
        user_id, thread_id = (int(x) for x in field.decode().split(":"))
        position, stamp = (int(x) for x in value.decode().split(":"))
        reads[(user_id, thread_id)] = (position, datetime.fromtimestamp(stamp, tz=UTC))
    items = list(reads.items())
    for start in range(0, len(items), BATCH):
        _write(dict(items[start:start + BATCH]))
    client().delete(FLUSHING)
    return len(reads)


def _write(reads: dict[tuple[int, int], tuple[int, datetime]]) -> None:
    """Upsert the positions in one statement, never moving one back; members or threads
    deleted meanwhile are left out. Three queries per batch."""
    users = set(User.objects.filter(pk__in={u for u, _t in reads}).values_list("pk", flat=True))
    threads = set(
        Thread.objects.filter(pk__in={t for _u, t in reads}).values_list("pk", flat=True))
    rows = [(u, t, p, connection.ops.adapt_datetimefield_value(at))
            for (u, t), (p, at) in reads.items() if u in users and t in threads]
    if not rows:
        return
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    table = ThreadRead._meta.db_table
    values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    # Table and function names only are formatted in; the values are parameters.
    sql = (
        f"INSERT INTO {table} (user_id, thread_id, last_read_position, last_visit_at) "  # noqa: S608
        f"VALUES {values} ON CONFLICT (thread_id, user_id) DO UPDATE SET last_read_position = "
        f"{greatest}({table}.last_read_position, excluded.last_read_position), "
        f"last_visit_at = {greatest}({table}.last_visit_at, excluded.last_visit_at)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])
