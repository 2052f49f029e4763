"""/auth/*: the sign-in form, sign-in and sign-out (the signed session cookie), and /auth/me for API clients."""

from __future__ import annotations

import json
import logging
from html import escape

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from api import deps
from api.errors import json_route
from core.accounts import auth, sessions, users
from core.platform import db
from core.platform.config import get_settings
from core.platform.errors import AuthError
from core.platform.timeutil import reference_date
from i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from i18n.format import fmt_date

log = logging.getLogger(__name__)

PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}

STYLE = """
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#F3F5F8;
color:#1C2430;font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif}
main{width:min(380px,92vw);background:#fff;border:1px solid #DDE3EA;border-radius:10px;padding:36px 32px 24px;
box-shadow:0 1px 3px rgba(28,36,48,.06)}
h1{font-size:22px;font-weight:600;margin:0 0 6px;color:#1F4E79}
.office{margin:0 0 22px;color:#5B6675;font-size:14px}
label{display:block;font-size:14px;margin:16px 0 6px}
input,button{font-family:inherit}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:10px 12px;font-size:15px;
border:1px solid #C5CED8;border-radius:6px;background:#fff;color:#1C2430}
input:focus{outline:2px solid #1F4E79;outline-offset:-1px}
button{width:100%;margin-top:24px;padding:11px;font-size:15px;border:0;border-radius:6px;background:#1F4E79;
color:#fff;cursor:pointer}
.msg{margin:0 0 6px;padding:10px 12px;border-radius:6px;font-size:14px;line-height:1.5}
.error{background:#FDECEC;color:#8A1F1F}.info{background:#EAF2FB;color:#1F4E79}
footer{margin-top:22px;font-size:12px;color:#5B6675;display:flex;justify-content:space-between;gap:12px}
a{color:#1F4E79}
"""


LANG_COOKIE = "pd_lang"  # the language this browser last used, for the sign-in page and visitors (shell.py)
LANG_COOKIE_AGE = 365 * 24 * 3600


def _lang(value) -> str:
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def _page_lang(request: Request) -> tuple[str, bool]:
    """Return the sign-in page's language and whether the visitor chose it just now (?lang= in the URL)."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked, True
    return _lang(request.cookies.get(LANG_COOKIE)), False


def _keep_lang(response: Response, lang: str, request: Request) -> Response:
    response.set_cookie(
        LANG_COOKIE, lang, max_age=LANG_COOKIE_AGE, path="/", samesite="lax", secure=deps.is_https(request)
    )
    return response


def _user_language(cookie: str | None, chosen: str | None) -> str | None:
    """Return the signed-in user's language, keeping `chosen` (picked on the sign-in page) as his own first."""
    from core.accounts import profile

    with db.session_scope() as session:
        user = auth.user_from_cookie(session, cookie)
        if user is None:
            return None
        if chosen:
            profile.set_language(session, user, chosen)
            return chosen
        return user.language


def _owner_language(cookie: str | None) -> str | None:
    with db.session_scope() as session:
        return sessions.owner_language(session, auth.token_from_cookie(cookie))


def _query(lang: str, **extra) -> str:
    params = {**extra, **({"lang": lang} if lang != DEFAULT_LANGUAGE else {})}
    return ("?" + "&".join(f"{k}={v}" for k, v in params.items())) if params else ""


def _home(lang: str) -> str:
    return "/" + _query(lang)


def _message(text: str | None, kind: str) -> str:
    if not text:
        return ""
    role = "alert" if kind == "error" else "status"
    return f'<p class="msg {kind}" role="{role}">{escape(text)}</p>'


def _pinned_notice(lang: str) -> str:
    pinned = reference_date()
    if not pinned:
        return ""
    return _message(t("app.reference_date_pinned", language=lang, date=fmt_date(pinned, lang)), "info")


