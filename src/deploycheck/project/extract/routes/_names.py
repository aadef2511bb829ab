"""Vocabulary shared by the route extractors (JS and Python): what a name or a snippet of code says
about authentication, ownership and public content.

Names are a fallback. Where the code of a middleware, decorator or dependency is in the repository,
its body decides (see `_js.py` / `_py.py`: "checks a session/token/user and answers 401/403 or
throws"); these patterns only judge what we cannot read (a library middleware, an import that does
not resolve).
"""
from __future__ import annotations

import re

from deploycheck.project.extract._prefilter import prefiltered

# ------------------------------------------------------------------------------------------ guards

# A name that says "this authenticates": requireLogin, login_required, isAuthenticated, verifyToken,
# checkJwt, passport.authenticate, Depends(get_current_user), JwtAuthGuard, withAuth, protect …
_AUTH_NAME = re.compile(
    r"(?ix)(?<![a-z])(?:"
    r"auth(?!or)(?!ors)|authenticat|authn|login.?required|require.?login|logged.?in|ensure.?logged|"
    r"signed.?in|is.?signed|require.?(user|session|account|member)|ensure.?(user|auth|session)|"
    r"current.?(active.?)?user|get.?(current|auth(enticated)?).?user|jwt|bearer|token.?required|"
    r"(verify|check|validate|decode|require)[-_.]?(access)?[-_.]?(token|jwt|session|api.?key|user|auth|identity|firebase)|"
    r"(verify|check|validate)[-_.]?\w{0,24}?(signature|webhook|hmac)|"
    r"protect(ed)?(?![a-z])|passport|api.?key.?(required|auth|check|guard|header)|"
    r"clerk|with.?api.?auth|with.?page.?auth|require.?api.?key|login.?manager|"
    r"is.?logged|must.?be.?logged|restrict.?to|needs?.?auth|need.?login|session.?required|"
    r"http.?(basic|bearer|digest)|oauth2.?(password|authorization).?bearer|security.?scopes"
    r")")
# A name that says "this requires a role or permission" (also an auth guard: it needs a user).
_ROLE_NAME = re.compile(
    r"(?ix)(?:admin|superuser|super.?user|staff|role|permission|perm(?![a-z])|moderator|"
    r"editor(?!ial)|owner.?only|is.?owner|can.?(manage|edit|admin)|authori[sz]e|has.?(role|perm|scope)|"
    r"require.?scope|scopes?.?required|acl|rbac|ability|policy|policies)")
# Middleware we know does not authenticate, whatever else it does.
_NOT_AUTH = re.compile(
    r"(?ix)^(?:.*[.])?(?:cors|helmet|json|urlencoded|raw|text|body.?parser|bodyparser|morgan|logger|"
    r"log(ging)?|pino.*|rate.?limit(er)?|limiter|slow.?down|static|compression|compress|multer|upload\w*|"
    r"validate\w*|validator|validation|schema|csrf\w*|csurf|cookie.?parser|cookie.?session|session|"
    r"express.?session|timeout|cache\w*|error\w*|not.?found|i18n|favicon|serve\w*|request.?id|"
    r"express\.\w+|router|method.?override|hpp|xss\w*|sanitize\w*|mongo.?sanitize|nocache|"
    r"get_db|get_session|get_settings|settings|get_redis|db|database|pagination|paginate\w*|"
    r"common_parameters|common_params)$")
# Names of middleware that attach a user when there is one but never reject: not guards.
_OPTIONAL = re.compile(r"(?i)optional|maybe|attach|load.?user|populate|try.?auth|soft|if.?auth|decode.?user|identify|"
                       r"clerk.?middleware|passport\.(?:initialize|session)|session.?middleware|with.?session|"
                       r"auth.?js.?middleware|init.?auth")


