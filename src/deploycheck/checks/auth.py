"""auth: Does every endpoint that reads or changes user data check who is asking, and that they may
see *that* record?

Reads `Route` facts (see project/extract/routes/): each route's guards in registration order (app,
router, route, body), and what its handler does (`Route.accesses`: records read/written and how they
are selected; `Route.markers`: verifies a password, issues a token, verifies a webhook signature …).

* A route with no auth guard that changes data is an error (`auth/missing-guard`); one that only
  reads data is a warning (`auth/missing-guard-on-read`) - unless it reads one record picked by an id
  from the request, which lets anyone walk through every record (`auth/unscoped-record-access`).
  A route that touches no data (static, trivial) is left alone.
* Routes that are public by design are accepted, and `deploycheck routes` says why: login, sign-up,
  password reset, logout, health checks, webhooks that verify a signature, OAuth callbacks, public
  content (GET of published/catalogue records), and submission forms that create a record from the
  visitor's own details (contact, comments, bookings). Each needs the name *and* matching behaviour.
* IDOR: a guarded route that loads, updates or deletes a record by an id from the request without
  scoping it to the user (owner column in the filter, an ownership comparison after the load, a
  helper that does either, the user's own relation) is an error, when the app's other code shows that
  these records belong to users. Role-guarded (admin/editor) routes may read any record.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Sequence

from deploycheck.core import Check, Finding, Location, Rule, Severity, Status, default_verdict
from deploycheck.project.model import DataAccess, Guard, Project, Role, Route

QUESTION = "Does every endpoint that reads or changes user data check who is asking, and that they may see *that* record?"

MISSING_GUARD = Rule(
    "auth/missing-guard", Severity.ERROR, "Endpoint that changes data has no auth check",
    why=("Anyone who finds the URL can call it: bots scan every public app within hours, and one request "
         "is enough to create, change or delete your users' data."),
    fix=("Require a signed-in user before the handler runs (your login middleware, decorator or dependency), "
         "or check the session at the top of the handler and answer 401."),
    docs=("Bad:\n    router.delete('/notes/:id', deleteNote)\n"
          "Good:\n    router.use(requireLogin)\n    router.delete('/notes/:id', deleteNote)\n"
          "Public on purpose (login, sign-up, webhooks that verify a signature, contact forms) is "
          "recognised; `deploycheck routes` shows which guard or reason covers each endpoint."))
MISSING_GUARD_ON_READ = Rule(
    "auth/missing-guard-on-read", Severity.WARNING, "Endpoint that reads data has no auth check",
    why=("Whatever it returns is public: anyone can list it, scrape it, or find personal data in it. "
         "Fine for a public catalogue, a leak for anything else."),
    fix=("If this data is not meant for everyone, require a signed-in user before the handler runs; "
         "if it is public on purpose, return only public fields (and say so with an inline ignore)."),
    docs="Bad:\n    app.get('/api/orders', listOrders)\nGood:\n    app.get('/api/orders', requireLogin, listOrders)")
UNSCOPED_RECORD_ACCESS = Rule(
    "auth/unscoped-record-access", Severity.ERROR, "Record loaded by an id from the request without an ownership check",
    why=("Changing the id in the URL shows, changes or deletes someone else's record (an IDOR, the most "
         "common API vulnerability): ids are sequential or leak easily, and being signed in does not make "
         "a record yours."),
    fix=("Look the record up by id *and* owner (e.g. `findOne({ _id: id, owner: user.id })`, "
         "`WHERE id = $1 AND user_id = $2`, `get(pk=pk, user=request.user)`), or compare its owner with the "
         "signed-in user right after loading it and answer 404."),
    docs=("Bad:\n    const note = await Note.findByIdAndUpdate(req.params.id, body)\n"
          "Good:\n    const note = await Note.findOneAndUpdate({ _id: req.params.id, owner: req.user.id }, body)\n"
          "Public share links must check the record's public/shared flag."))
UNVERIFIED_WEBHOOK = Rule(
    "auth/unverified-webhook", Severity.ERROR, "Webhook endpoint that does not verify the sender",
    why=("A webhook URL is public. Without checking the provider's signature anyone can post a fake "
         "'payment succeeded' or 'user deleted' event and your app will act on it."),
    fix=("Verify the signature before trusting the body: `stripe.webhooks.constructEvent(rawBody, "
         "signature, secret)`, svix `wh.verify(...)`, or an HMAC compared with `timingSafeEqual`."),
    docs="Bad:\n    app.post('/webhooks/stripe', (req, res) => handle(req.body))\n"
         "Good:\n    const event = stripe.webhooks.constructEvent(req.rawBody, req.headers['stripe-signature'], secret)")

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_WRITE_OPS = frozenset({"create", "update", "delete", "write"})

# ------------------------------------------------------------------------------ public by design
PUBLIC_REASONS = {
    "health": "health/readiness check",
    "login": "login endpoint (verifies credentials, starts a session)",
    "signup": "sign-up endpoint (creates the account)",
    "password-reset": "password reset / email verification flow",
    "logout": "logout endpoint",
    "webhook": "webhook that verifies the sender's signature",
    "oauth": "OAuth/SSO callback",
    "public-content": "public content (read-only)",
    "public-flag": "returns only records flagged public/published",
    "submission": "public form: creates a record from the visitor's own details",
    "public-decorator": "explicitly marked public",
    "public-link": "addressed by its public link: the slug/code in the URL is what lets a visitor in",
    "public-page": "public page: renders records no user owns (the app guards its private pages)",
    "dev-only": "registered only in development (not deployed)",
}
_SEP = r"(?:^|[/_.\-\s])"
_END = r"(?:$|[/_.\-\s])"
HEALTH = re.compile(r"(?i)(?:^|/)(?:health|healthz|healthcheck|health-check|_health|status|ready|readyz|readiness|live|"
                    r"livez|liveness|ping|version|alive|heartbeat|up)/?$")
LOGIN = re.compile(rf"(?i){_SEP}(?:log-?in|sign-?in|signin|login|token|tokens|sessions?|authenticate|access-token|"
                   rf"refresh|refresh-token|refresh_token|otp|verify-otp|2fa|mfa|magic-link|callback){_END}")
# tables of people: a user's own record has no owner column
_PERSON = r"users?|accounts?|profiles?|members?|people|persons?"
_PERSON_TABLE = re.compile(rf"(?i){_PERSON}|authors?")            # another member's profile: readable
_SIGNUP_TABLE = re.compile(rf"(?i){_PERSON}|customers?")          # what a sign-up form creates
_IDENTITY_TABLE = re.compile(rf"(?i){_PERSON}|sessions?|viewers?|verification_?tokens?|verifications?|"
                             r"authenticators?|identit(?:y|ies)|logins?")   # what signing in updates
SIGNUP = re.compile(rf"(?i){_SEP}(?:sign-?up|signup|register|registration|join|create-account|onboard|"
                    rf"accept-invite|invitations?){_END}")
RESET = re.compile(rf"(?i){_SEP}(?:forgot|forgot-password|reset|reset-password|recover|recovery|verify|verification|"
                   rf"confirm|activate|activation|verify-email|resend|unsubscribe){_END}")
LOGOUT = re.compile(rf"(?i){_SEP}(?:log-?out|logout|sign-?out|signout){_END}")
WEBHOOK = re.compile(rf"(?i){_SEP}(?:webhooks?|hooks?|ipn|notify){_END}")
OAUTH = re.compile(rf"(?i){_SEP}(?:callback|oauth2?|sso|saml|oidc|nextauth|\[\.\.\.nextauth\]|authorize|acs|"
                   rf"auth/\[\.\.\.\w+\]){_END}|/auth/\[")
PUBLIC_NOUN = re.compile(
    r"(?i)^(?:products?|catalog(?:ue)?s?|categor(?:y|ies)|tags?|posts?|articles?|blogs?|pages?|faqs?|docs?|"
    r"menus?|events?|listings?|courses?|recipes?|sitemap(?:\.xml)?|robots(?:\.txt)?|rss|feed(?:\.xml)?|atom|"
    r"opengraph-image|og|manifest(?:\.json)?|public|shop|stores?|collections?|brands?|countries|currencies|"
    r"plans|pricing|prices|locations|testimonials|reviews|authors|changelog|releases|announcements|jobs|"
    r"careers|news|videos|episodes|podcasts?|portfolio|showcase|gallery|search|meta|openapi(?:\.json)?|"
    r"swagger(?:\.json)?|stats|leaderboard|comments|slots|availability|schedule|services|about|"
    r"home|landing|features|topics|threads|forums?|questions|answers|books|movies|games|songs|"
    r"albums|artists|restaurants|hotels|properties|places|venues|players|matches|scores|profiles|"
    r"creators|packages|plugins|themes|guides|tutorials|lessons|menu-items|thumbnails?|avatars?|logos?|"
    r"icons?|favicons?|banners?)$")
SUBMISSION = re.compile(rf"(?i){_SEP}(?:contact|comments?|feedback|subscribe|newsletter|waitlist|wait-list|"
                        rf"bookings?|book|appointments?|reservations?|inquir(?:y|ies)|enquir(?:y|ies)|leads?|"
                        rf"messages?|reviews?|rsvp|support|report|applications?|apply|orders?|checkout|quote|"
                        rf"survey|responses?|signups?|registrations?|donations?|tickets?){_END}")


# Path parameters that are capabilities: whoever has the link may see the record (a share link, a
# tracking pixel, a short link, an invitation, a badge). Secret-like ones (tokens, keys) may also
# carry a write (a ping URL, an unsubscribe link); a slug or a code only a read.
CAPABILITY_PARAM = re.compile(r"^(?:\w+_)?(?:slug|code|token|hash|secret|signature|share|share_(?:id|code|key|token))$"
                              r"|^\w+_key$|^(?:short|public|share|invite)_?(?:id|code|url|key)?$")
SECRET_PARAM = re.compile(r"^(?:\w+_)?(?:token|secret|signature)$|^\w+_key$")
ID_PARAM = re.compile(r"^(?:id|pk|uuid|_id|\w+_id|\w+_pk|\w+_uuid)$")
# Path words that say the link is inside someone's account, not a public one
PRIVATE_SEGMENT = re.compile(r"(?i)^(?:admin|dashboard|settings|accounts?|workspaces?|teams?|orgs?|organi[sz]ations?|"
                             r"projects?|users?|me|billing|internal|private|manage|console|api-?keys?)$")
# Records that are personal or private whatever the app: never "public content of a public page"
SENSITIVE_TARGET = re.compile(
    r"^(?:users?|accounts?|customers?|clients?|profiles?|people|persons?|orders?|payments?|invoices?|transactions?|"
    r"charges?|refunds?|subscriptions?|messages?|conversations?|chats?|emails?|contacts?|addresses|notes?|documents?|"
    r"files?|uploads?|attachments?|carts?|wallets?|balances?|credentials?|passwords?|tokens?|sessions?|keys?|apikeys?|"
    r"secrets?|patients?|appointments?|bookings?|reservations?|notifications?|settings|preferences|logs?|"
    r"auditlogs?|reports?|records?|submissions?|applications?|employees?|students?|grades?|prescriptions?)$")
SENSITIVE_LAST_WORD = re.compile(r"^(?:user|account|customer|payment|order|invoice|transaction|message|token|session|"
                                 r"password|credential|secret|key|address|patient|wallet)s?$")


@dataclass(frozen=True, slots=True)
class AppContext:
    """What the whole app says about a route's records: who owns what, whether it guards anything."""
    owned: frozenset[str] = frozenset()   # normalised targets some code scopes by user
    guards_routes: bool = False           # some route of the app has an auth guard


