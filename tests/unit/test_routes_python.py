"""Flask (blueprints, url_prefix, decorators below/above the route, before_request), FastAPI (routers,
prefixes, dependencies at app/router/include/route/parameter level, Annotated aliases across files) and
Django/DRF (urls + include, function and class views, viewsets, default permission classes)."""
from __future__ import annotations

from routes_helpers import by_key, routes, table

FLASK = {
    "app.py": """
        from flask import Flask
        from views.orders import orders_bp
        from views.admin import admin

        app = Flask(__name__)
        app.register_blueprint(orders_bp, url_prefix="/api/orders")
        app.register_blueprint(admin)

        @app.route("/health")
        def health():
            return "ok"
    """,
    "auth.py": """
        from functools import wraps
        from flask import session, abort

        def require_login(f):
            @wraps(f)
            def inner(*a, **k):
                if "uid" not in session:
                    abort(401)
                return f(*a, **k)
            return inner
    """,
    "views/orders.py": """
        from flask import Blueprint
        from auth import require_login

        orders_bp = Blueprint("orders", __name__, url_prefix="/ignored")

        @orders_bp.route("/", methods=["GET", "POST"])
        @require_login
        def orders():
            return []

        @require_login
        @orders_bp.delete("/<int:order_id>")
        def delete_order(order_id):
            return "", 204
    """,
    "views/admin.py": """
        from flask import Blueprint, session, abort

        admin = Blueprint("admin", __name__, url_prefix="/admin")

        @admin.before_request
        def staff_only():
            if not session.get("is_admin"):
                abort(403)

        @admin.get("/users/<int:uid>")
        def user(uid):
            return {}
    """,
}


def test_flask_blueprints_prefixes_and_decorator_order():
    assert table(FLASK) == [
        ("GET", "/admin/users/<int:uid>", ["staff_only"]),
        ("GET", "/api/orders", ["require_login"]),
        ("POST", "/api/orders", ["require_login"]),
        ("DELETE", "/api/orders/<int:order_id>", []),
        ("GET", "/health", []),
    ]
    rows = by_key(FLASK)
    delete = rows[("DELETE", "/api/orders/<int:order_id>")]
    assert any(m.startswith("inert-decorator:require_login:") for m in delete.markers)
    assert delete.handler == "views/orders.py#delete_order@13"
    assert delete.location.line == 12
    assert rows[("GET", "/admin/users/<int:uid>")].guards[0].role == "is_admin"


FASTAPI = {
    "app/main.py": """
        from fastapi import Depends, FastAPI
        from app.deps import verify_api_key
        from app.routers import items, users

        app = FastAPI()
        app.include_router(items.router, prefix="/items", dependencies=[Depends(verify_api_key)])
        app.include_router(users.router)
    """,
    "app/deps.py": """
        from typing import Annotated
        from fastapi import Depends, Header, HTTPException, Security
        from fastapi.security import HTTPBearer

        bearer = HTTPBearer()

        def verify_api_key(x_api_key: str = Header()):
            if x_api_key != "secret":
                raise HTTPException(status_code=401)

        def current_user(creds=Security(bearer)):
            return creds

        Me = Annotated[dict, Depends(current_user)]
    """,
    "app/routers/items.py": """
        from fastapi import APIRouter
        router = APIRouter()

        @router.get("/{item_id}")
        def read(item_id: int):
            return {}
    """,
    "app/routers/users.py": """
        from fastapi import APIRouter, Depends
        from app.deps import Me, current_user

        router = APIRouter(prefix="/users", tags=["users"])

        @router.get("/me")
        def me(user: Me):
            return user

        @router.put("/me", dependencies=[Depends(current_user)])
        def update_me():
            return {}

        @router.post("/signup")
        def signup():
            return {}
    """,
}


def test_fastapi_prefixes_and_dependencies_at_every_level():
    assert table(FASTAPI) == [
        ("GET", "/items/{item_id}", ["Depends(verify_api_key)"]),
        ("GET", "/users/me", ["Me"]),
        ("PUT", "/users/me", ["Depends(current_user)"]),
        ("POST", "/users/signup", []),
    ]
    assert by_key(FASTAPI)[("GET", "/items/{item_id}")].handler == "app/routers/items.py#read@5"


DJANGO = {
    "proj/settings.py": """
        REST_FRAMEWORK = {"DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"]}
    """,
    "proj/urls.py": """
        from django.urls import include, path
        urlpatterns = [path("shop/", include("shop.urls"))]
    """,
    "shop/urls.py": """
        from django.urls import path
        from rest_framework.routers import DefaultRouter
        from . import views
        from .views import OrderViewSet

        router = DefaultRouter()
        router.register("orders", OrderViewSet)
        urlpatterns = [
            path("cart/", views.cart),
            path("open/", views.OpenList.as_view()),
        ] + router.urls
    """,
    "shop/views.py": """
        from django.contrib.auth.decorators import login_required
        from rest_framework import generics, permissions, viewsets
        from .models import Order

        @login_required
        def cart(request):
            return None

        class OpenList(generics.ListAPIView):
            permission_classes = [permissions.AllowAny]
            queryset = Order.objects.none()

        class OrderViewSet(viewsets.ReadOnlyModelViewSet):
            queryset = Order.objects.all()
    """,
}


