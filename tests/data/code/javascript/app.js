const express = require('express');
const { exec, execSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const axios = require('axios');
const mysql = require('mysql');
const serialize = require('node-serialize');
const libxmljs = require('libxmljs');
const jwt = require('jsonwebtoken');
const ldap = require('ldapjs');
const xpath = require('xpath');
const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3');

const app = express();
const db = mysql.createConnection({ host: 'db' });
const ALLOWED = ['a.example.com', 'b.example.com'];

function buildQuery(name) {
  const q = `SELECT * FROM users WHERE name = '${name}'`;
  return q;
}

app.get('/ping', (req, res) => {
  const host = req.query.host;
  const target = host;
  exec(`ping -c 1 ${target}`); // expect: CWE-78
  execSync('ping -c 1 ' + target); // expect: CWE-78
  exec('uptime'); // safe: CWE-78
  if (!ALLOWED.includes(target)) {
    return res.status(400).end();
  }
  exec('ping -c 1 ' + target); // safe: CWE-78
  res.json({ ok: true });
});

app.get('/user', (req, res) => {
  const name = req.query.name;
  const sql = buildQuery(name);
  db.query(sql); // expect: CWE-89
  db.query('SELECT * FROM users WHERE name = ?', [name]); // safe: CWE-89
  db.query('SELECT * FROM users WHERE id = ' + req.params.id); // expect: CWE-89
  const id = parseInt(req.params.id, 10);
  db.query('SELECT * FROM users WHERE id = ' + id); // safe: CWE-89
  res.json({});
});

app.post('/calc', (req, res) => {
  const expr = req.body.expr;
  eval(expr); // expect: CWE-94
  const fn = new Function('return ' + expr); // expect: CWE-94
  eval('1 + 1'); // safe: CWE-94
  setTimeout(() => fn(), 10); // safe: CWE-94
  res.send('ok'); // safe: CWE-79
});

app.get('/file', (req, res) => {
  const name = req.query.name;
  const p = path.join('/srv/files', name);
  fs.readFileSync(p); // expect: CWE-22
  fs.readFileSync(path.join('/srv/files', path.basename(name))); // safe: CWE-22
  res.sendFile(name, { root: '/srv/files' }); // safe: CWE-22
  fs.createReadStream(`/srv/files/${name}`); // expect: CWE-22
  fs.readFileSync('/etc/app.conf'); // safe: CWE-22
  res.end();
});

app.get('/proxy', async (req, res) => {
  const url = req.query.url;
  await axios.get(url); // expect: CWE-918
  await fetch(`${url}/health`); // expect: CWE-918
  await axios.get('https://api.example.com/x', { params: { q: url } }); // safe: CWE-918
  if (!ALLOWED.includes(url)) return res.end();
  await fetch(url); // safe: CWE-918
  res.end();
});

app.get('/hello', (req, res) => {
  const name = req.query.name;
  const html = `<h1>Hello ${name}</h1>`;
  res.send(html); // expect: CWE-79
  res.write('<p>' + req.query.msg + '</p>'); // expect: CWE-79
  res.send(`<h1>Hello ${encodeURIComponent(name)}</h1>`); // safe: CWE-79
  res.send('<h1>Hello</h1>'); // safe: CWE-79
});

app.post('/restore', (req, res) => {
  const blob = req.body.state;
  serialize.unserialize(blob); // expect: CWE-502
  JSON.parse(blob); // safe: CWE-502
  const doc = libxmljs.parseXml(req.body.xml, { noent: true }); // expect: CWE-611
  const doc2 = libxmljs.parseXml(req.body.xml, { noent: false }); // safe: CWE-611
  const doc3 = libxmljs.parseXml(req.body.xml); // safe: CWE-611
  res.json({ doc: !!doc, doc2: !!doc2, doc3: !!doc3 });
});

app.get('/ldap', (req, res) => {
  const client = ldap.createClient({ url: 'ldaps://ldap.example.com' });
  const user = req.query.user;
  client.search('dc=example,dc=com', { filter: `(uid=${user})` }); // expect: CWE-90
  client.search('dc=example,dc=com', { filter: '(uid=admin)' }); // safe: CWE-90
  const node = xpath.select(`//user[name='${user}']`, null); // expect: CWE-643
  const node2 = xpath.select('//user', null); // safe: CWE-643
  res.json({ node, node2 });
});

app.get('/go', (req, res) => {
  const next = req.query.next;
  console.log('redirecting to ' + next); // expect: CWE-117
  console.log('redirecting to ' + JSON.stringify(next)); // safe: CWE-117
  console.log('redirecting'); // safe: CWE-117
  if (req.query.x) res.redirect(next); // expect: CWE-601
  res.redirect('/home'); // safe: CWE-601
});

const AWS_KEY = 'AKIAQ3EGRRTUVWXYZ234'; // expect: CWE-798
const slackToken = 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'; // expect: CWE-798
const config = { password: 'hunter2-Pl3ase-Ch@nge' }; // expect: CWE-798
const placeholder = { password: 'changeme' }; // safe: CWE-798
const fromEnv = process.env.DB_PASSWORD; // safe: CWE-798
console.log('db password ' + process.env.DB_PASSWORD); // expect: CWE-532
console.log('db host ' + process.env.DB_HOST); // safe: CWE-532

function cryptoStuff(key, data) {
  crypto.createHash('md5').update(data).digest('hex'); // expect: CWE-327
  crypto.createHash('sha256').update(data).digest('hex'); // safe: CWE-327
  crypto.createCipheriv('des-cbc', key, crypto.randomBytes(8)); // expect: CWE-327
  crypto.createCipheriv('aes-256-ecb', key, null); // expect: CWE-327
  crypto.createCipheriv('aes-256-gcm', key, crypto.randomBytes(12)); // safe: CWE-327, CWE-329
  crypto.createCipheriv('aes-256-cbc', key, Buffer.from('0123456789abcdef')); // expect: CWE-329
  crypto.createCipheriv('aes-256-cbc', key, 'abcdefghijklmnop'); // expect: CWE-329
  crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }); // expect: CWE-326
  crypto.generateKeyPairSync('rsa', { modulusLength: 4096 }); // safe: CWE-326
  const resetToken = Math.random().toString(36); // expect: CWE-330
  const jitter = Math.random() * 100; // safe: CWE-330
  return [resetToken, jitter];
}

