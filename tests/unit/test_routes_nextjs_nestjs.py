"""Next.js (app router, route groups, pages/api method branches, server actions, middleware matcher) and
NestJS (controllers, UseGuards, global guards, @Public, injected services)."""
from __future__ import annotations

from deploycheck.project.extract.routes.link import _matches
from deploycheck.project.extract.routes.nextjs import app_route_path, pages_api_path
from routes_helpers import by_key, table


def test_next_paths_from_files():
    assert app_route_path("app/api/notes/[id]/route.ts") == "/api/notes/[id]"
    assert app_route_path("src/app/(shop)/api/cart/route.js") == "/api/cart"
    assert app_route_path("app/route.ts") == "/"
    assert app_route_path("app/_lib/route.ts") is None
    assert app_route_path("app/api/notes/page.tsx") is None
    assert pages_api_path("pages/api/posts/index.ts") == "/api/posts"
    assert pages_api_path("src/pages/api/[...slug].js") == "/api/[...slug]"


def test_next_middleware_matchers():
    assert _matches("/dashboard/:path*", "/dashboard")
    assert _matches("/dashboard/:path*", "/dashboard/a/b")
    assert not _matches("/dashboard/:path*", "/api/x")
    assert _matches("/((?!api|_next/static|favicon.ico).*)", "/settings")
    assert not _matches("/((?!api|_next/static|favicon.ico).*)", "/api/notes")
    assert _matches("/api/notes/:id", "/api/notes/[id]")


def test_app_router_methods_body_guards_and_wrappers():
    files = {
        "app/api/items/route.ts": """
            import { auth } from '@/auth';
            import { withAuth } from '@/lib/with-auth';
            export async function GET() { return Response.json([]); }
            export async function POST(req: Request) {
              const session = await auth();
              if (!session?.user) return new Response('Unauthorized', { status: 401 });
              return Response.json({});
            }
            export const DELETE = withAuth(async (req: Request) => Response.json({}));
        """,
    }
    rows = by_key(files)
    assert table(files) == [("DELETE", "/api/items", ["withAuth"]), ("GET", "/api/items", []),
                            ("POST", "/api/items", ["auth() check"])]
    assert rows[("POST", "/api/items")].handler == "app/api/items/route.ts#POST@4"
    assert rows[("POST", "/api/items")].guards[0].kind == "body"


def test_pages_api_one_route_per_method_branch():
    files = {
        "pages/api/posts/[id].ts": """
            import { getSession } from '../../../lib/session';
            export default async function handler(req, res) {
              if (req.method === 'GET') {
                return res.json(await db.query('SELECT * FROM posts WHERE id = $1 AND published', [req.query.id]));
              }
              const session = await getSession(req, res);
              if (!session.userId) return res.status(401).end();
              switch (req.method) {
                case 'PUT':
                  return res.json({});
                case 'DELETE':
                  return res.status(204).end();
              }
            }
        """,
    }
    assert table(files) == [("DELETE", "/api/posts/[id]", ["getSession() check"]),
                            ("GET", "/api/posts/[id]", []),
                            ("PUT", "/api/posts/[id]", ["getSession() check"])]
    get = by_key(files)[("GET", "/api/posts/[id]")]
    assert [(a.op, a.public, a.key) for a in get.accesses] == [("read", True, "request")]


def test_server_actions_and_middleware_guard():
    files = {
        "app/actions.ts": """
            'use server';
            import { auth } from '@/auth';
            export async function save(formData: FormData) {
              const session = await auth();
              if (!session) throw new Error('Unauthorized');
            }
            export async function wipe(id: string) {}
        """,
        "middleware.ts": """
            import { withAuth } from 'next-auth/middleware';
            export default withAuth({});
            export const config = { matcher: ['/api/admin/:path*'] };
        """,
        "app/api/admin/stats/route.ts": "export async function GET() { return Response.json({}); }\n",
        "app/api/open/route.ts": "export async function GET() { return Response.json({}); }\n",
    }
    assert table(files) == [("GET", "/api/admin/stats", ["next-auth middleware"]), ("GET", "/api/open", []),
                            ("POST", "action:save", ["auth() check"]), ("POST", "action:wipe", [])]


