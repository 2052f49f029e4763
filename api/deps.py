"""Who makes an HTTP request: a bearer API token or the session cookie. The /api/v1 routes call these helpers."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request

from core.accounts import auth, tokens
from core.platform import db, net
from i18n import t
from models import User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def bearer_token(request: Request) -> str | None:
    """Return the token of an `Authorization: Bearer <token>` header, "" for another scheme, None if absent."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def is_https(request: Request) -> bool:
    """Return whether the browser reached us over https (directly or through a proxy that says so)."""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def client_ip(request: Request) -> str | None:
    """Return the client's address: the peer's, or what a trusted proxy (PETITION_DESK_TRUSTED_PROXIES) says."""
    peer = request.client.host if request.client else None
    return net.client_address(peer, ",".join(request.headers.getlist("x-forwarded-for")) or None)


def same_origin(request: Request) -> bool:
    """Return whether Origin (or Referer) names this host; requests carrying neither pass (not from a browser form)."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if source is None:
        return True
    hosts = {request.headers.get("host"), request.headers.get("x-forwarded-host")} - {None}
    return urlsplit(source).netloc in hosts


def _unauthorized() -> HTTPException:
    return HTTPException(401, detail=t("auth.api_unauthenticated"), headers={"WWW-Authenticate": "Bearer"})


def _user(session, request: Request) -> User | None:
    token = bearer_token(request)
    if token is not None:
        return tokens.authenticate_token(session, token)
    user = auth.user_from_cookie(session, request.cookies.get(auth.SESSION_COOKIE))
    if user is not None and request.method not in SAFE_METHODS and not same_origin(request):
        raise HTTPException(403, detail=t("error.forbidden"))
    return user


def authenticate_request(request: Request) -> User:
    """Return the user behind a bearer token or the session cookie, or raise HTTP 401 (blocking: run in a thread)."""
    with db.session_scope() as session:
        user = _user(session, request)
        if user is None:
            raise _unauthorized()
        session.expunge(user)
        return user
