#!/usr/bin/env python3
"""A legacy Authenticode timestamp server for tests/mktimestamps.sh, on 127.0.0.1 only (stdlib + openssl).

The legacy protocol (what `osslsigncode sign -t URL` and signtool /t speak): the client POSTs the base64 of

  TimeStampRequest ::= SEQUENCE {
    countersignatureType OBJECT IDENTIFIER,          -- 1.3.6.1.4.1.311.3.2.1
    attributes Attributes OPTIONAL,
    content ContentInfo { data, [0] EXPLICIT OCTET STRING }   -- the signer's encryptedDigest
  }

and the server answers with the base64 of a PKCS#7 SignedData over those octets (content type data), whose
SignerInfo carries the signingTime; the client moves that SignerInfo into its signature as a PKCS#9
counterSignature and the certificates into its certificate set. `openssl cms -sign` makes the SignedData.

Usage: legacy-tsa.py TSA-CERT TSA-KEY CHAIN PORTFILE LOG: listens on an ephemeral port, writes it to PORTFILE,
serves until killed.
"""
import base64, http.server, os, subprocess, sys, tempfile


def der_items(b, o, end):
    """(tag, content offset, content length) of each element in b[o:end]"""
    out = []
    while o < end:
        tag = b[o]
        n = b[o + 1]
        o += 2
        if n & 0x80:
            k = n & 0x7f
            if k == 0 or k > 4:
                raise ValueError('bad length')
            n = int.from_bytes(b[o:o + k], 'big')
            o += k
        if o + n > end:
            raise ValueError('truncated')
        out.append((tag, o, n))
        o += n
    return out


def request_digest(b):
    """the OCTET STRING of the request's content [0]"""
    (tag, o, n), = der_items(b, 0, len(b))
    if tag != 0x30:
        raise ValueError('request is not a SEQUENCE')
    items = der_items(b, o, o + n)
    tag, o, n = items[-1]                       # content ContentInfo
    ci = der_items(b, o, o + n)
    tag, o, n = ci[1]                           # [0] EXPLICIT
    if tag != 0xa0:
        raise ValueError('no [0] content')
    (tag, o, n), = der_items(b, o, o + n)
    if tag != 0x04:
        raise ValueError('content is not an OCTET STRING')
    return bytes(b[o:o + n])


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        with open(LOG, 'a') as f:
            f.write('legacy-tsa: ' + (fmt % args) + '\n')

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', '0')))
        try:
            digest = request_digest(base64.b64decode(body))
        except (ValueError, IndexError) as e:
            self.send_error(400, str(e))
            return
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, 'content')
            with open(src, 'wb') as f:
                f.write(digest)
            r = subprocess.run(['openssl', 'cms', '-sign', '-binary', '-nodetach', '-outform', 'DER',
                                '-md', 'sha256', '-signer', CERT, '-inkey', KEY, '-certfile', CHAIN,
                                '-in', src], capture_output=True)
        if r.returncode:
            self.send_error(500, r.stderr.decode(errors='replace'))
            return
        out = base64.b64encode(r.stdout)
        self.send_response(200)
        self.send_header('Content-Type', 'application/octet-stream')
        self.send_header('Content-Length', str(len(out)))
        self.end_headers()
        self.wfile.write(out)


if __name__ == '__main__':
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    CERT, KEY, CHAIN, PORTFILE, LOG = sys.argv[1:]
    srv = http.server.HTTPServer(('127.0.0.1', 0), Handler)
    with open(PORTFILE + '.tmp', 'w') as f:
        f.write('%d\n' % srv.server_address[1])
    os.rename(PORTFILE + '.tmp', PORTFILE)
    srv.serve_forever()
