#!/usr/bin/env python3
"""Generate a synthetic Next.js + Express monorepo of a given size, for the speed benchmark.

The code is ours and deterministic (seeded): packages of React components, app-router API routes,
pages/api handlers, Express services, Prisma/pg data access, utilities and tests, in the
proportions of a real SaaS monorepo (most files are components with no env reads or routes). A
few planted problems (localhost fallbacks, a hard-coded key, wildcard CORS) make sure the checks
have something to find.

    python bench/generate_monorepo.py OUT_DIR --lines 500000
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

COMPONENT = """import {{ useState, useEffect }} from "react";
import {{ Button }} from "@acme/ui/button";
import {{ cn }} from "@acme/utils";

type {name}Props = {{ title: string; items: {{ id: string; label: string }}[]; onSelect?: (id: string) => void }};

export function {name}({{ title, items, onSelect }}: {name}Props) {{
  const [selected, setSelected] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {{
    if (selected && onSelect) onSelect(selected);
  }}, [selected, onSelect]);
  return (
    <div className={{cn("rounded-lg border p-4", open && "shadow-lg")}}>
      <h2 className="text-lg font-semibold">{{title}}</h2>
      <ul className="mt-2 space-y-1">
        {{items.map((item) => (
          <li key={{item.id}}>
            <Button variant={{item.id === selected ? "primary" : "secondary"}} onClick={{() => setSelected(item.id)}}>
              {{item.label}}
            </Button>
          </li>
        ))}}
      </ul>
      <Button onClick={{() => setOpen(!open)}}>{{open ? "Close" : "Open"}}</Button>
    </div>
  );
}}
"""

ROUTE = """import {{ NextResponse }} from "next/server";
import {{ prisma }} from "@acme/db";
import {{ getSession }} from "@/lib/auth";

export async function GET(req: Request, {{ params }}: {{ params: {{ id: string }} }}) {{
  const session = await getSession();
  if (!session) return NextResponse.json({{ error: "Unauthorized" }}, {{ status: 401 }});
  try {{
    const record = await prisma.{model}.findFirst({{ where: {{ id: params.id, userId: session.user.id }} }});
    if (!record) return NextResponse.json({{ error: "Not found" }}, {{ status: 404 }});
    return NextResponse.json(record);
  }} catch (err) {{
    console.error("failed to load {model}", err);
    return NextResponse.json({{ error: "Internal error" }}, {{ status: 500 }});
  }}
}}

export async function POST(req: Request) {{
  const session = await getSession();
  if (!session) return NextResponse.json({{ error: "Unauthorized" }}, {{ status: 401 }});
  const body = await req.json();
  try {{
    const created = await prisma.{model}.create({{ data: {{ ...body, userId: session.user.id }} }});
    await fetch(process.env.WEBHOOK_URL_{n} ?? "https://hooks.example.com/{model}", {{ method: "POST", body: JSON.stringify(created) }});
    return NextResponse.json(created, {{ status: 201 }});
  }} catch (err) {{
    console.error("failed to create {model}", err);
    return NextResponse.json({{ error: "Internal error" }}, {{ status: 500 }});
  }}
}}
"""

SERVICE = """const express = require("express");
const {{ Pool }} = require("pg");
const router = express.Router();

const pool = new Pool({{ connectionString: process.env.DATABASE_URL, max: 10 }});

function requireAuth(req, res, next) {{
  if (!req.session || !req.session.userId) return res.status(401).json({{ error: "Please sign in" }});
  next();
}}

router.use(requireAuth);

router.get("/{model}s", async (req, res, next) => {{
  try {{
    const {{ rows }} = await pool.query("SELECT * FROM {model}s WHERE owner_id = $1", [req.session.userId]);
    res.json(rows);
  }} catch (err) {{
    next(err);
  }}
}});

router.get("/{model}s/:id", async (req, res, next) => {{
  try {{
    const {{ rows }} = await pool.query("SELECT * FROM {model}s WHERE id = $1 AND owner_id = $2", [req.params.id, req.session.userId]);
    if (!rows[0]) return res.status(404).json({{ error: "Not found" }});
    res.json(rows[0]);
  }} catch (err) {{
    next(err);
  }}
}});

module.exports = router;
"""

UTIL = """export function format{name}(value: number, currency = "USD"): string {{
  return new Intl.NumberFormat("en-US", {{ style: "currency", currency }}).format(value / 100);
}}

export function slugify{name}(text: string): string {{
  return text.toLowerCase().trim().replace(/[^a-z0-9]+/g, "-").replace(/(^-|-$)/g, "");
}}

export function chunk{name}<T>(items: T[], size: number): T[][] {{
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}}

export const {upper}_LIMIT = {n};
"""

TEST = """import {{ describe, it, expect }} from "vitest";
import {{ format{name}, slugify{name} }} from "../src/util{i}";

describe("{name}", () => {{
  it("formats", () => {{ expect(format{name}(1234)).toBe("$12.34"); }});
  it("slugifies", () => {{ expect(slugify{name}("Hello World")).toBe("hello-world"); }});
}});
"""

PLANTED = {
    "apps/web/lib/api-url.ts": 'export const API_URL = process.env.API_URL || "http://localhost:4000";\n',
    "apps/api/src/cors.js": 'const cors = require("cors");\nmodule.exports = (app) => app.use(cors({ origin: "*" }));\n',
    "apps/api/src/stripe.js": 'const Stripe = require("stripe");\nmodule.exports = new Stripe("sk_live_' + "51H8xYzAbCdEfGhIjKlMnOpQrStUvWx" + '");\n',
}


def generate(out: Path, target_lines: int, seed: int = 7) -> int:
    rnd = random.Random(seed)
    models = ["user", "team", "project", "invoice", "link", "domain", "webhook", "token", "event", "payout"]
    lines = 0
    i = 0
    out.mkdir(parents=True, exist_ok=True)
    (out / "package.json").write_text(json.dumps({"name": "acme", "private": True, "workspaces": ["apps/*", "packages/*"]}, indent=2))
    for path, text in PLANTED.items():
        p = out / path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        lines += text.count("\n")
    while lines < target_lines:
        kind = rnd.choices(["component", "route", "service", "util", "test"], weights=[55, 12, 6, 17, 10])[0]
        name = f"Widget{i}"
        model = models[i % len(models)]
        pkg = f"packages/pkg{i // 400}" if kind in ("component", "util", "test") else f"apps/app{i // 300}"
        if kind == "component":
            path, text = f"{pkg}/src/components/{name}.tsx", COMPONENT.format(name=name)
        elif kind == "route":
            path, text = f"{pkg}/app/api/{model}{i}/[id]/route.ts", ROUTE.format(model=model, n=i)
        elif kind == "service":
            path, text = f"{pkg}/src/routes/{model}{i}.js", SERVICE.format(model=model)
        elif kind == "util":
            path, text = f"{pkg}/src/util{i}.ts", UTIL.format(name=name, upper=name.upper(), n=i)
        else:
            path, text = f"{pkg}/test/util{i}.test.ts", TEST.format(name=name, i=i)
        p = out / path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        lines += text.count("\n")
        i += 1
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--lines", type=int, default=500_000)
    args = ap.parse_args()
    n = generate(args.out, args.lines)
    print(f"wrote {n} lines under {args.out}")


if __name__ == "__main__":
    main()