def test_django_urls_views_and_drf_defaults():
    rows = table(DJANGO, all_guards=True)
    assert ("ANY", "/shop/cart/", ["login_required"]) in rows
    assert ("GET", "/shop/open/", ["AllowAny"]) in rows
    assert ("GET", "/shop/orders/", ["IsAuthenticated"]) in rows
    assert ("GET", "/shop/orders/{pk}/", ["IsAuthenticated"]) in rows
    detail = by_key(DJANGO)[("GET", "/shop/orders/{pk}/")]
    assert [(a.op, a.target, a.single, a.key, a.scoped) for a in detail.accesses] == [("read", "Order", True, "request", False)]


def test_python_body_guards_and_redirects_of_signed_in_users():
    files = {
        "app.py": """
            from flask import Flask, abort, redirect, url_for
            from flask_login import current_user
            app = Flask(__name__)

            @app.post("/guarded")
            def guarded():
                if not current_user.is_authenticated:
                    abort(401)
                return "ok"

            @app.route("/login", methods=["GET", "POST"])
            def login():
                if current_user.is_authenticated:
                    return redirect(url_for("index"))
                return "form"
        """,
        "shop/views.py": """
            from django.http import HttpResponseForbidden, JsonResponse
            from django.core.exceptions import PermissionDenied

            def report(request):
                if not request.user.is_authenticated:
                    raise PermissionDenied
                return JsonResponse({})
        """,
        "shop/urls.py": """
            from django.urls import path
            from . import views
            urlpatterns = [path("report/", views.report)]
        """,
    }
    rows = {(m, p): g for m, p, g in table(files)}
    assert rows[("POST", "/guarded")] == ["current_user check"]
    assert rows[("GET", "/login")] == [] and rows[("POST", "/login")] == []
    assert rows[("ANY", "/report/")] == ["request.user check"]


def test_flask_before_request_hook_wrapped_by_a_guard_decorator():
    files = {
        "api.py": """
            from flask import Blueprint, g
            from flask_httpauth import HTTPBasicAuth
            api = Blueprint("api", __name__)
            auth = HTTPBasicAuth()

            @api.before_request
            @auth.login_required
            def before_request():
                if not g.current_user.confirmed:
                    return "unconfirmed", 403

            @api.route("/users/<int:id>")
            def get_user(id):
                return {}
        """,
    }
    assert table(files) == [("GET", "/users/<int:id>", ["auth.login_required"])]


def test_blueprint_shared_by_several_modules_is_one_router():
    files = {
        "app/__init__.py": """
            from flask import Flask
            from .api import api as api_blueprint

            def create_app():
                app = Flask(__name__)
                app.register_blueprint(api_blueprint, url_prefix="/api/v1")
                return app
        """,
        "app/api/__init__.py": """
            from flask import Blueprint
            api = Blueprint("api", __name__)
            from . import authentication, users
        """,
        "app/api/authentication.py": """
            from flask import g, abort
            from . import api

            @api.before_request
            def before_request():
                if not g.current_user:
                    abort(401)
        """,
        "app/api/users.py": """
            from . import api

            @api.route("/users/<int:id>")
            def get_user(id):
                return {}
        """,
    }
    assert table(files) == [("GET", "/api/v1/users/<int:id>", ["before_request"])]


def test_django_url_lists_included_by_name_or_inline_keep_their_prefix():
    files = {
        "hc/views.py": """
            from django.http import JsonResponse

            def ping(request, code, action="success"):
                return JsonResponse({})

            def checks(request):
                return JsonResponse({})

            def roadmap(request, series):
                return JsonResponse({})

            def download(request, version, kind):
                return JsonResponse({})
        """,
        "hc/urls.py": """
            from django.urls import include, path, re_path
            from hc import views

            uuid_urls = [
                path("", views.ping),
                path("fail", views.ping, {"action": "fail"}),
            ]
            api_urls = [path("checks/", views.checks)]

            urlpatterns = [
                path("ping/<uuid:code>/", include(uuid_urls)),
                path("api/v1/", include(api_urls)),
                path("api/v2/", include(api_urls)),
                path("inline/", include([path("checks/", views.checks)])),
                re_path(r"^(?P<series>(?:\\d{1,2}\\.[0-2]|\\d{4}))/roadmap/$", views.roadmap),
                re_path(r"^([0-9a-z_.-]+)/(tarball|wheel)/$", views.download),
            ]
        """,
    }
    paths = sorted({r.path for r in routes(files)})
    assert paths == ["/<arg1>/<arg2>/", "/<series>/roadmap/", "/api/v1/checks/", "/api/v2/checks/",
                     "/inline/checks/", "/ping/<uuid:code>/", "/ping/<uuid:code>/fail"]
