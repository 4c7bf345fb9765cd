"""Every app's URLs reach that app's view, whatever the order of the includes in hearth/urls.py
(community's come first, as the most requested: none of them may catch another app's URL)."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

SAMPLE = {"int": "7", "slug": "type-2-diabetes", "str": "maria", "path": "a/b"}


def _patterns(resolver, namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            yield from _patterns(entry, f"{namespace}:{inner}".strip(":") if inner else namespace)
        elif isinstance(entry, URLPattern) and entry.name and namespace:
            yield namespace, entry


def _sample_kwargs(pattern: URLPattern) -> dict:
    route = str(pattern.pattern)
    return {name: SAMPLE.get(kind or "str", "7")
            for kind, name in re.findall(r"<(?:(\w+):)?(\w+)>", route)}


APP_URLS = [
    (f"{namespace}:{pattern.name}", _sample_kwargs(pattern))
    for namespace, pattern in _patterns(get_resolver())
    if namespace in {"accounts", "api", "community", "events", "learn", "mentors", "messaging",
                     "moderation", "notifications"}
]


def test_the_apps_have_urls_to_check():
    assert len(APP_URLS) > 80


@pytest.mark.parametrize(("name", "kwargs"), APP_URLS, ids=[n for n, _ in APP_URLS])
def test_an_apps_url_resolves_to_that_apps_view(name, kwargs):
    url = reverse(name, kwargs=kwargs)
    match = resolve(url)
    assert f"{match.namespace}:{match.url_name}" == name or (
        # two names for one route of the same app (a thread with and without its slug)
        match.namespace == name.split(":")[0] and reverse(
            f"{match.namespace}:{match.url_name}", kwargs=match.kwargs) == url), (url, match)
