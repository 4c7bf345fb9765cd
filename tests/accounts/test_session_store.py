"""Sessions in the cache and the database (accounts/sessions.py): the database answers when
the cache fails, and the cache keeps a session for at most CACHE_SECONDS."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches

from accounts import sessions


class BrokenCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("Redis is down")
        return fail

    def __contains__(self, key):
        raise ConnectionError("Redis is down")


@pytest.mark.django_db
def test_a_session_is_saved_loaded_and_deleted_with_the_cache_down():
    store = sessions.SessionStore()
    store._cache = BrokenCache()
    store["member"] = 7
    store.save()
    assert Session.objects.filter(session_key=store.session_key).exists()
    again = sessions.SessionStore(store.session_key)
    again._cache = BrokenCache()
    assert again["member"] == 7
    assert again.exists(store.session_key)
    again.delete()
    assert not Session.objects.filter(session_key=store.session_key).exists()


@pytest.mark.django_db
@pytest.mark.redis
def test_the_cache_keeps_a_session_for_at_most_a_quarter_of_an_hour(settings):
    store = sessions.SessionStore()
    store["member"] = 7
    store.save()
    cache = caches[settings.SESSION_CACHE_ALIAS]
    ttl = cache._cache.get_client().ttl(cache.make_key(store.cache_key))
    assert 0 < ttl <= sessions.CACHE_SECONDS
