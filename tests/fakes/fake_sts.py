"""Fake AWS STS (a test fake: the real STS cannot be reached from the tests).

Answers AssumeRoleWithWebIdentity (query protocol, form-encoded POST) with XML. It checks
the action, version, role ARN and that WebIdentityToken equals --expected-token; a wrong
token gets STS's InvalidIdentityToken error, whose message here quotes the token on purpose
so tests can check that the client never repeats it. Call n (from 1) answers access key id
<--access-key-id><n>; after --fail-after successes every call answers HTTP 500.
"""

import urllib.parse

from fake_http_common import FakeHandler, base_arguments, serve

NS = "https://sts.amazonaws.com/doc/2011-06-15/"


def error_xml(code, message):
    return (f'<ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type><Code>{code}</Code>'
            f"<Message>{message}</Message></Error><RequestId>fake</RequestId></ErrorResponse>")


class StsHandler(FakeHandler):
    calls = 0

    def handle_request(self, method):
        form = urllib.parse.parse_qs(self.read_body().decode("utf-8"), keep_blank_values=True)
        field = lambda name: form.get(name, [""])[0]
        self.record({"method": method, "path": self.path, "action": field("Action"),
                     "role_arn": field("RoleArn"), "session_name": field("RoleSessionName"),
                     "token_ok": field("WebIdentityToken") == self.options.expected_token,
                     "authorization": self.headers.get("Authorization")})
        if method != "POST" or field("Action") != "AssumeRoleWithWebIdentity":
            self.answer(400, error_xml("InvalidAction", "unknown action"), "text/xml")
            return
        if field("Version") != "2011-06-15" or not field("RoleArn") or not field("RoleSessionName"):
            self.answer(400, error_xml("ValidationError", "missing parameter"), "text/xml")
            return
        if field("WebIdentityToken") != self.options.expected_token:
            self.answer(400, error_xml(
                "InvalidIdentityToken",
                f"Token {field('WebIdentityToken')} could not be validated"), "text/xml")
            return
        StsHandler.calls += 1
        if self.options.fail_after is not None and StsHandler.calls > self.options.fail_after:
            self.answer(500, error_xml("InternalFailure", "fake outage"), "text/xml")
            return
        o = self.options
        body = (
            f'<AssumeRoleWithWebIdentityResponse xmlns="{NS}">'
            "<AssumeRoleWithWebIdentityResult>"
            "<SubjectFromWebIdentityToken>system:serviceaccount:ns:sa</SubjectFromWebIdentityToken>"
            f"<AssumedRoleUser><Arn>{field('RoleArn')}/{field('RoleSessionName')}</Arn>"
            "<AssumedRoleId>AROAFAKE:session</AssumedRoleId></AssumedRoleUser>"
            f"<Credentials><SessionToken>{o.session_token}</SessionToken>"
            f"<SecretAccessKey>{o.secret_access_key}</SecretAccessKey>"
            f"<Expiration>{o.expiration}</Expiration>"
            f"<AccessKeyId>{o.access_key_id}{StsHandler.calls}</AccessKeyId></Credentials>"
            "</AssumeRoleWithWebIdentityResult>"
            "<ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata>"
            "</AssumeRoleWithWebIdentityResponse>")
        self.answer(200, body, "text/xml")


def main():
    parser = base_arguments(__doc__)
    parser.add_argument("--expected-token", required=True)
    parser.add_argument("--access-key-id", default="ASIAFAKESTS")
    parser.add_argument("--secret-access-key", default="sts-secret-key")
    parser.add_argument("--session-token", default="sts-session-token")
    parser.add_argument("--expiration", default="2026-01-01T01:00:00Z")
    parser.add_argument("--fail-after", type=int)
    serve(StsHandler, parser.parse_args())


if __name__ == "__main__":
    main()