function network(server, token) {
  axios.get('https://api.example.com', { httpsAgent: new (require('https').Agent)({ rejectUnauthorized: false }) }); // expect: CWE-295
  axios.get('https://api.example.com', { httpsAgent: new (require('https').Agent)({ rejectUnauthorized: true }) }); // safe: CWE-295
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'; // expect: CWE-295
  axios.get('http://api.partner.com/items'); // expect: CWE-319
  axios.get('https://api.partner.com/items'); // safe: CWE-319
  fetch('http://localhost:3000/health'); // safe: CWE-319
  server.listen(8080, '0.0.0.0'); // expect: CWE-605
  server.listen(8080, '127.0.0.1'); // safe: CWE-605
  fs.chmodSync('/tmp/x', 0o777); // expect: CWE-732
  fs.chmodSync('/tmp/x', 0o600); // safe: CWE-732
  jwt.decode(token); // expect: CWE-347
  jwt.verify(token, 'k', { algorithms: ['HS256'] }); // safe: CWE-347
}

app.get('/cookie', (req, res) => {
  res.cookie('sid', 'v', { httpOnly: true }); // expect: CWE-614
  res.cookie('sid', 'v', { httpOnly: true, secure: true }); // safe: CWE-614
  res.end();
});

async function upload(body) {
  const s3 = new S3Client({});
  await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: body })); // expect: CWE-311
  await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: body, ServerSideEncryption: 'aws:kms' })); // safe: CWE-311
}

exports.handler = async (event, context) => {
  const cmd = event.cmd;
  const line = `sh -c ${cmd}`;
  execSync(line); // expect: CWE-78
  const q = 'SELECT * FROM t WHERE k = "' + event.key + '"';
  db.query(q); // expect: CWE-89
  eval(event.code); // expect: CWE-94
  fs.writeFileSync('/tmp/' + event.name, 'x'); // expect: CWE-22
  await fetch(event.url); // expect: CWE-918
  console.log(event.user); // expect: CWE-117
  return { statusCode: 200 };
};

module.exports = { cryptoStuff, network, upload };
