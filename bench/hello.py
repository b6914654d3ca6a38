"""The baseline app: bare Flask, no database, no templates, served by the same gunicorn.

Whatever the portal reaches as a share of this app's rate is the cost of the portal itself, not
of Python, Flask, gunicorn, the load generator or a busy machine.
"""

from __future__ import annotations

from flask import Flask, Response, redirect, request

app = Flask(__name__)


@app.get("/healthz")
def healthz() -> str:
    return "ok"


@app.get("/")
def hello() -> str:
    return "hello"


@app.route("/post", methods=["GET", "POST"])
def post() -> Response | str:
    """A form and its POST: the same round trips as sending a comment, without the portal."""
    if request.method == "POST":
        return redirect("/", code=303) if request.form.get("body") else Response(status=400)
    return '<input name="csrf_token" type="hidden" value="token">'