@dataclass(frozen=True, slots=True)
class Verdict:
    """How the auth check sees one route (shared with `deploycheck routes`)."""
    route: Route
    guards: tuple[Guard, ...]          # the auth guards that run for it
    public: str | None = None          # why it is accepted without a guard (key of PUBLIC_REASONS)
    findings: tuple[Finding, ...] = ()
    touches: str = "none"              # "write" | "read" | "none"

    @property
    def reason(self) -> str | None:
        return PUBLIC_REASONS.get(self.public) if self.public else None


def find(project: Project, ctx=None) -> Iterator[Finding]:
    seen: set[tuple[str, str | None, int | None]] = set()
    for v in assess(project):
        for f in v.findings:
            key = (f.rule.id, f.location.path, f.location.line)
            if key in seen:
                continue
            seen.add(key)
            yield f


def assess(project: Project) -> list[Verdict]:
    every = [r for r in project.routes if project.role(r) in (Role.APP, None)]
    dev = [Verdict(r, tuple(g for g in r.guards if g.is_auth), "dev-only") for r in every if "dev-only" in r.markers]
    return _assess([r for r in every if "dev-only" not in r.markers]) + dev


def _assess(routes: list[Route]) -> list[Verdict]:
    owned = owned_targets(routes)
    app = AppContext(frozenset(owned), any(g.is_auth for r in routes for g in r.guards))
    first = [assess_route(r, owned, app=app) for r in routes]
    # records the app itself serves to everyone (a public-by-design read) are not secret when a
    # signed-in route reads them by id: only writes to them need an ownership check
    public_targets = {_norm(a.target) for v in first if v.public == "public-content"
                      for a in v.route.accesses if a.op == "read" and a.target and not a.public}
    if not public_targets:
        return first
    return [assess_route(r, owned, public_targets, app=app) if v.findings else v for r, v in zip(routes, first)]


