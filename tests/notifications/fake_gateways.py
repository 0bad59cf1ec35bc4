"""Local fakes of the two SMS gateways' HTTP APIs, on 127.0.0.1, for the SDK-backed backends.

Each fake checks the request signature the way the provider specifies it, written here from the
providers' specifications (not by calling the SDK's signer):

- Alibaba Cloud ACS3-HMAC-SHA256: ``Authorization: ACS3-HMAC-SHA256 Credential=<AccessKeyId>,
  SignedHeaders=<h1;h2…>,Signature=<hex>``; the canonical request is method, path, the sorted
  RFC 3986-encoded query, the signed headers (lower-case ``name:value`` lines), their names and
  the hex SHA-256 of the body (also sent as ``x-acs-content-sha256``); the string to sign is
  ``ACS3-HMAC-SHA256\\n`` + hex SHA-256 of the canonical request; the signature is HMAC-SHA256
  with the AccessKey secret. host, x-acs-action, x-acs-version, x-acs-date,
  x-acs-signature-nonce and x-acs-content-sha256 must be signed.
- Tencent Cloud TC3-HMAC-SHA256: ``Authorization: TC3-HMAC-SHA256 Credential=<SecretId>/<date>/
  <service>/tc3_request, SignedHeaders=content-type;host, Signature=<hex>``; the signing key is
  HMAC chain "TC3"+SecretKey → date → service → "tc3_request"; the string to sign is the
  algorithm, X-TC-Timestamp, the credential scope and the hex SHA-256 of the canonical request.

A request with a bad signature is answered as the provider does (SignatureDoesNotMatch,
AuthFailure.SignatureFailure). ``script`` holds the error codes to answer the next requests with.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

ALIYUN_KEY_ID, ALIYUN_SECRET = "LTAI5tFakeKeyId0001", "fake-aliyun-secret-Zx81q"
TENCENT_ID, TENCENT_KEY = "AKIDfakeSecretId00000001", "fake-tencent-key-Qw72p"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


@dataclass
class Received:
    path: str
    query: dict
    headers: dict
    body: bytes
    signature_ok: bool
    problem: str = ""

    @property
    def json(self) -> dict:
        return json.loads(self.body or b"{}")


@dataclass
class Fake:
    kind: str  # "aliyun" or "tencent"
    secret: str
    requests: list[Received] = field(default_factory=list)
    script: list[str] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    def next_code(self) -> str:
        return self.script.pop(0) if self.script else ""

    # --- signature checks -------------------------------------------------------------------

    def check_aliyun(self, method: str, path: str, query: list[tuple[str, str]], headers: dict, body: bytes) -> str:
        auth = headers.get("authorization", "")
        algorithm, _, rest = auth.partition(" ")
        if algorithm != "ACS3-HMAC-SHA256":
            return f"algorithm {algorithm!r}"
        parts = dict(item.split("=", 1) for item in rest.split(","))
        if parts.get("Credential") != ALIYUN_KEY_ID:
            return "unknown AccessKeyId"
        signed = parts.get("SignedHeaders", "").split(";")
        required = {
            "host",
            "x-acs-action",
            "x-acs-version",
            "x-acs-date",
            "x-acs-signature-nonce",
            "x-acs-content-sha256",
        }
        if not required <= set(signed) or signed != sorted(signed):
            return f"signed headers {signed}"
        if headers.get("x-acs-content-sha256") != _sha256(body):
            return "x-acs-content-sha256 does not match the body"
        stamp = dt.datetime.strptime(headers["x-acs-date"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        if abs((dt.datetime.now(dt.UTC) - stamp).total_seconds()) > 900:
            return "x-acs-date too far from now"
        canonical_query = "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in sorted(query))
        canonical_headers = "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in signed)
        canonical = "\n".join(
            [method, path or "/", canonical_query, canonical_headers, ";".join(signed), _sha256(body)]
        )
        to_sign = "ACS3-HMAC-SHA256\n" + _sha256(canonical.encode())
        expected = hmac.new(self.secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        return "" if hmac.compare_digest(expected, parts.get("Signature", "")) else "signature mismatch"

    def check_tencent(self, method: str, path: str, headers: dict, body: bytes) -> str:
        auth = headers.get("authorization", "")
        algorithm, _, rest = auth.partition(" ")
        if algorithm != "TC3-HMAC-SHA256":
            return f"algorithm {algorithm!r}"
        parts = dict(item.strip().split("=", 1) for item in rest.split(","))
        secret_id, date, service, terminator = parts.get("Credential", "////").split("/")
        if secret_id != TENCENT_ID or service != "sms" or terminator != "tc3_request":
            return f"credential {parts.get('Credential')}"
        timestamp = int(headers.get("x-tc-timestamp", "0"))
        if abs(time.time() - timestamp) > 300:
            return "X-TC-Timestamp too far from now"
        if date != dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d"):
            return "credential date is not the timestamp's UTC date"
        if (headers.get("x-tc-action"), headers.get("x-tc-version")) != ("SendSms", "2021-01-11"):
            return "action/version"
        signed = parts.get("SignedHeaders", "").split(";")
        if "host" not in signed or "content-type" not in signed:
            return f"signed headers {signed}"
        canonical_headers = "".join(f"{name}:{headers.get(name, '').strip().lower()}\n" for name in signed)
        canonical = "\n".join([method, path or "/", "", canonical_headers, ";".join(signed), _sha256(body)])
        scope = f"{date}/{service}/tc3_request"
        to_sign = "\n".join(["TC3-HMAC-SHA256", str(timestamp), scope, _sha256(canonical.encode())])
        key = _hmac(_hmac(_hmac(("TC3" + self.secret).encode(), date), service), "tc3_request")
        expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        return "" if hmac.compare_digest(expected, parts.get("Signature", "")) else "signature mismatch"

    # --- answers ---------------------------------------------------------------------------------

    def answer_aliyun(self, received: Received) -> tuple[int, dict]:
        request_id = str(uuid.uuid4()).upper()
        if not received.signature_ok:
            return 400, {
                "Code": "SignatureDoesNotMatch",
                "Message": "Specified signature is not matched with our calculation.",
                "RequestId": request_id,
            }
        code = self.next_code() or "OK"
        if code.startswith("Throttling"):
            return 400, {"Code": code, "Message": "Request was denied due to flow control.", "RequestId": request_id}
        return 200, {
            "Code": code,
            "Message": "OK" if code == "OK" else f"fake {code}",
            "RequestId": request_id,
            **({"BizId": f"{int(time.time())}^0"} if code == "OK" else {}),
        }

    def answer_tencent(self, received: Received) -> tuple[int, dict]:
        request_id = str(uuid.uuid4())
        if not received.signature_ok:
            return 200, {
                "Response": {
                    "Error": {"Code": "AuthFailure.SignatureFailure", "Message": "签名验证失败"},
                    "RequestId": request_id,
                }
            }
        code = self.next_code() or "Ok"
        # Per-number results come in SendStatusSet; request-level errors in Response.Error.
        per_number = code == "Ok" or code.startswith(
            ("LimitExceeded.PhoneNumber", "InvalidParameterValue.IncorrectPhoneNumber", "FailedOperation.PhoneNumber")
        )
        if not per_number:
            return 200, {"Response": {"Error": {"Code": code, "Message": f"fake {code}"}, "RequestId": request_id}}
        body = received.json
        statuses = [
            {
                "SerialNo": uuid.uuid4().hex,
                "PhoneNumber": number,
                "Fee": 1 if code == "Ok" else 0,
                "SessionContext": body.get("SessionContext", ""),
                "Code": code,
                "Message": "send success" if code == "Ok" else f"fake {code}",
                "IsoCode": "CN",
            }
            for number in body.get("PhoneNumberSet", [])
        ]
        return 200, {"Response": {"SendStatusSet": statuses, "RequestId": request_id}}


def _handler(fake: Fake):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet
            pass

        def do_POST(self):
            url = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            query = parse_qsl(url.query, keep_blank_values=True)
            if fake.kind == "aliyun":
                problem = fake.check_aliyun("POST", url.path, query, headers, body)
            else:
                problem = fake.check_tencent("POST", url.path, headers, body)
            received = Received(url.path, dict(query), headers, body, not problem, problem)
            fake.requests.append(received)
            status, answer = (fake.answer_aliyun if fake.kind == "aliyun" else fake.answer_tencent)(received)
            data = json.dumps(answer, ensure_ascii=False).encode()
            self.send_response(status)
            # As each provider answers (the Tencent SDK reads Response.Error only under exactly "application/json").
            self.send_header(
                "Content-Type", "application/json;charset=utf-8" if fake.kind == "aliyun" else "application/json"
            )
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def start(kind: str, secret: str) -> Fake:
    fake = Fake(kind, secret)
    fake.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    threading.Thread(target=fake.server.serve_forever, daemon=True).start()
    return fake


def stop(fake: Fake) -> None:
    fake.server.shutdown()
    fake.server.server_close()
