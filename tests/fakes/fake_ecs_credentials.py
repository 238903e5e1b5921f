"""Fake ECS/EKS container credentials endpoint (a test fake: there is no container agent).

GET --path answers {AccessKeyId, SecretAccessKey, Token, Expiration} when the Authorization
header equals --expected-authorization (when given); otherwise 401 with an error whose
message quotes the header it got, on purpose, so tests can check the client never repeats it.
"""

from fake_http_common import FakeHandler, base_arguments, serve


class EcsHandler(FakeHandler):
    def handle_request(self, method):
        self.read_body()
        auth = self.headers.get("Authorization")
        self.record({"method": method, "path": self.path, "authorization": auth})
        o = self.options
        if method != "GET" or self.path != o.path:
            self.answer(404, {"code": "NotFound", "message": "no such path"})
            return
        if o.expected_authorization is not None and auth != o.expected_authorization:
            self.answer(401, {"code": "AccessDenied",
                              "message": f"Authorization {auth} is not valid"})
            return
        self.answer(200, {"AccessKeyId": o.access_key_id,
                          "SecretAccessKey": o.secret_access_key,
                          "Token": o.session_token, "Expiration": o.expiration,
                          "RoleArn": "arn:aws:iam::123456789012:role/fake"})


def main():
    parser = base_arguments(__doc__)
    parser.add_argument("--path", default="/v2/credentials/fake")
    parser.add_argument("--expected-authorization")
    parser.add_argument("--access-key-id", default="ASIAFAKEECS")
    parser.add_argument("--secret-access-key", default="ecs-secret-key")
    parser.add_argument("--session-token", default="ecs-session-token")
    parser.add_argument("--expiration", default="2026-01-01T06:00:00Z")
    serve(EcsHandler, parser.parse_args())


if __name__ == "__main__":
    main()
