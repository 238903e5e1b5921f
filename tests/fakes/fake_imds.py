"""Fake EC2 instance metadata service, IMDSv2 only (a test fake: there is no EC2 here).

PUT /latest/api/token with x-aws-ec2-metadata-token-ttl-seconds issues a session token;
every GET must carry x-aws-ec2-metadata-token with an issued token, else 401 (IMDSv1, a GET
without a token, never works). /latest/meta-data/iam/security-credentials/ lists --role
(404 with --no-role); .../<role> answers the role's credentials as EC2 does.
"""

import json
import secrets

from fake_http_common import FakeHandler, base_arguments, serve

ROLE_PATH = "/latest/meta-data/iam/security-credentials/"


class ImdsHandler(FakeHandler):
    tokens = set()

    def handle_request(self, method):
        self.read_body()
        token = self.headers.get("x-aws-ec2-metadata-token")
        self.record({"method": method, "path": self.path, "has_token": token is not None,
                     "ttl": self.headers.get("x-aws-ec2-metadata-token-ttl-seconds")})
        o = self.options
        if method == "PUT" and self.path == "/latest/api/token":
            ttl = self.headers.get("x-aws-ec2-metadata-token-ttl-seconds")
            if not ttl or not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
                self.answer(400, "", "text/plain")
                return
            issued = "imds-" + secrets.token_hex(16)
            ImdsHandler.tokens.add(issued)
            self.answer(200, issued, "text/plain")
            return
        if method != "GET":
            self.answer(405, "", "text/plain")
            return
        if token not in ImdsHandler.tokens:
            self.answer(401, "", "text/plain")
            return
        if self.path == ROLE_PATH:
            if o.no_role:
                self.answer(404, "", "text/plain")
            else:
                self.answer(200, o.role, "text/plain")
            return
        if self.path == ROLE_PATH + o.role and not o.no_role:
            self.answer(200, json.dumps({
                "Code": "Success", "LastUpdated": "2026-01-01T00:00:00Z", "Type": "AWS-HMAC",
                "AccessKeyId": o.access_key_id, "SecretAccessKey": o.secret_access_key,
                "Token": o.session_token, "Expiration": o.expiration}), "text/plain")
            return
        self.answer(404, "", "text/plain")


def main():
    parser = base_arguments(__doc__)
    parser.add_argument("--role", default="lifeboat-role")
    parser.add_argument("--no-role", action="store_true")
    parser.add_argument("--access-key-id", default="ASIAFAKEIMDS")
    parser.add_argument("--secret-access-key", default="imds-secret-key")
    parser.add_argument("--session-token", default="imds-session-token")
    parser.add_argument("--expiration", default="2026-01-01T06:00:00Z")
    serve(ImdsHandler, parser.parse_args())


if __name__ == "__main__":
    main()