def assess_route(r: Route, owned: set[str], public_targets: frozenset[str] | set[str] = frozenset(),
                 app: AppContext = AppContext()) -> Verdict:
    guards = tuple(g for g in r.guards if g.is_auth)
    markers = set(r.markers)
    accesses = [a for a in r.accesses if not a.counter]
    writes = [a for a in accesses if a.op in _WRITE_OPS]
    reads = [a for a in accesses if a.op == "read"]
    touches = "write" if writes else ("read" if reads else "none")
    if touches == "none" and "calls-service" in markers and r.method in WRITE_METHODS:
        touches = "write"
    public_marked = any(g.public for g in r.guards)
    if not guards:
        reason = public_reason(r, touches, accesses, markers, app)
        if reason is not None:
            return Verdict(r, guards, reason, touches=touches)
        # an explicit opt-out (@Public(), AllowAny, @login_not_required) is trusted for reads; a write
        # still needs a reason to be public (login, sign-up, webhook, form)
        if public_marked and touches != "write":
            return Verdict(r, guards, "public-decorator", touches=touches)
        if _looks_webhook(r) and touches != "none":
            return Verdict(r, guards, None, (_unverified_webhook(r),), touches)
        if touches == "none":
            return Verdict(r, guards, None, touches=touches)
        late = _late_guard_note(markers)
        marked = next((g.name for g in r.guards if g.public), None)
        if marked:
            late += f" (it is marked {marked})"
        if touches == "write":
            what = _what(writes)
            return Verdict(r, guards, None, (MISSING_GUARD.at(
                _route_loc(r), f"{_label(r)} changes data ({what}) but no auth check runs before it{late}",
                subject=_label(r)),), touches)
        by_id = [a for a in reads if _unscoped_by_request(a)]
        if by_id:
            a = by_id[0]
            return Verdict(r, guards, None, (UNSCOPED_RECORD_ACCESS.at(
                _route_loc(r), f"{_label(r)} has no auth check and returns any {_noun(a)} by the id in the request "
                               f"({a.key_text or 'id'}){late}", subject=_label(r)),), touches)
        return Verdict(r, guards, None, (MISSING_GUARD_ON_READ.at(
            _route_loc(r), f"{_label(r)} returns data ({_what(reads)}) to anyone: no auth check runs before it{late}",
            subject=_label(r)),), touches)
    # guarded: is every record it picks by a request id scoped to the user?
    if any(g.role for g in guards) or "role-check" in markers:
        return Verdict(r, guards, None, touches=touches)
    if "owner-check" in markers and not any(a.single and a.key == "request" and a.op != "read" for a in accesses):
        return Verdict(r, guards, None, touches=touches)
    findings = []
    for a in accesses:
        if not _unscoped_by_request(a) or a.op == "create":
            continue
        if _norm(a.target) not in owned:
            continue
        if a.op == "read" and (_norm(a.target) in public_targets or PUBLIC_NOUN.match(_plural(_plain(a.target)))):
            # content every member may read (posts, comments, products …): only changing it needs the owner
            continue
        if a.op == "read" and _PERSON_TABLE.fullmatch(_plain(a.target)):
            # a user record has no owner column: showing another member's profile is a product decision;
            # changing or deleting one is not (writes stay)
            continue
        verb = {"read": "loads", "update": "updates", "delete": "deletes"}.get(a.op, "changes")
        findings.append(UNSCOPED_RECORD_ACCESS.at(
            Location(a.location.path, a.location.line, a.location.column),
            f"{a.callee}({a.key_text or 'id'}) {verb} any {_noun(a)} by the id from the request: it is not "
            f"checked against the signed-in user ({_label(r)})", subject=f"{_label(r)} {a.callee}"))
    return Verdict(r, guards, None, tuple(findings), touches)


