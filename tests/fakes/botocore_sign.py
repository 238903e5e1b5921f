"""Signs a request with botocore's SigV4Auth at a fixed time: the independent reference the
C++ signer is checked against (src/aws/sigv4_test.cpp, tests/fakes/fake_json_service.py).

As a program it reads one JSON object from the file named by its argument:
  {"method", "url", "headers": [[name, value], ...], "body", "region", "service",
   "access_key", "secret_key", "token" (optional), "amz_date": "YYYYMMDDTHHMMSSZ"}
and prints the Authorization header botocore computes, then a line with its canonical
request's SHA-256 (to help tell where two signers differ).
"""

import hashlib
import json
import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


class FixedTimeSigV4Auth(SigV4Auth):
    """SigV4Auth whose clock is a given X-Amz-Date instead of the current time."""

    def __init__(self, credentials, service, region, amz_date):
        super().__init__(credentials, service, region)
        self.amz_date = amz_date
        self.canonical = None

    def add_auth(self, request):
        request.context["timestamp"] = self.amz_date
        self._modify_request_before_signing(request)
        self.canonical = self.canonical_request(request)
        string_to_sign = self.string_to_sign(request, self.canonical)
        self._inject_signature_to_request(request, self.signature(string_to_sign, request))


def botocore_authorization(method, url, headers, body, region, service, access_key, secret_key,
                           token, amz_date):
    """Returns (Authorization header, canonical request) as botocore signs them."""
    request = AWSRequest(method=method, url=url, data=body)
    for name, value in headers:
        request.headers[name] = value
    signer = FixedTimeSigV4Auth(Credentials(access_key, secret_key, token or None), service,
                                region, amz_date)
    signer.add_auth(request)
    return request.headers["Authorization"], signer.canonical


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        r = json.load(f)
    auth, canonical = botocore_authorization(
        r["method"], r["url"], r["headers"], r["body"].encode("utf-8"), r["region"],
        r["service"], r["access_key"], r["secret_key"], r.get("token"), r["amz_date"])
    print(auth)
    print(hashlib.sha256(canonical.encode("utf-8")).hexdigest())


if __name__ == "__main__":
    main()