NEST = {
    "src/main.ts": """
        const app = await NestFactory.create(AppModule);
        app.setGlobalPrefix('v1');
        app.useGlobalGuards(new JwtAuthGuard());
    """,
    "src/cats/cats.controller.ts": """
        import { Controller, Get, Post, Delete, Param, UseGuards } from '@nestjs/common';
        import { CatsService } from './cats.service';
        @Controller('cats')
        @UseGuards(RolesGuard)
        export class CatsController {
          constructor(private readonly cats: CatsService) {}
          @Get(':id')
          one(@Param('id') id: string) { return this.cats.get(id); }
          @Public()
          @Get()
          all() { return []; }
          @Roles('admin')
          @Delete(':id')
          remove(@Param('id') id: string) { return null; }
        }
    """,
    "src/cats/cats.service.ts": """
        export class CatsService {
          constructor(private prisma: PrismaService) {}
          get(id: string) { return this.prisma.cat.findUnique({ where: { id } }); }
        }
    """,
}


def test_nest_controllers_global_prefix_guards_and_public():
    assert table(NEST) == [
        ("GET", "/v1/cats", ["RolesGuard"]),
        ("DELETE", "/v1/cats/:id", ["JwtAuthGuard", "RolesGuard", "@Roles(admin)"]),
        ("GET", "/v1/cats/:id", ["JwtAuthGuard", "RolesGuard"]),
    ]
    rows = by_key(NEST)
    assert rows[("GET", "/v1/cats/:id")].handler == "src/cats/cats.controller.ts#one@8"
    assert rows[("GET", "/v1/cats/:id")].location.line == 7


def test_nest_service_calls_are_followed_with_the_request_key():
    r = by_key(NEST)[("GET", "/v1/cats/:id")]
    assert [(a.callee, a.key, a.single) for a in r.accesses] == [("this.prisma.cat.findUnique", "request", True)]


def test_body_guard_forms():
    files = {
        "app/api/a/route.ts": """
            import { createClient } from '@/lib/supabase/server';
            export async function GET() {
              const supabase = createClient();
              const { data: { user } } = await supabase.auth.getUser();
              if (!user) return new Response('Unauthorized', { status: 401 });
              return Response.json({});
            }
        """,
        "app/api/b/route.ts": """
            import { currentUser } from '@clerk/nextjs/server';
            export async function GET() {
              const user = await currentUser();
              if (!user) return Response.json({ error: 'unauthorized' }, { status: 401 });
              return Response.json({});
            }
        """,
        "app/api/c/route.ts": """
            import { auth } from '@clerk/nextjs/server';
            export async function GET() {
              const { userId } = auth();
              if (!userId) return new Response('Unauthorized', { status: 401 });
              return Response.json({});
            }
        """,
        "pages/api/d.ts": """
            export default async function handler(req, res) {
              if (!req.user) return res.sendStatus(401);
              res.json({});
            }
        """,
        "app/login/page.tsx": """
            export default function Page() { return null; }
        """,
    }
    rows = {r.path: [g.name for g in r.guards if g.is_auth] for r in __import__("routes_helpers").routes(files)}
    assert rows == {"/api/a": ["supabase.auth.getUser() check"], "/api/b": ["currentUser() check"],
                    "/api/c": ["auth() check"], "/api/d": ["req.user check"]}


def test_middleware_that_delegates_to_a_helper_module():
    files = {
        "middleware.ts": """
            import { type NextRequest } from 'next/server';
            import { updateSession } from '@/lib/supabase/middleware';
            export async function middleware(request: NextRequest) {
              return await updateSession(request);
            }
            export const config = { matcher: ['/((?!_next/static|favicon.ico).*)'] };
        """,
        "lib/supabase/middleware.ts": """
            import { NextResponse, type NextRequest } from 'next/server';
            export async function updateSession(request: NextRequest) {
              const supabase = createServerClient();
              const { data: { user } } = await supabase.auth.getUser();
              if (!user && !request.nextUrl.pathname.startsWith('/login')) {
                return NextResponse.redirect(new URL('/login', request.url));
              }
              return NextResponse.next();
            }
        """,
        "app/api/todos/route.ts": "export async function GET() { return Response.json([]); }\n",
    }
    assert table(files) == [("GET", "/api/todos", ["updateSession"])]
