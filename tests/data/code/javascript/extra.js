const crypto = require('crypto');
const fs = require('fs');
const http = require('http');

function more(key, res) {
  http.get('http://feeds.partner.org/rss'); // expect: CWE-319
  fetch('https://feeds.partner.org/rss'); // safe: CWE-319
  crypto.createCipheriv('aes-128-cbc', key, Buffer.alloc(16)); // expect: CWE-329
  crypto.createCipheriv('aes-128-cbc', key, crypto.randomBytes(16)); // safe: CWE-329
  const apiToken = Math.random().toString(16).slice(2); // expect: CWE-330
  const sampleRate = Math.random(); // safe: CWE-330
  const nonce = crypto.randomBytes(16).toString('hex'); // safe: CWE-330
  res.cookie('pref', 'dark', { secure: false }); // expect: CWE-614
  res.cookie('pref', 'dark', { secure: true, sameSite: 'strict' }); // safe: CWE-614
  fs.chmodSync('/srv/data', 0o666); // expect: CWE-732
  fs.chmodSync('/srv/data', '644'); // safe: CWE-732
  return [apiToken, sampleRate, nonce];
}

module.exports = { more };