def name_says_auth(name: str) -> bool | None:
    """True: the name says it authenticates; False: known not to; None: the name says nothing."""
    base = _base(name)
    if not base:
        return None
    if _NOT_AUTH.match(base) or _NOT_AUTH.match(name.strip()):
        return False
    if _OPTIONAL.search(base):
        return False
    words = _words(base)
    if _AUTH_NAME.search(words) or _ROLE_NAME.search(base):
        return True
    return None


def _words(name: str) -> str:
    """camelCase -> camel_Case, so word-start patterns see `requireAuth` as require_Auth."""
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)


def role_from_name(name: str) -> str | None:
    """'admin', 'editor', … when the name (or its literal argument) says it requires a role."""
    base = _base(name)
    m = re.search(r"""\(\s*\[?\s*['"]([\w:-]{2,40})['"]""", name)
    if _ROLE_NAME.search(base):
        if m:
            return m.group(1)
        word = _ROLE_NAME.search(base).group(0).lower()
        return "admin" if "admin" in word or "super" in word or "staff" in word else "role"
    return None


def _base(name: str) -> str:
    """The callee part of a guard expression: 'passport.authenticate' of
    "passport.authenticate('jwt', {session: false})", 'get_current_user' of 'Depends(get_current_user)'."""
    s = name.strip()
    m = re.match(r"^(?:Depends|Security|fastapi\.Depends)\(\s*([\w.]+)", s)
    if m:
        return m.group(1)
    s = re.sub(r"^new\s+", "", s)
    s = s.split("(", 1)[0].strip()
    return s.lstrip("@")


# ------------------------------------------------------------------------------------------ request / user

# Text that reads request input: a path parameter, the query string or the body.
REQUEST_SEED = re.compile(
    r"(?x)\b(?:req|request|ctx\.request|context\.request|event)\s*\.\s*(?:params|query|body|pathParameters|queryStringParameters)\b"
    r"|\bctx\s*\.\s*(?:params|query)\b"
    r"|\bc\s*\.\s*req\s*\.\s*(?:param|query|json|parseBody|valid|formData)\b"
    r"|\b(?:searchParams|nextUrl\.searchParams|url\.searchParams)\s*\.\s*get\b"
    r"|\bformData\s*\.\s*get\b"
    r"|\b(?:request|req)\s*\.\s*(?:json|formData)\s*\(\s*\)"
    r"|\bparams\s*(?:\?\.|\.)\s*\w+"
    r"|\brequest\s*\.\s*(?:args|form|values|json|get_json|data|GET|POST|query_params|path_params|files)\b"
    r"|\bself\s*\.\s*kwargs\b|\bkwargs\s*\[")

# Text that names the authenticated user (or the session that carries it).
USER_EXPR = re.compile(
    r"(?x)\b(?:req|request|ctx\.state|ctx\.request|event\.locals|locals|res\.locals)\s*\.\s*(?:user|auth|session|userId|user_id|currentUser|identity|account|claims|token)\b"
    r"|\bsession\s*(?:\?\.|\.)\s*(?:user|userId|user_id|uid|sub|account)\b"
    r"|\bsession\s*\[\s*['\"](?:user|user_id|userId|uid|account_id|staff_id)['\"]\s*\]"
    r"|\b(?:current_user|currentUser|g\.user|auth\.userId|authUser|auth_user|me)\b"
    r"|\bget_jwt_identity\s*\(|\bc\s*\.\s*(?:get|var)\s*\(\s*['\"](?:user|jwtPayload|session|userId)['\"]"
    r"|\bc\s*\.\s*var\s*\.\s*user\b|\buser\s*(?:\?\.|\.)\s*(?:id|_id|uid|sub|pk)\b|\buserId\b|\buser_id\b")

# Keys and columns that tie a record to its owner (or tenant).
OWNER_KEY = re.compile(
    r"(?ix)(?<![a-z0-9])(?:"
    r"owner|owner_?id|owned_?by|user|user_?id|author|author_?id|created_?by(_?id)?|creator(_?id)?|"
    r"tenant(_?id)?|org(_?id)?|organi[sz]ation(_?id)?|account(_?id)?|team(_?id)?|workspace(_?id)?|"
    r"company(_?id)?|profile_?id|member_?id|uid|posted_?by|seller_?id|customer_?id|client_?id"
    r")(?![a-z0-9])")

