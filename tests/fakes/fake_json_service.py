"""Scripted AWS JSON-protocol service (a test fake for the client's retries and errors).

Answers POST / from a script (--script, a JSON list): answer n goes to request n, and the
last answer repeats once the list runs out. An answer is
  {"status": 200, "body": {...} | "raw": "text", "headers": {...}, "delay": seconds}
Every request is logged (--log) with its X-Amz-Target, Content-Type, whether its
Authorization header is well formed and, with --secret-key, whether botocore computes the
very same Authorization for it (the signature is checked independently of the client).
"""

import json
import re
import threading
import time

from botocore_sign import botocore_authorization
from fake_http_common import FakeHandler, base_arguments, serve

AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=([A-Z0-9]+)/(\d{8})/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request, "
    r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$")


class JsonServiceHandler(FakeHandler):
    lock = threading.Lock()
    count = 0

    def signature_check(self, body, match):
        if not self.options.secret_key or match is None:
            return None
        signed = match.group(5).split(";")
        headers = [(k, v) for k, v in self.headers.items()
                   if k.lower() in signed
                   and k.lower() not in ("x-amz-date", "x-amz-security-token")]
        expected, _ = botocore_authorization(
            "POST", f"http://{self.headers.get('Host')}{self.path}", headers, body,
            match.group(3), match.group(4), match.group(1), self.options.secret_key,
            self.headers.get("X-Amz-Security-Token"), self.headers.get("X-Amz-Date"))
        return expected == self.headers.get("Authorization")

    def handle_request(self, method):
        body = self.read_body()
        with JsonServiceHandler.lock:
            index = JsonServiceHandler.count
            JsonServiceHandler.count += 1
        auth = self.headers.get("Authorization") or ""
        match = AUTH_RE.match(auth)
        self.record({
            "n": index, "method": method, "path": self.path,
            "target": self.headers.get("X-Amz-Target"),
            "content_type": self.headers.get("Content-Type"),
            "user_agent": self.headers.get("User-Agent"),
            "auth_well_formed": match is not None,
            "signed_headers": match.group(5) if match else None,
            "has_security_token": self.headers.get("X-Amz-Security-Token") is not None,
            "signature_valid": self.signature_check(body, match),
            "body": body.decode("utf-8", "replace"),
        })
        script = self.options.answers
        answer = script[min(index, len(script) - 1)]
        if answer.get("delay"):
            time.sleep(answer["delay"])
        payload = answer["raw"] if "raw" in answer else answer.get("body", {})
        self.answer(answer.get("status", 200), payload, "application/x-amz-json-1.1",
                    answer.get("headers"))


def main():
    parser = base_arguments(__doc__)
    parser.add_argument("--script", required=True)
    parser.add_argument("--secret-key")
    options = parser.parse_args()
    with open(options.script, encoding="utf-8") as f:
        options.answers = json.load(f)
    serve(JsonServiceHandler, options)


if __name__ == "__main__":
    main()
