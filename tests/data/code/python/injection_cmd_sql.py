import os
import shlex
import sqlite3
import subprocess
from flask import Flask, request

app = Flask(__name__)
ALLOWED_HOSTS = {"a.example", "b.example"}


def build_cmd(host):
    return f"ping -c 1 {host}"


def lambda_handler(event, context):
    host = event["host"]
    target = host
    os.system(f"ping -c 1 {target}")  # expect: CWE-78
    os.system("ping -c 1 " + shlex.quote(target))  # safe: CWE-78
    cmd = build_cmd(target)
    subprocess.call(cmd, shell=True)  # expect: CWE-78
    subprocess.call(["ping", "-c", "1", target])  # safe: CWE-78
    os.system("uptime")  # safe: CWE-78
    return {"ok": True}


@app.route("/run")
def run():
    name = request.args.get("name")
    line = "echo %s" % name
    os.popen(line)  # expect: CWE-78
    if name not in ALLOWED_HOSTS:
        return "no"
    os.popen("ping " + name)  # safe: CWE-78
    return "ok"


@app.route("/user")
def user():
    uid = request.args["id"]
    q = "SELECT * FROM users WHERE id = '{}'".format(uid)
    conn = sqlite3.connect("db")
    cur = conn.cursor()
    cur.execute(q)  # expect: CWE-89
    cur.execute("SELECT * FROM users WHERE id = ?", (uid,))  # safe: CWE-89
    q2 = f"SELECT * FROM t WHERE name = '{uid}'"
    stmt = q2
    conn.execute(stmt)  # expect: CWE-89
    n = int(uid)
    conn.execute("SELECT * FROM t WHERE id = %d" % n)  # safe: CWE-89
    conn.execute("SELECT count(*) FROM t")  # safe: CWE-89
    return "ok"


def where_clause(value):
    return "WHERE name = '" + value + "'"


def handler(event, context):
    clause = where_clause(event["name"])
    db = sqlite3.connect("x")
    db.execute("DELETE FROM t " + clause)  # expect: CWE-89
    db.executemany("INSERT INTO t VALUES (?)", [(event["name"],)])  # safe: CWE-89
    db.executescript("DROP TABLE " + event["table"])  # expect: CWE-89


def local_only():
    name = "static"
    os.system("echo " + name)  # safe: CWE-78
    subprocess.run("ls " + input(), shell=True)  # expect: CWE-78
