"""Sessions read from the cache and kept in the database (Django's cached_db), that keep
working when Redis is down: every cache call may fail, and then the database alone answers
(Django's own store lets a failed cache write after a database read break the request).

A session is kept in the cache for at most CACHE_SECONDS: one deleted while Redis was
unreachable (a sign-out during an outage) cannot outlive the outage by more than that."""

from __future__ import annotations

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore

logger = logging.getLogger(__name__)
CACHE_SECONDS = 15 * 60


def _cache_failed(action: str) -> None:
    logger.warning("session cache unavailable (%s); using the database alone", action)


class SessionStore(CachedDBStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # noqa: BLE001 - Redis down: the database has every session
            _cache_failed("read")
            data = None
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data,
                            min(CACHE_SECONDS, self.get_expiry_age(expiry=stored.expire_date)))
        except Exception:  # noqa: BLE001
            _cache_failed("write")
        return data

    async def aload(self):
        try:
            data = await self._cache.aget(await self.acache_key())
        except Exception:  # noqa: BLE001
            _cache_failed("read")
            data = None
        if data is not None:
            return data
        stored = await self._aget_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            await self._cache.aset(await self.acache_key(), data, min(
                CACHE_SECONDS, await self.aget_expiry_age(expiry=stored.expire_date)))
        except Exception:  # noqa: BLE001
            _cache_failed("write")
        return data

    def save(self, must_create=False):
        DBStore.save(self, must_create)
        try:
            self._cache.set(self.cache_key, self._session,
                            min(CACHE_SECONDS, self.get_expiry_age()))
        except Exception:  # noqa: BLE001
            _cache_failed("write")

    async def asave(self, must_create=False):
        await DBStore.asave(self, must_create)
        try:
            await self._cache.aset(await self.acache_key(), self._session,
                                   min(CACHE_SECONDS, await self.aget_expiry_age()))
        except Exception:  # noqa: BLE001
            _cache_failed("write")

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:  # noqa: BLE001
            _cache_failed("read")
        return DBStore.exists(self, session_key)

    async def aexists(self, session_key):
        try:
            if session_key and await self._cache.ahas_key(self.cache_key_prefix + session_key):
                return True
        except Exception:  # noqa: BLE001
            _cache_failed("read")
        return await DBStore.aexists(self, session_key)

    def delete(self, session_key=None):
        DBStore.delete(self, session_key)
        session_key = session_key or self.session_key
        if session_key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:  # noqa: BLE001 - the entry expires with the session anyway
            _cache_failed("delete")

    async def adelete(self, session_key=None):
        await DBStore.adelete(self, session_key)
        session_key = session_key or self.session_key
        if session_key is None:
            return
        try:
            await self._cache.adelete(self.cache_key_prefix + session_key)
        except Exception:  # noqa: BLE001
            _cache_failed("delete")
