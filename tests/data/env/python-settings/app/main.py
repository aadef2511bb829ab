import os

from fastapi import FastAPI

from app.config import settings

app = FastAPI()
SENTRY_DSN = os.getenv("SENTRY_DSN")
ADMIN_TOKEN = os.environ["ADMIN_TOKEN"]

if os.environ.get("ENABLE_METRICS") == "1":
    pass


@app.get("/health")
def health():
    return {"ok": True, "signup": settings.signup_enabled}
