"""Which checklist item an error belongs to, from its text and the code it points at.

Each rule names a category (a contract check id), what in the event text or the failing line of
code proves it, and how to say it to a beginner. Order matters: the first rule that matches wins.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Signature:
    category: str
    pattern: re.Pattern[str]
    explain: str        # "{0}" is replaced by the first non-empty capture group, "{:0}" by ":<group>"

    def explanation(self, subject: str | None) -> str:
        text = self.explain.replace("{:0}", f":{subject}" if subject else "")
        text = text.replace(" ({0})", f" ({subject})" if subject else "")
        return text.replace("{0}", subject or "a variable")


def _rx(p: str) -> re.Pattern[str]:
    return re.compile(p, re.I | re.S)


_ENV_NAME = r"([A-Z][A-Z0-9_]{2,})"
SIGNATURES: tuple[Signature, ...] = (
    # env-vars: a variable missing or empty in production
    Signature("env-vars", re.compile(r"KeyError: ['\"]" + _ENV_NAME + r"['\"]"),
              "{0} is not set in production: the code reads it with os.environ[...] and crashes"),
    Signature("env-vars", re.compile(r"(?:missing|required|undefined)[^\n]{0,40}?(?:environment|env)[ _-]?var(?:iable)?s?\W{0,4}" + _ENV_NAME),
              "{0} is not set in production"),
    Signature("env-vars", re.compile(_ENV_NAME + r" (?:is not set|is not defined|is undefined|is required|must be set|is missing|not set|env var(?:iable)? is (?:missing|not set))"),
              "{0} is not set in production"),
    Signature("env-vars", _rx(r"validation errors? for (\w*Settings\w*)"),
              "settings class {0} could not load: a required environment variable is missing"),
    Signature("env-vars", _rx(r"secretOrPrivateKey must have a value|secret or public key must be provided"),
              "the JWT secret is not set in production"),
    Signature("env-vars", _rx(r"Invalid API Key provided|invalid api[_ -]?key|API key (?:is )?(?:missing|invalid|not valid)|Missing API key"),
              "an API key is missing or wrong in production"),
    # localhost: the app calls itself / a laptop service
    Signature("localhost", _rx(r"server at \"localhost\" \([^)]*\), port (\d+) failed"),
              "the app connects to localhost{:0} in production, where nothing listens"),
    Signature("localhost", _rx(r"(?:ECONNREFUSED|Connection refused|connect\(\) failed)[^\n]{0,80}?(?:127\.0\.0\.1|localhost|::1|\[::1\])(?::(\d+))?"),
              "the app connects to localhost{:0} in production, where nothing listens"),
    Signature("localhost", _rx(r"(?:127\.0\.0\.1|localhost|::1)(?::(\d+))?[^\n]{0,120}?(?:ECONNREFUSED|Connection refused)"),
              "the app connects to localhost{:0} in production, where nothing listens"),
    # db-connections: the database refuses more connections
    Signature("db-connections", _rx(r"remaining connection slots are reserved|too many clients already|sorry, too many clients|"
                                    r"Too many connections|ER_CON_COUNT_ERROR|QueuePool limit of size|Connection pool exhausted|"
                                    r"timeout exceeded when trying to connect|Timed out fetching a new connection from the connection pool|"
                                    r"P2024|max_connections|connection limit exceeded"),
              "the database ran out of connections: connections are opened per request or never released"),
    # error-handling: a dependency failed and the app did not handle it
    Signature("error-handling", _rx(r"buffering timed out after \d+ms"),
              "database queries time out because the connection failed at start-up and the error was only logged"),
    Signature("error-handling", _rx(r"Unhandled ?Promise ?Rejection|unhandledRejection|uncaughtException|UnhandledPromiseRejectionWarning"),
              "a promise rejection was not handled: the request hangs or the process crashes"),
    Signature("error-handling", _rx(r"\b(ETIMEDOUT|ECONNRESET|socket hang up|ReadTimeout|ConnectTimeout|TimeoutError|FetchError|"
                                    r"Request failed with status code 5\d\d|requests\.exceptions\.\w+|httpx\.\w+Error|SMTP\w*Exception|"
                                    r"SMTPAuthenticationError|code=H12|Request timeout)"),
              "a call to an external service failed and the app did not handle it ({0})"),
    # cors
    Signature("cors", _rx(r"blocked by CORS policy|Not allowed by CORS|CORS (?:request|header)[^\n]{0,60}(?:missing|did not succeed|not allowed)"),
              "the browser blocked a cross-origin request: CORS does not allow the production origin"),
    # rollback: the deploy itself is broken (missing dependency, schema out of step)
    Signature("rollback", _rx(r"Cannot find module ['\"]([^'\"]+)['\"]|ModuleNotFoundError: No module named ['\"]([^'\"]+)['\"]|"
                              r"ERR_MODULE_NOT_FOUND"),
              "a dependency is missing in production ({0}): dependencies are not pinned or not installed by the build"),
    Signature("rollback", _rx(r"relation \"([^\"]+)\" does not exist|no such (?:table|column)|column \"?([\w.]+)\"? does not exist|"
                              r"Unknown column|The table `[^`]+` does not exist"),
              "the database schema is out of step with the code ({0}): a migration did not run or was rolled back"),
)

# Lines that only report a consequence already counted elsewhere (service manager bookkeeping).
NOISE = re.compile(r"systemd\[1\]|Scheduled restart job|Failed with result|Main process exited|Stopped .*\.service|"
                   r"Started .*\.service|Deactivated successfully|Consumed \d", re.I)


def classify(text: str) -> tuple[str, str, str | None]:
    """(category, explanation, subject) for an event's text; category 'unknown' when nothing fits."""
    for sig in SIGNATURES:
        m = sig.pattern.search(text)
        if m:
            subject = next((g for g in m.groups() if g), None)
            return sig.category, sig.explanation(subject), subject
    return "unknown", "", None
