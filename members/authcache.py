"""What every signed-in request reads about its user, read once and then kept in the cache (issue 21).

Each request used to read the user with its role flags (members.backends.ModelBackend) and its TOTP
device (django-otp's middleware) from the database: two queries, and more time building them than
running them. Now both come from one cache entry per user, next to the session (cached_db):

- The entry holds the user (with its role flags) and its confirmed devices, together with the user's
  *token*, a random value kept under its own key. An entry whose token is not the current one is
  stale and read again from the database.
- Any change of the user row, its groups (roles) or its devices replaces the token at once and again
  when the change commits (``forget``): the very next request reads the database, so a role change, a
  deactivation (the backend refuses an inactive user) or a password change (Django's session hash no
  longer matches: the session ends) applies at once. The second replacement closes the race with a
  request that read the row just before the change committed and cached the old row under the new token.
- Changes that send no signal (``QuerySet.update()`` on users in a shell) are seen within
  ``AUTH_STATE_CACHE_SECONDS``; the code of the project does not make them (members.signals bumps
  after its own ``update`` at login).

The cache then holds the users' password hashes and TOTP device rows (with their keys) beside the
sessions it already holds, which are bearer credentials themselves: Redis must be as private as the
database (docs/deploy.md §8: bound to the private network, with a password).

Only where one cache serves every process (``CACHE_URL``: Redis) — or in a single process (DEBUG, the
tests) — is this on (``settings.AUTH_STATE_CACHE``): with a cache per worker a change made through one
worker would go unseen by the others.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

TOKEN_KEY = "auth:token:{}"
STATE_KEY = "auth:state:{}"


def enabled() -> bool:
    return bool(getattr(settings, "AUTH_STATE_CACHE", False))


def load(user_id: Any, loader: Callable[[], Any]) -> Any:
    """``loader()``'s value for this user, from the cache when its token is current."""
    if not enabled():
        return loader()
    token_key, state_key = TOKEN_KEY.format(user_id), STATE_KEY.format(user_id)
    got = cache.get_many([token_key, state_key])
    token, state = got.get(token_key), got.get(state_key)
    if token is not None and state is not None and state[0] == token:
        return state[1]
    value = loader()
    if value is None:
        return None
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(token_key, token, None):
            return value  # another request set the token meanwhile: keep nothing this time
    cache.set(state_key, (token, value), settings.AUTH_STATE_CACHE_SECONDS)
    return value


def _replace_token(user_id: Any) -> None:
    cache.set(TOKEN_KEY.format(user_id), uuid.uuid4().hex, None)


def forget(*user_ids: Any) -> None:
    """The users' cached state is stale: now, and again once the current transaction commits."""
    if not enabled():
        return
    for user_id in user_ids:
        _replace_token(user_id)
    if user_ids:
        transaction.on_commit(lambda: [_replace_token(user_id) for user_id in user_ids])