def _unscoped_by_request(a: DataAccess) -> bool:
    return a.single and a.key == "request" and not a.scoped and not a.public


def owned_targets(routes: Sequence[Route]) -> set[str]:
    """Models/tables whose records belong to users: some code scopes them by owner (or creates them with one)."""
    out = set()
    for r in routes:
        for a in r.accesses:
            if a.scoped and a.target:
                out.add(_norm(a.target))
    return out


def _norm(target: str | None) -> str:
    t = re.sub(r"[^a-z0-9]", "", (target or "").lower())
    for suf in ("ies", "es", "s"):
        if t.endswith(suf) and len(t) > len(suf) + 2:
            t = t[: -len(suf)] + ("y" if suf == "ies" else "")
            break
    return t


# ------------------------------------------------------------------------------ public by design
def public_reason(r: Route, touches: str, accesses: list[DataAccess], markers: set[str],
                  app: AppContext = AppContext()) -> str | None:
    """Why an unguarded route is public on purpose, or None. Needs the name *and* matching behaviour."""
    text = _route_text(r)
    writes = [a for a in accesses if a.op in _WRITE_OPS]
    keyed_writes = [a for a in writes if a.single and a.key == "request" and a.op in ("update", "delete")]
    creates_only = bool(writes) and all(a.op == "create" for a in writes)
    if HEALTH.search(r.path) and touches != "write" and not _param_names(r):   # /checks/:id/status is a record
        return "health"
    if "verifies-signature" in markers and (WEBHOOK.search(text) or r.method in ("POST", "ANY")):
        return "webhook"
    if LOGOUT.search(text) and not keyed_writes:
        return "logout"
    if "verifies-password" in markers and ({"issues-token", "sets-session"} & markers or LOGIN.search(text)):
        return "login"
    if LOGIN.search(text) and not keyed_writes and (
            {"issues-token", "sets-session", "verifies-password", "oauth-exchange"} & markers or touches != "write"):
        return "login" if not OAUTH.search(text) else "oauth"
    if LOGIN.search(text) and {"issues-token", "sets-session"} & markers and keyed_writes and \
            all(a.op == "update" and _IDENTITY_TABLE.fullmatch(_plain(a.target) or "") for a in keyed_writes):
        # signIn("resend", formData): the auth library updates the signing-in user's own row (last login,
        # verification token) as it starts the session
        return "login" if not OAUTH.search(text) else "oauth"
    if OAUTH.search(text) and not keyed_writes and (
            {"oauth-exchange", "sets-session", "issues-token"} & markers or r.method in ("GET", "ANY") or touches == "none"):
        return "oauth"
    if SIGNUP.search(text) and not keyed_writes and (
            {"hashes-password", "issues-token", "sets-session", "sends-email"} & markers or creates_only or touches == "none"):
        return "signup"
    if "hashes-password" in markers and creates_only and ({"issues-token", "sets-session"} & markers or SIGNUP.search(text)):
        return "signup"
    if r.method == "POST" and creates_only and not keyed_writes and "identity-in-body" in markers and \
            all(_SIGNUP_TABLE.fullmatch(_plain(a.target) or "") for a in writes):
        return "signup"
    if RESET.search(text) and not keyed_writes and not any(_unscoped_by_request(a) and a.op == "read" for a in accesses):
        return "password-reset"
    if touches != "write" and r.method in ("GET", "HEAD", "ANY", "OPTIONS"):
        reads = [a for a in accesses if a.op == "read"]
        if reads and all(a.public for a in reads if a.single and a.key == "request") and \
                any(a.public for a in reads):
            return "public-flag"
        by_id = [a for a in reads if _unscoped_by_request(a)]
        words = _path_nouns(r.path)
        targets = [_plain(a.target) for a in reads if a.target]
        if (words and PUBLIC_NOUN.match(words[-1] if not by_id else (words[-1]))) or \
                (targets and all(PUBLIC_NOUN.match(t) for t in targets)):
            if not by_id or all(PUBLIC_NOUN.match(_plain(a.target) or (words[-1] if words else "")) or
                                (words and PUBLIC_NOUN.match(words[-1])) for a in by_id):
                return "public-content"
    if _public_link(r, writes):
        return "public-link"
    if _public_page(r, touches, accesses, markers, app):
        return "public-page"
    if r.method in ("POST", "PUT", "ANY") and creates_only and not keyed_writes and \
            not any(_unscoped_by_request(a) for a in accesses if a.op == "read") and \
            ("identity-in-body" in markers or SUBMISSION.search(text)):
        return "submission"
    return None


