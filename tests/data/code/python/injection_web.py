import html
import pickle
import yaml
import logging
import requests
import urllib.request
import ldap
import ldap.filter
from lxml import etree
from flask import Flask, request, redirect, make_response
from markupsafe import escape

app = Flask(__name__)
log = logging.getLogger(__name__)
ALLOWED = ["https://api.example.com/a", "https://api.example.com/b"]


@app.route("/fetch")
def fetch():
    url = request.args.get("url")
    target = url
    requests.get(target)  # expect: CWE-918
    urllib.request.urlopen(f"{target}/status")  # expect: CWE-918
    requests.get("https://api.example.com/status")  # safe: CWE-918
    if target not in ALLOWED:
        return "no"
    requests.post(target)  # safe: CWE-918
    return "ok"


def lambda_handler(event, context):
    host = event["host"]
    requests.get("https://" + host + "/x", timeout=5)  # expect: CWE-918
    requests.get("https://internal.example.com/x", params={"h": host})  # safe: CWE-918
    return None


@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    greeting = f"<h1>Hello {name}</h1>"
    page = greeting
    make_response(page)  # expect: CWE-79
    make_response(f"<h1>Hello {escape(name)}</h1>")  # safe: CWE-79
    make_response("<h1>Hello</h1>")  # safe: CWE-79
    return "<p>" + name + "</p>"  # expect: CWE-79


@app.route("/hello2")
def hello2():
    name = request.args.get("name", "")
    safe = html.escape(name)
    body = "<p>" + safe + "</p>"
    return body  # safe: CWE-79


@app.route("/bye")
def bye():
    who = request.form["who"]
    return "<b>{}</b>".format(who)  # expect: CWE-79


@app.route("/load", methods=["POST"])
def load():
    blob = request.data
    obj = pickle.loads(blob)  # expect: CWE-502
    conf = yaml.load(request.data, Loader=yaml.Loader)  # expect: CWE-502
    conf2 = yaml.load(request.data, Loader=yaml.SafeLoader)  # safe: CWE-502
    conf3 = yaml.safe_load(request.data)  # safe: CWE-502
    with open("/etc/app/state.pkl", "rb") as f:
        state = pickle.load(f)  # safe: CWE-502
    return "ok"


def handler(event, context):
    raw = event["body"]
    data = raw.encode()
    pickle.loads(data)  # expect: CWE-502
    yaml.load(event["cfg"])  # expect: CWE-502
    pickle.loads(b"\x80\x04K\x01.")  # safe: CWE-502


@app.route("/xml", methods=["POST"])
def xml():
    doc = request.data
    tree = etree.fromstring(doc)  # expect: CWE-611
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    safe = etree.fromstring(doc, parser=parser)  # safe: CWE-611
    fixed = etree.fromstring(b"<a/>")  # safe: CWE-611
    return "ok"


def xml_handler(event, context):
    body = event["body"]
    xml_text = f"<root>{body}</root>"
    etree.XML(xml_text)  # expect: CWE-611
    etree.parse(event["path"])  # expect: CWE-611
    etree.XML("<root/>")  # safe: CWE-611
    import defusedxml.ElementTree as DET
    DET.fromstring(body)  # safe: CWE-611
    etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False))  # safe: CWE-611
    etree.XML(event["x"])  # expect: CWE-611


@app.route("/ldap")
def ldap_search():
    user = request.args["user"]
    flt = "(uid=" + user + ")"
    conn = ldap.initialize("ldaps://ldap.example.com")
    conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, flt)  # expect: CWE-90
    esc = ldap.filter.escape_filter_chars(user)
    conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(uid={esc})")  # safe: CWE-90
    conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(cn={user})")  # expect: CWE-90
    conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(uid=admin)")  # safe: CWE-90
    return "ok"


def ldap_handler(event, context):
    who = event["who"]
    conn = ldap.initialize("ldaps://ldap.example.com")
    query = "(&(objectClass=person)(cn=%s))" % who
    conn.search_s("dc=x", ldap.SCOPE_SUBTREE, query)  # expect: CWE-90
    conn.search_s("dc=x", ldap.SCOPE_SUBTREE, "(cn=%s)" % ldap.filter.escape_filter_chars(who))  # safe: CWE-90
    conn.search_st("dc=x", ldap.SCOPE_SUBTREE, "(cn=" + who + ")")  # expect: CWE-90
    conn.search_s("dc=x", ldap.SCOPE_SUBTREE, "(objectClass=*)")  # safe: CWE-90


@app.route("/xpath")
def xp():
    name = request.args["n"]
    tree = etree.parse("/srv/users.xml")
    tree.xpath("//user[name='" + name + "']")  # expect: CWE-643
    tree.xpath("//user[name=$n]", n=name)  # safe: CWE-643
    expr = f"//user[@id='{name}']"
    tree.xpath(expr)  # expect: CWE-643
    tree.xpath("//user")  # safe: CWE-643
    return "ok"


def xpath_handler(event, context):
    tree = etree.parse("/srv/users.xml")
    q = event["q"]
    tree.xpath("//item[@k='%s']" % q)  # expect: CWE-643
    tree.xpath("//item[@k=$k]", k=q)  # safe: CWE-643
    tree.xpath("//item[" + event["i"] + "]")  # expect: CWE-643
    tree.xpath("//item[@k='fixed']")  # safe: CWE-643
    tree.xpath(etree.XPath("//x")) if False else None  # safe: CWE-643


@app.route("/go")
def go():
    nxt = request.args.get("next")
    redirect(nxt)  # expect: CWE-601
    dest = "/home/" + nxt
    redirect(dest)  # expect: CWE-601
    redirect("/home")  # safe: CWE-601
    if nxt not in ("/a", "/b"):
        return redirect("/")  # safe: CWE-601
    return redirect(nxt)  # safe: CWE-601


def redirect_handler(event, context):
    to = event["to"]
    redirect(f"https://{to}/")  # expect: CWE-601
    redirect(event["back"])  # expect: CWE-601
    redirect("https://www.example.com/")  # safe: CWE-601


@app.route("/login", methods=["POST"])
def login():
    user = request.form["user"]
    log.info("login attempt for " + user)  # expect: CWE-117
    logging.warning(f"bad user {user}")  # expect: CWE-117
    clean = user.replace("\n", "").replace("\r", "")
    log.info("login attempt for " + clean)  # safe: CWE-117
    log.info("login attempt")  # safe: CWE-117
    password = request.form["password"]
    log.debug("password was %s" % password)  # expect: CWE-532
    log.debug("password length %d", len(password))  # safe: CWE-532
    return "ok"


def log_handler(event, context):
    import os
    who = event["who"]
    logging.info("user: %s" % who)  # expect: CWE-117
    logging.info("user: %s", json_quote(who))  # safe: CWE-117
    logging.error("request " + event["id"])  # expect: CWE-117
    secret = os.environ["DB_PASSWORD"]
    logging.info(f"connecting with {secret}")  # expect: CWE-532
    key = os.environ.get("AWS_SECRET_ACCESS_KEY")
    logging.debug("key=" + key)  # expect: CWE-532
    region = os.environ.get("AWS_REGION")
    logging.info("region " + region)  # safe: CWE-532
    api_token = os.getenv("API_TOKEN")
    logging.info("token loaded: %s", bool(api_token))  # safe: CWE-532
    logging.info("token %s", api_token)  # expect: CWE-532
    user_count = 3
    logging.info("users %d", user_count)  # safe: CWE-532
    logging.info("done")  # safe: CWE-532


def json_quote(s):
    import json
    return json.dumps(s)