# Flags that make a record public on purpose.
PUBLIC_FLAG = re.compile(
    r"(?ix)(?<![a-z0-9])(?:published|is_?published|public|is_?public|shared|is_?shared|visibility|"
    r"visible|is_?visible|listed|is_?listed|share_?token|share_?id|public_?id|status\s*[:=]+\s*['\"]published)(?![a-z0-9])")

# ------------------------------------------------------------------------------------------ handler effects

PASSWORD_VERIFY = re.compile(
    r"(?ix)(?:bcrypt|bcryptjs|argon2|scrypt|pbkdf2|hasher|pwd_context|password_hasher)\s*\.\s*(?:compare|compareSync|verify)"
    r"|(?<![a-z])(?:verify_?password|compare_?password|check_?password(_hash)?|password_?matches|"
    r"is_?valid_?password|validate_?password|authenticate_?user|sign_?in_?with_?password|signInWithPassword|"
    r"check_password_hash|verifyCredentials|validateCredentials|comparePasswords?)\s*\(")
PASSWORD_HASH = re.compile(
    r"(?ix)(?:bcrypt|bcryptjs|argon2|scrypt|pwd_context)\s*\.\s*(?:hash|hashSync|genSalt)\b|"
    r"(?<![a-z])(?:hash_?password|generate_password_hash|make_password|set_password|create_?user_?with|signUp)\s*\(")
TOKEN_ISSUE = re.compile(
    r"(?i)\b(?:jwt\s*\.\s*(?:sign|encode)\b|jwt_?service\s*\.\s*sign(?:Async)?\s*\(|new\s+SignJWT\b|"
    r"(?:create_?access_?token|create_?refresh_?token|generate_?(?:access_?)?token|sign_?token|issue_?token|"
    r"create_?token|encode_?jwt|signAccessToken|create_?session|createSessionCookie|login_user|auth_login|"
    r"django_login)\s*\(|(?:req|request)\.login\s*\(|login\s*\(\s*request\s*,)|\blucia\.createSession\s*\(")
SESSION_SET = re.compile(
    r"""(?x)\b(?:req|request)\s*\.\s*session\s*(?:\.\s*\w+|\[[^\]]+\])\s*=(?!=)|\bsession\s*\[\s*['"]\w+['"]\s*\]\s*=(?!=)"""
    r"""|\bsession\s*\.\s*(?:user|userId|user_id)\s*=(?!=)|\bsession\s*\.\s*save\s*\(|\bcookies\s*\(\s*\)\s*\.\s*set\s*\("""
    r"""|\b(?:res|reply|response)\s*\.\s*(?:cookie|setCookie|set_cookie)\s*\("""
    r"""|(?<![\w.])signIn\s*\(\s*['"][\w-]+['"]""")   # Auth.js/NextAuth server-side signIn("github", …)
SESSION_END = re.compile(
    r"(?ix)\b(?:req|request)\s*\.\s*(?:session\s*\.\s*destroy|logout|logOut)\s*\(|\bsession\s*\.\s*(?:clear|destroy|flush)\s*\(|"
    r"(?<![a-z])(?:logout_user|logout|sign_?out|signOut|invalidate_?session|clearCookie|clear_cookie|delete_cookie)\s*\("
    r"|\bcookies\s*\(\s*\)\s*\.\s*delete\s*\(")