def _param_names(r: Route) -> list[str]:
    """Path parameter names in snake_case: ':shareId' -> share_id, '<slug:metric_slug>' -> metric_slug."""
    out = []
    # (a parameter starts a path segment: `action:generateClientSecret` names a server action, not a param)
    for raw in re.findall(r"(?<![^/]):\w+|\{[^}]+\}|<[^>]+>|\[[^\]]+\]", r.path or ""):
        name = raw.strip(":{}<>[]").lstrip(".").split(":")[-1].strip()
        name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).replace("-", "_").lower()
        if name:
            out.append(name)
    return out


def _public_link(r: Route, writes: list[DataAccess]) -> bool:
    """A record reached through an unguessable or public link: `/share/[slug]`, `/p/:code` (a tracking
    pixel), `/invite/:token`, `/ping/<uuid:code>`. No id-like parameter beside it, no account path around
    it; a write only through a secret (token, key), never a delete."""
    params = _param_names(r)
    caps = [p for p in params if CAPABILITY_PARAM.match(p)]
    # `[groupIdOrSlug]` takes an id as well: a record, not a link
    if not caps or any(ID_PARAM.match(p) or re.search(r"(?:^|_)(?:id|pk|uuid)_", p) for p in params):
        return False
    statics = [seg for seg in (r.path or "").split("/") if seg and not re.search(r"[:{<\[(]", seg)]
    if any(PRIVATE_SEGMENT.match(seg) for seg in statics):
        return False
    if not writes:
        return r.method in ("GET", "HEAD", "ANY", "OPTIONS")
    if r.method in ("GET", "HEAD") and all(a.op == "create" or (a.op == "update" and not a.single) for a in writes):
        return True     # a tracking pixel / short link records the visit (an event row, a counter)
    return any(SECRET_PARAM.match(p) for p in caps) and all(a.op in ("update", "create") for a in writes)