def _minutes(window) -> int:
    return int(window.total_seconds() // 60)


def _form_html(lang: str, username: str, error: str | None, info: str | None, chosen: bool = False) -> str:
    other = "en" if lang == DEFAULT_LANGUAGE else DEFAULT_LANGUAGE
    e = lambda key, **kw: escape(t(key, language=lang, **kw))  # noqa: E731
    return f"""<!doctype html>
<html lang="{"zh-CN" if lang == DEFAULT_LANGUAGE else "en"}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{e("auth.page_title")}</title>
<style>{STYLE}</style></head><body><main>
<h1>{e("app.name")}</h1><p class="office">{escape(get_settings().office_name)}</p>
{_message(error, "error")}{_message(info, "info")}{_pinned_notice(lang)}
<form method="post" action="/auth/login">
<input type="hidden" name="lang" value="{escape(lang)}">
<input type="hidden" name="lang_chosen" value="{1 if chosen else ""}">
<label for="username">{e("auth.username")}</label>
<input id="username" name="username" type="text" autocomplete="username" maxlength="40" required autofocus
 value="{escape(username)}">
<label for="password">{e("auth.password")}</label>
<input id="password" name="password" type="password" autocomplete="current-password" maxlength="256" required>
<button type="submit">{e("auth.sign_in")}</button>
</form>
<footer><span>{e("session.attempts_notice", n=auth.CLIENT_MAX_FAILURES, minutes=_minutes(auth.CLIENT_WINDOW))}</span>
<a href="/auth/login{_query(other)}" lang="{other}">{escape(LANGUAGES[other])}</a></footer>
</main></body></html>"""


def _page(
    lang: str, *, username="", error: str | None = None, info: str | None = None, status=200, chosen=False
):
    return HTMLResponse(
        _form_html(lang, username, error, info, chosen), status_code=status, headers=PAGE_HEADERS
    )


def _visitor_state(cookie: str | None) -> str:
    with db.session_scope() as session:
        if not users.any_user(session):
            return "setup"
        return "signed_in" if auth.user_from_cookie(session, cookie) else "anonymous"


async def _streamlit_auth(request: Request, name: str) -> Response:
    """Hand the request to Streamlit's own /auth/<name> (single sign-on through st.login / st.logout)."""
    from streamlit import config
    from streamlit.web.server.starlette.starlette_auth_routes import create_auth_routes

    for route in create_auth_routes(config.get_option("server.baseUrlPath") or ""):
        if route.path.rstrip("/").endswith(f"/auth/{name}"):
            return await route.endpoint(request)
    return RedirectResponse("/", status_code=303)


async def login_page(request: Request) -> Response:
    """GET /auth/login: the sign-in form (or Streamlit's single sign-on when a provider is named)."""
    if "provider" in request.query_params:
        return await _streamlit_auth(request, "login")
    lang, chosen = _page_lang(request)
    state = await run_in_threadpool(_visitor_state, request.cookies.get(auth.SESSION_COOKIE))
    if state != "anonymous":  # signed in already, or a fresh install whose setup screen is in the app
        return RedirectResponse(_home(lang), status_code=303)
    info = t("auth.signed_out", language=lang) if request.query_params.get("out") else None
    page = _page(lang, info=info, chosen=chosen)
    return _keep_lang(page, lang, request) if chosen else page


def _sign_in(username: str, password: str, ip: str | None, user_agent: str | None) -> tuple[str, int]:
    with db.session_scope() as session:
        _user, cookie = auth.sign_in(session, username, password, ip, user_agent)
        return cookie, int(auth.session_hours(session) * 3600)


def _failure_text(exc: AuthError, lang: str) -> str:
    if isinstance(exc, auth.TooManyAttempts):
        return t("session.too_many_attempts", language=lang, minutes=_minutes(auth.CLIENT_WINDOW))
    return t("auth.invalid_credentials", language=lang)


async def login_submit(request: Request) -> Response:
    """POST /auth/login: check the password, set the signed session cookie and go to the app."""
    form = await request.form()
    lang, chosen = _lang(form.get("lang")), bool(form.get("lang_chosen"))
    if not deps.same_origin(request):
        return _page(lang, error=t("auth.bad_origin", language=lang), status=403)
    username = str(form.get("username") or "")[:100]
    password = str(form.get("password") or "")[: auth.MAX_PASSWORD_LENGTH + 1]
    agent = request.headers.get("user-agent")
    try:
        cookie, max_age = await run_in_threadpool(
            _sign_in, username, password, deps.client_ip(request), agent
        )
    except AuthError as exc:
        error = _failure_text(exc, lang)
        return _page(lang, username=username, error=error, status=exc.http_status, chosen=chosen)
    except Exception as exc:  # a locked or unreachable database: say so and when to retry, never a bare 500
        if not db.is_unavailable(exc):
            raise
        log.warning("sign-in: database unavailable: %s", exc)
        error = t("api.error.database_busy", language=lang, seconds=db.RETRY_AFTER_S)
        response = _page(lang, username=username, error=error, status=503, chosen=chosen)
        response.headers["Retry-After"] = str(db.RETRY_AFTER_S)
        return response
    lang = await run_in_threadpool(_user_language, cookie, lang if chosen else None) or lang
    response = RedirectResponse(_home(lang), status_code=303)
    response.set_cookie(
        auth.SESSION_COOKIE,
        cookie,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=deps.is_https(request),
    )
    return _keep_lang(response, lang, request)


def _streamlit_identity(request: Request) -> dict | None:
    """Return the claims in Streamlit's signed single sign-on cookie, or None (absent, tampered, unreadable)."""
    from streamlit.auth_util import get_cookie_with_chunks
    from streamlit.web.server.server_util import get_cookie_secret
    from streamlit.web.server.starlette.starlette_app_utils import decode_signed_value
    from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME

    def one(name: str) -> bytes | None:
        value = request.cookies.get(name)
        return decode_signed_value(get_cookie_secret(), name, value.encode("latin-1")) if value else None

    try:
        raw = get_cookie_with_chunks(one, USER_COOKIE_NAME)
        claims = json.loads(raw) if raw else None
    except Exception:  # an old or foreign cookie format: Streamlit's own logout still clears it
        return None
    return claims if isinstance(claims, dict) else None


def _record_logout(cookie: str | None, claims: dict | None) -> None:
    with db.session_scope() as session:
        auth.sign_out(session, cookie)
        token = sessions.sso_token(claims) if claims else None
        if token:
            sessions.end(session, token)


def _has_streamlit_identity(request: Request) -> bool:
    from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME

    return any(name.startswith(USER_COOKIE_NAME) for name in request.cookies)


async def logout(request: Request) -> Response:
    """GET /auth/logout: clear the session cookie (and a single sign-on identity) and show the sign-in form."""
    session_cookie = request.cookies.get(auth.SESSION_COOKIE)
    # the sidebar has already ended the session on the server, so the language is read from its owner
    own = await run_in_threadpool(_owner_language, session_cookie)
    lang = own or _page_lang(request)[0]
    claims = _streamlit_identity(request) if _has_streamlit_identity(request) else None
    await run_in_threadpool(_record_logout, session_cookie, claims)
    if _has_streamlit_identity(request):
        response = await _streamlit_auth(request, "logout")
    else:
        # the language goes in the cookie, not the URL: a URL's ?lang= counts as the next user's own choice
        response = RedirectResponse("/auth/login?out=1", status_code=303)
    response.delete_cookie(auth.SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return _keep_lang(response, lang, request)


def _me(request: Request) -> dict:
    user = deps.authenticate_request(request)
    role = getattr(user.role, "value", user.role)
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": role,
        "unit_id": user.unit_id,
    }


@json_route
async def me(request: Request) -> Response:
    """GET /auth/me: who the bearer token or session cookie belongs to."""
    return JSONResponse(await run_in_threadpool(_me, request), headers={"Cache-Control": "no-store"})


def routes() -> list[BaseRoute]:
    """Return the sign-in routes (they take /auth/login and /auth/logout over from Streamlit and delegate SSO)."""
    return [
        Route("/auth/login", login_page, methods=["GET"]),
        Route("/auth/login", login_submit, methods=["POST"]),
        Route("/auth/logout", logout, methods=["GET"]),
        Route("/auth/me", me, methods=["GET"]),
    ]