SIGNATURE_VERIFY = re.compile(
    r"(?i)\b(?:webhooks\s*\.\s*construct_?event(?:Async)?\b|Webhook\s*\.\s*construct_event\b|constructEvent(?:Async)?\s*\(|"
    r"new\s+Webhook\s*\(|Webhook\s*\(|timingSafeEqual|compare_digest|createHmac\s*\(|hmac\s*\.\s*new\s*\(|"
    r"(?:verify_?(?:\w{0,24}?(?:webhook|signature|hmac)|slack|github)\w*|validate_?(?:webhook|signature)\w*|"
    r"check_?signature|is_?valid_?signature|validateRequest|validate_request)\s*\()"
    r"|\.\s*verify\s*\(\s*(?:payload|body|rawBody|raw_body|text|req\.body|request\.body|await)"
    r"|\b(?:\w+_)?unsign\w*\s*\(|\bsigning\s*\.\s*loads\s*\("   # Django signing: Signer().unsign(...)
    r"|\bsubtle\s*\.\s*(?:verify|sign)\s*\(\s*['\"]HMAC")   # Web Crypto: crypto.subtle.verify("HMAC", …)
OAUTH_EXCHANGE = re.compile(
    r"(?ix)exchangeCodeForSession|exchange_?code|authorize_?access_?token|fetch_?token|get_?access_?token|"
    r"grant_type\W+authorization_code|oauth[\w/]*access_token|/oauth/token|/token\b.*\bcode\b|getToken\s*\(\s*\{?\s*code|"
    r"validateAuthorizationCode|handleCallback|handle_?oauth|oauth\.\w+\.authorize|authlib")
EMAIL_SEND = re.compile(
    r"(?ix)\bsend_?mail\b|\bsendMail\b|\bemails\s*\.\s*send\b|\bsgMail\s*\.\s*send\b|\bmail\s*\.\s*send\b|"
    r"\bsend_?(reset|password|verification|magic|welcome|confirmation)\w*\s*\(|\bsend_?email\b|\bsendEmail\b|\bmailer\b")

# Request-body keys that carry a visitor's own identity (a submission form): a person, not a thing -
# `name` alone could be a project's name, so it does not count.
IDENTITY_KEYS = re.compile(
    r"(?ix)^(?:full_?name|first_?name|last_?name|given_?name|family_?name|author|author_?name|email|e_?mail|"
    r"email_?address|phone|phone_?number|mobile|telephone|guest_?name|guest_?email|contact_?email|"
    r"contact_?name|your_?name|sender|sender_?email|customer_?email|customer_?name|dob|date_?of_?birth)$")

# A handler that answers with an HTML page or a redirect (a website page, not a data API):
# render(request, "x.html"), render_template(...), TemplateResponse(...), res.render("view"),
# reply.view(...), redirect(...), HttpResponseRedirect(...), NextResponse.redirect(...).
PAGE_RESPONSE = re.compile(
    r"(?:\b(?:res|response|reply|ctx)\s*\.\s*render|\brender(?:_template(?:_string)?|_to_response)?|"
    r"\bTemplateResponse|\breply\s*\.\s*view|\bHttpResponse(?:Permanent)?Redirect|\bredirect|"
    r"\b(?:res|response|reply|c|ctx|NextResponse|Response)\s*\.\s*redirect)\s*\(")

# These run on whole function bodies and conditions: a literal prefilter skips the texts that cannot
# match (see _prefilter.py; results are the regexes' own).
REQUEST_SEED, USER_EXPR = prefiltered(REQUEST_SEED), prefiltered(USER_EXPR)
# (the handler-effect markers are asked yes/no on whole bodies: answered alternative by alternative)
(PASSWORD_VERIFY, PASSWORD_HASH, TOKEN_ISSUE, SESSION_SET, SESSION_END, SIGNATURE_VERIFY, OAUTH_EXCHANGE,
 EMAIL_SEND, PAGE_RESPONSE) = (prefiltered(rx, split=True) for rx in (
    PASSWORD_VERIFY, PASSWORD_HASH, TOKEN_ISSUE, SESSION_SET, SESSION_END, SIGNATURE_VERIFY, OAUTH_EXCHANGE,
    EMAIL_SEND, PAGE_RESPONSE))