def _public_page(r: Route, touches: str, accesses: list[DataAccess], markers: set[str], app: AppContext) -> bool:
    """A page of a public website: a GET that renders a template (or redirects), in an app that guards
    other routes, showing records that no code scopes to a user and that are not personal by nature
    (releases, feeds, testimonials, sponsors)."""
    if touches == "write" or r.method not in ("GET", "HEAD", "ANY") or "renders-page" not in markers or \
            not app.guards_routes:
        return False
    for a in accesses:
        if a.op != "read" or not a.target:
            continue
        if _norm(a.target) in app.owned or _sensitive(a.target):
            return False
    return True


def _sensitive(target: str) -> bool:
    plain = _plain(target)
    if SENSITIVE_TARGET.match(re.sub(r"[^a-z0-9]", "", plain)):
        return True
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", target.rsplit(".", 1)[-1]).lower().replace("-", "_").split("_")
    return bool(words and SENSITIVE_LAST_WORD.match(words[-1]))


def _looks_webhook(r: Route) -> bool:
    return bool(WEBHOOK.search(_route_text(r))) and r.method in ("POST", "ANY", "PUT")


def _unverified_webhook(r: Route) -> Finding:
    return UNVERIFIED_WEBHOOK.at(_route_loc(r), f"{_label(r)} looks like a webhook but never verifies the sender's "
                                                f"signature, so anyone can post fake events to it", subject=_label(r))


