"""How handlers select records (the facts the IDOR rule reads): op, one record or many, where the key
comes from, scoped to the user or to a public flag."""
from __future__ import annotations

import pytest

from deploycheck.project.extract.routes._sql import read_sql
from routes_helpers import routes


def js_access(body: str, path: str = "routes.js") -> tuple:
    code = ("const express = require('express');\nconst router = express.Router();\n"
            f"router.post('/x/:id', async (req, res) => {{\n{body}\n}});\n")
    (r,) = routes({path: code})
    return tuple((a.op, a.single, a.key, a.scoped, a.public) for a in r.accesses)


@pytest.mark.parametrize("body,expected", [
    ("await Note.findById(req.params.id);", ("read", True, "request", False, False)),
    ("await Note.findByIdAndUpdate(req.params.id, req.body);", ("update", True, "request", False, False)),
    ("await Note.findByIdAndDelete(req.params.id);", ("delete", True, "request", False, False)),
    ("await Note.findOne({ _id: req.params.id, owner: req.user.id });", ("read", True, "request", True, False)),
    ("await Note.findOneAndUpdate({ _id: req.params.id, owner: req.user._id }, req.body);", ("update", True, "request", True, False)),
    ("await Note.findOne({ _id: req.params.id, isPublic: true });", ("read", True, "request", False, True)),
    ("await User.findById(req.user.id);", ("read", True, "user", False, False)),
    ("await prisma.note.findUnique({ where: { id: req.params.id } });", ("read", True, "request", False, False)),
    ("await prisma.note.update({ where: { id: req.params.id, userId: req.user.id }, data: req.body });", ("update", True, "request", True, False)),
    ("await prisma.note.deleteMany({ where: { id: req.params.id, authorId: req.user.id } });", ("delete", True, "request", True, False)),
    ("await pool.query('SELECT * FROM notes WHERE id = $1', [req.params.id]);", ("read", True, "request", False, False)),
    ("await pool.query('UPDATE notes SET body = $1 WHERE id = $2 AND user_id = $3', [req.body.b, req.params.id, req.user.id]);", ("update", True, "request", True, False)),
    ("await db.query(`DELETE FROM notes WHERE id = ${req.params.id}`);", ("delete", True, "request", False, False)),
    ("await sql`SELECT * FROM posts WHERE slug = ${req.params.id} AND published = true`;", ("read", True, "request", False, True)),
    ("const { id } = req.params; await Note.findByIdAndDelete(id);", ("delete", True, "request", False, False)),
    ("const id = Number(req.params.id); await knex('notes').where({ id }).del();", ("delete", True, "request", False, False)),
    ("await supabase.from('notes').delete().eq('id', req.params.id).eq('user_id', req.user.id);", ("delete", True, "request", True, False)),
    ("await Post.findByPk(req.params.id);", ("read", True, "request", False, False)),
    ("await this.repo.findOne({ where: { id: req.params.id } });", ("read", True, "request", False, False)),
])
def test_js_record_selection(body, expected):
    assert js_access(body) == (expected,)


def test_js_post_load_ownership_check_scopes_the_load():
    body = """
      const note = await Note.findById(req.params.id);
      if (!note || String(note.owner) !== String(req.user.id)) return res.status(404).end();
      res.json(note);
    """
    assert js_access(body) == (("read", True, "request", True, False),)


def py_access(body: str) -> tuple:
    code = ("from flask import Blueprint, request, g\nfrom flask_login import current_user\n"
            "from django.shortcuts import get_object_or_404\nbp = Blueprint('x', __name__)\n\n"
            "@bp.route('/x/<int:item_id>', methods=['POST'])\ndef view(item_id):\n" +
            "\n".join("    " + line for line in body.strip().splitlines()) + "\n")
    (r,) = routes({"views.py": code})
    return tuple((a.op, a.single, a.key, a.scoped, a.public) for a in r.accesses)


@pytest.mark.parametrize("body,expected", [
    ("db.session.get(Item, item_id)", ("read", True, "request", False, False)),
    ("Item.query.get_or_404(item_id)", ("read", True, "request", False, False)),
    ("Item.query.filter_by(id=item_id, user_id=current_user.id).first()", ("read", True, "request", True, False)),
    ("db.session.query(Item).filter(Item.id == item_id).delete()", ("delete", True, "request", False, False)),
    ("db.scalar(select(Item).where(Item.id == item_id, Item.owner_id == current_user.id))", ("read", True, "request", True, False)),
    ("cur.execute('SELECT * FROM items WHERE id = %s', (item_id,))", ("read", True, "request", False, False)),
    ("cur.execute('DELETE FROM items WHERE id = %s AND owner_id = %s', (item_id, g.user.id))", ("delete", True, "request", True, False)),
    ("Item.objects.get(pk=item_id)", ("read", True, "request", False, False)),
    ("Item.objects.get(pk=item_id, user=request.user)", ("read", True, "request", True, False)),
    ("get_object_or_404(Item, pk=item_id)", ("read", True, "request", False, False)),
    ("get_object_or_404(request.user.items, pk=item_id)", ("read", True, "request", True, False)),
    ("Item.objects.filter(pk=item_id).delete()", ("delete", True, "request", False, False)),
    ("db.items.find_one({'_id': ObjectId(request.args['id'])})", ("read", True, "request", False, False)),
])
def test_python_record_selection(body, expected):
    assert py_access(body) == (expected,)


def test_python_post_load_ownership_check_scopes_the_load():
    body = """
item = db.session.get(Item, item_id)
if item is None or item.owner_id != current_user.id:
    abort(404)
return item
"""
    assert py_access(body) == (("read", True, "request", True, False),)


def test_sql_reader():
    info = read_sql("UPDATE posts SET comment_count = comment_count + 1 WHERE id = $1")
    assert (info.op, info.counter, info.key_column, info.key_index) == ("update", True, "id", 0)
    info = read_sql("SELECT a.id FROM appointments a JOIN patients p ON p.id = a.patient_id WHERE a.id = %s")
    assert (info.table, info.key_column, info.scoped) == ("appointments", "id", False)
    info = read_sql("DELETE FROM notes WHERE id = ? AND user_id = ?")
    assert (info.op, info.key_index, info.scoped) == ("delete", 0, True)
    info = read_sql("INSERT INTO t (a) VALUES ($1) ON CONFLICT (a) DO UPDATE SET a = EXCLUDED.a")
    assert info.upsert and info.op == "create"
    assert read_sql("hello world") is None


def test_js_requested_id_compared_with_the_callers_own():
    body = """
      if (req.params.id !== req.user.id) return res.status(403).end();
      res.json(await User.findById(req.params.id));
    """
    assert js_access(body) == (("read", True, "request", True, False),)
