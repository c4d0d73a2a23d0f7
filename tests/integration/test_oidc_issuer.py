"""A real OpenID Connect issuer for the tests: HTTPS on 127.0.0.1 with a self-signed
certificate made here, a discovery document, a JWKS, and RS256 ID tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import http.server
import ipaddress
import json
import ssl
import threading
import time
from dataclasses import dataclass

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from joserfc import jwt
from joserfc.jwk import RSAKey


@dataclass
class Issuer:
    url: str
    host: str  # the provider's name in IAM: URL without https://
    thumbprint: str
    signing_key: RSAKey
    jwks: dict

    def token(self, *, aud: str | list[str] = "sts.amazonaws.com", sub: str = "repo:org/app",
              lifetime: int = 600, key: RSAKey | None = None, **claims) -> str:
        now = int(time.time())
        payload = {"iss": self.url, "aud": aud, "sub": sub, "iat": now, "exp": now + lifetime,
                   **claims}
        signer = key or self.signing_key
        return jwt.encode({"alg": "RS256", "kid": signer.kid}, payload, signer)


def _self_signed(tmp) -> tuple[str, str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    der = cert.public_bytes(serialization.Encoding.DER)
    return str(cert_path), str(key_path), hashlib.sha1(der).hexdigest()


@pytest.fixture(scope="module")
def issuer(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("oidc")
    cert, key, thumbprint = _self_signed(tmp)
    signing_key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig",
                                                        "alg": "RS256"})
    jwks = {"keys": [signing_key.as_dict(private=False)]}
    documents: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = documents.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body or b"{}")

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    url = f"https://127.0.0.1:{httpd.server_address[1]}"
    documents["/.well-known/openid-configuration"] = json.dumps(
        {"issuer": url, "jwks_uri": url + "/jwks"}).encode()
    documents["/jwks"] = json.dumps(jwks).encode()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield Issuer(url, url.removeprefix("https://"), thumbprint, signing_key, jwks)
    httpd.shutdown()