def _route_text(r: Route) -> str:
    """The route's path plus its handler name split into words: matched by the public-by-design patterns."""
    name = r.name or ""
    name = name.rsplit(".", 1)[-1]
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", name).replace("_", "-").lower()
    if r.framework == "nextjs-action" and r.location.path:
        # an inline server action has no name: the page it sits in says what it is for (app/login/page.tsx)
        words += " " + r.location.path.lower()
    return f"{r.path.lower()} {words}"


def _path_nouns(path: str) -> list[str]:
    out = []
    for seg in (path or "").split("/"):
        if not seg or seg.startswith((":", "{", "<", "[", "*", "(")) or re.fullmatch(r"(?i)api|v\d+|rest|public", seg):
            continue
        out.append(seg.lower())
    return out


def _plural(word: str) -> str:
    """'post' -> 'posts' (PUBLIC_NOUN lists plurals; it also accepts most singulars)."""
    return word if word.endswith("s") else word + "s"


def _plain(target: str | None) -> str:
    t = (target or "").lower()
    return t.rsplit(".", 1)[-1]


def _label(r: Route) -> str:
    if r.method == "POST" and r.path.startswith("action:"):
        return f"server action {r.path[7:]}"
    return f"{r.method} {r.path}"


def _route_loc(r: Route) -> Location:
    return Location(r.location.path, r.location.line, r.location.column)


def _noun(a: DataAccess) -> str:
    t = a.target or "record"
    return t


def _what(accesses: list[DataAccess]) -> str:
    names = []
    for a in accesses:
        n = a.callee.split("(")[0]
        if a.target and a.target.lower() not in n.lower():
            n = f"{n} on {a.target}"
        if n not in names:
            names.append(n)
    return ", ".join(names[:2]) + (" …" if len(names) > 2 else "")


def _late_guard_note(markers: set[str]) -> str:
    for m in markers:
        if m.startswith("late-guard:"):
            _, name, line = (m.split(":", 2) + ["", ""])[:3]
            return f" ({name} is registered after it, at line {line}, so it does not run for this route)"
        if m.startswith("inert-decorator:"):
            _, name, line = (m.split(":", 2) + ["", ""])[:3]
            return f" (@{name} sits above the route decorator, at line {line}, so it wraps nothing Flask calls)"
    return ""


def verdict(project: Project, findings: Sequence[Finding]) -> tuple[Status, str]:
    status, summary = default_verdict(project, findings)
    routes = [r for r in project.routes if project.role(r) in (Role.APP, None) and "dev-only" not in r.markers]
    if not routes:
        return Status.PASS, "no endpoints found"
    if status is Status.PASS:
        return status, f"{len(routes)} endpoint{'s' if len(routes) != 1 else ''} checked: each is guarded or public by design"
    return status, summary


CHECK = Check("auth", QUESTION, rules=(MISSING_GUARD, MISSING_GUARD_ON_READ, UNSCOPED_RECORD_ACCESS, UNVERIFIED_WEBHOOK),
              find=find, verdict=verdict, title="Authentication & authorization")
