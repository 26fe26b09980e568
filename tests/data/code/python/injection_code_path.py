import os
import os.path
from flask import Flask, request, send_file
from werkzeug.utils import secure_filename

app = Flask(__name__)
BASE = "/srv/files"


def pick(expr):
    result = expr
    return result


@app.route("/calc")
def calc():
    expr = request.args.get("e")
    code = pick(expr)
    eval(code)  # expect: CWE-94
    exec(f"x = {expr}")  # expect: CWE-94
    eval("1 + 2")  # safe: CWE-94
    n = int(expr)
    eval(str(n))  # safe: CWE-94
    return "ok"


def lambda_handler(event, context):
    src = event["code"]
    body = "def f():\n    return " + src
    compile(body, "<x>", "exec")  # expect: CWE-94
    exec("print('fixed')")  # safe: CWE-94
    fn = event.get("fn")
    if fn not in ("a", "b"):
        return None
    eval(fn + "()")  # safe: CWE-94
    eval(input())  # expect: CWE-94


@app.route("/file")
def read_file():
    name = request.args["name"]
    path = os.path.join(BASE, name)
    with open(path) as f:  # expect: CWE-22
        data = f.read()
    safe = os.path.join(BASE, os.path.basename(name))
    open(safe).read()  # safe: CWE-22
    other = os.path.join(BASE, secure_filename(name))
    open(other).read()  # safe: CWE-22
    real = os.path.realpath(os.path.join(BASE, name))
    if not real.startswith(BASE):
        return "no"
    open(real).read()  # safe: CWE-22
    os.remove(f"{BASE}/{name}")  # expect: CWE-22
    return send_file(path)  # expect: CWE-22


def handler(event, context):
    key = event["queryStringParameters"]["file"]
    full = "/tmp/" + key
    dest = full
    open(dest, "w").write("x")  # expect: CWE-22
    open("/tmp/fixed.txt").read()  # safe: CWE-22
    return data if (data := None) else None
