#!/usr/bin/env python3
"""tests/vulndb/feed_server.py ROOT PORTFILE - a feed server on 127.0.0.1 for
the `kensa db update` test. Paths:
  /f/NAME      ROOT/NAME with ETag (SHA-256 of the content) and Last-Modified;
               If-None-Match / If-Modified-Since give 304
  /500/NAME    HTTP 500
  /trunc/NAME  the first half of ROOT/NAME, served as a complete 200 response
The chosen port is written to PORTFILE."""
import email.utils, hashlib, os, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = sys.argv[1]

class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        parts = self.path.split('/', 2)
        if len(parts) < 3 or '..' in parts[2]:
            return self.send_error(404)
        mode, name = parts[1], parts[2]
        if mode == '500':
            return self.send_error(500)
        path = os.path.join(ROOT, name)
        if not os.path.isfile(path):
            return self.send_error(404)
        data = open(path, 'rb').read()
        etag = '"%s"' % hashlib.sha256(data).hexdigest()
        lm = email.utils.formatdate(int(os.path.getmtime(path)), usegmt=True)
        if mode == 'f' and (self.headers.get('If-None-Match') == etag or
                            self.headers.get('If-Modified-Since') == lm):
            self.send_response(304)
            self.send_header('ETag', etag)
            self.end_headers()
            return
        if mode == 'trunc':
            data = data[:len(data) // 2]
        self.send_response(200)
        self.send_header('Content-Length', str(len(data)))
        self.send_header('ETag', etag)
        self.send_header('Last-Modified', lm)
        self.end_headers()
        self.wfile.write(data)

srv = ThreadingHTTPServer(('127.0.0.1', 0), H)
with open(sys.argv[2] + '.tmp', 'w') as f:
    f.write(str(srv.server_address[1]))
os.rename(sys.argv[2] + '.tmp', sys.argv[2])
srv.serve_forever()
