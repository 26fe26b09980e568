import os
import tempfile
import paramiko
import jwt
import requests
import socket
import boto3
from cryptography.hazmat.primitives.asymmetric import rsa
from Crypto.PublicKey import RSA


def ssh(host):
    c = paramiko.SSHClient()
    c.set_missing_host_key_policy(paramiko.AutoAddPolicy())  # expect: CWE-322
    c.set_missing_host_key_policy(paramiko.WarningPolicy())  # expect: CWE-322
    c.set_missing_host_key_policy(paramiko.RejectPolicy())  # safe: CWE-322
    c.load_system_host_keys()
    c.set_missing_host_key_policy(paramiko.client.AutoAddPolicy)  # expect: CWE-322
    c.set_missing_host_key_policy(paramiko.client.RejectPolicy())  # safe: CWE-322
    d = paramiko.SSHClient()
    d.set_missing_host_key_policy(paramiko.AutoAddPolicy())  # expect: CWE-322
    d.set_missing_host_key_policy(paramiko.RejectPolicy)  # safe: CWE-322
    e = paramiko.SSHClient()
    e.set_missing_host_key_policy(paramiko.WarningPolicy)  # expect: CWE-322
    e.set_missing_host_key_policy(paramiko.client.RejectPolicy)  # safe: CWE-322


def temp():
    a = tempfile.mktemp()  # expect: CWE-377
    b = tempfile.mktemp(suffix=".txt")  # expect: CWE-377
    c = tempfile.mktemp(dir="/var/tmp")  # expect: CWE-377
    d = tempfile.mkstemp()  # safe: CWE-377
    e = tempfile.NamedTemporaryFile()  # safe: CWE-377
    f = tempfile.mkdtemp()  # safe: CWE-377
    g = tempfile.mktemp(prefix="x")  # expect: CWE-377
    h = tempfile.TemporaryFile()  # safe: CWE-377
    i = tempfile.mktemp(".log")  # expect: CWE-377
    j = tempfile.SpooledTemporaryFile()  # safe: CWE-377
    return a, b, c, d, e, f, g, h, i, j


def tokens(tok, key):
    jwt.decode(tok, verify=False)  # expect: CWE-347
    jwt.decode(tok, key, algorithms=["RS256"])  # safe: CWE-347
    jwt.decode(tok, key, options={"verify_signature": False}, algorithms=["HS256"])  # expect: CWE-347
    jwt.decode(tok, key, algorithms=["HS256"], options={"require": ["exp"]})  # safe: CWE-347


def misc(path, resp, sid):
    os.chmod(path, 0o666)  # expect: CWE-732
    os.chmod(path, 0o640)  # safe: CWE-732
    os.chmod(path, 0o755)  # safe: CWE-732
    resp.set_cookie("sid", sid, secure=False)  # expect: CWE-614
    resp.set_cookie("sid", sid, secure=True)  # safe: CWE-614
    RSA.generate(1024)  # expect: CWE-326
    RSA.generate(2048)  # safe: CWE-326
    rsa.generate_private_key(public_exponent=65537, key_size=512)  # expect: CWE-326
    rsa.generate_private_key(public_exponent=65537, key_size=4096)  # safe: CWE-326
    requests.get("https://x.example.org", verify=False)  # expect: CWE-295
    requests.post("https://x.example.org", data={}, verify="/etc/ca.pem")  # safe: CWE-295
    requests.get("http://metrics.partner.net/push")  # expect: CWE-319
    requests.post("https://metrics.partner.net/push")  # safe: CWE-319
    s = socket.socket()
    s.bind(("", 9000))  # expect: CWE-605
    s.bind(("10.0.0.5", 9000))  # safe: CWE-605
    s3 = boto3.client("s3")
    s3.put_object(Bucket="logs", Key="a", Body=b"x")  # expect: CWE-311
    s3.put_object(Bucket="logs", Key="a", Body=b"x", SSEKMSKeyId="alias/k", ServerSideEncryption="aws:kms")  # safe: CWE-311
