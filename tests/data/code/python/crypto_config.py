import hashlib
import random
import secrets
import socket
import ssl
import os
import tempfile
import boto3
import jwt
import paramiko
import requests
from Crypto.Cipher import AES, DES, ARC4
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

AWS_ACCESS_KEY_ID = "AKIAQ3EGRRTUVWXYZ234"  # expect: CWE-798
GITHUB_TOKEN = "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"  # expect: CWE-798
FAKE_GITHUB_TOKEN = "ghp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA000000"  # safe: CWE-798
db_password = "Zx9!kQ2#vLp8@rT"  # expect: CWE-798
password = os.environ.get("DB_PASSWORD")  # safe: CWE-798
api_key = "your-api-key-here"  # safe: CWE-798
DATABASE_URL = "postgresql://app:S3cr3tPassw0rd@db.internal:5432/app"  # expect: CWE-798
LOCAL_URL = "postgresql://app@db.internal:5432/app"  # safe: CWE-798
stripe_key = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"  # expect: CWE-798
greeting = "Hello, world, how are you today?"  # safe: CWE-798
token_name = "session"  # safe: CWE-798


def hashes(data, pw):
    hashlib.md5(data).hexdigest()  # expect: CWE-327
    hashlib.sha1(pw.encode()).hexdigest()  # expect: CWE-327
    hashlib.new("md5", data)  # expect: CWE-327
    hashlib.sha256(data).hexdigest()  # safe: CWE-327
    hashlib.md5(data, usedforsecurity=False)  # safe: CWE-327
    hashlib.new("sha256", data)  # safe: CWE-327


def ciphers(key, data):
    DES.new(key, DES.MODE_CBC)  # expect: CWE-327
    ARC4.new(key)  # expect: CWE-327
    AES.new(key, AES.MODE_ECB)  # expect: CWE-327
    AES.new(key, AES.MODE_GCM)  # safe: CWE-327
    Cipher(algorithms.AES(key), modes.GCM(os.urandom(12)))  # safe: CWE-327
    Cipher(algorithms.TripleDES(key), modes.CBC(os.urandom(8)))  # expect: CWE-327
    AES.new(key, AES.MODE_CBC, iv=b"0000000000000000")  # expect: CWE-329
    AES.new(key, AES.MODE_CBC, iv=os.urandom(16))  # safe: CWE-329
    Cipher(algorithms.AES(key), modes.CBC(b"1234567890abcdef"))  # expect: CWE-329
    Cipher(algorithms.AES(key), modes.CBC(os.urandom(16)))  # safe: CWE-329


def keys():
    rsa.generate_private_key(public_exponent=65537, key_size=1024)  # expect: CWE-326
    rsa.generate_private_key(public_exponent=65537, key_size=3072)  # safe: CWE-326


def tokens():
    reset_token = random.getrandbits(64)  # expect: CWE-330
    session_token = "".join(random.choice("abcdef0123456789") for _ in range(32))  # expect: CWE-330
    safe_token = secrets.token_hex(16)  # safe: CWE-330
    delay = random.randint(1, 5)  # safe: CWE-330
    return reset_token, session_token, safe_token, delay


def tls(url):
    requests.get("https://api.example.com", verify=False)  # expect: CWE-295
    requests.get("https://api.example.com", verify=True)  # safe: CWE-295
    ssl._create_unverified_context()  # expect: CWE-295
    ctx = ssl.create_default_context()  # safe: CWE-295
    ctx.verify_mode = ssl.CERT_NONE  # expect: CWE-295
    requests.post("https://api.example.com", json={})  # safe: CWE-295
    requests.get("http://api.partner.com/v1/items")  # expect: CWE-319
    requests.get("https://api.partner.com/v1/items")  # safe: CWE-319
    requests.get("http://localhost:8080/health")  # safe: CWE-319
    return ctx


def storage(body):
    s3 = boto3.client("s3")
    s3.put_object(Bucket="b", Key="k", Body=body)  # expect: CWE-311
    s3.put_object(Bucket="b", Key="k", Body=body, ServerSideEncryption="aws:kms")  # safe: CWE-311
    s3.upload_file("/tmp/f", "b", "k")  # expect: CWE-311
    s3.upload_file("/tmp/f", "b", "k", ExtraArgs={"ServerSideEncryption": "AES256"})  # safe: CWE-311


def network(app):
    s = socket.socket()
    s.bind(("0.0.0.0", 8080))  # expect: CWE-605
    s.bind(("127.0.0.1", 8080))  # safe: CWE-605
    app.run(host="0.0.0.0")  # expect: CWE-605
    app.run(host="127.0.0.1")  # safe: CWE-605


def files(path, resp, token):
    os.chmod(path, 0o777)  # expect: CWE-732
    os.chmod(path, 0o600)  # safe: CWE-732
    tempfile.mktemp()  # expect: CWE-377
    tempfile.mkstemp()  # safe: CWE-377
    resp.set_cookie("sid", token)  # expect: CWE-614
    resp.set_cookie("sid", token, secure=True, httponly=True)  # safe: CWE-614
    jwt.decode(token, options={"verify_signature": False})  # expect: CWE-347
    jwt.decode(token, "key", algorithms=["HS256"])  # safe: CWE-347
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())  # expect: CWE-322
    client.set_missing_host_key_policy(paramiko.RejectPolicy())  # safe: CWE-322
