#!/usr/bin/env python3
"""Self-test of fake_sagemaker.py, the fake SageMaker endpoint.

Starts the fake as a subprocess on a temporary volume root (with --self-check, so every
answer is also checked against the output shapes), drives it with boto3 as a real client
would, and checks what Lifeboat relies on: lifecycles, home uids and directories, paging,
validation, SigV4, throttling, deletes, and the CloudTrail records delivered to a small
local receiver. Runs as root (the fake chowns home directories). Exits non-zero and names
every failed check.
"""

import datetime
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(HERE, "fake_sagemaker.py")
ACCESS_KEY = "AKIDFAKESELFTEST0001"
SECRET_KEY = "fake-selftest-secret-key"
REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/SageMakerExecution"
EVENTS_TOKEN = "events-bearer-token-for-selftest"
CREATE_DELAY, DELETE_DELAY, HOME_DELAY = 0.2, 0.2, 0.3

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print(f"FAIL: {what}", flush=True)
    return condition


def wait_until(predicate, what, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    check(False, f"timed out after {timeout}s waiting for: {what}")
    return None


def error_of(call):
    """(code, message, HTTP status) of the ClientError call raises, or None if it succeeds."""
    try:
        call()
    except ClientError as e:
        return (e.response["Error"]["Code"], e.response["Error"].get("Message", ""),
                e.response["ResponseMetadata"]["HTTPStatusCode"])
    return None


def expect_error(call, code, what, status=None, message_contains=None):
    got = error_of(call)
    if not check(got is not None, f"{what}: expected {code}, the call succeeded"):
        return
    check(got[0] == code, f"{what}: expected {code}, got {got[0]} ({got[1]})")
    if status is not None:
        check(got[2] == status, f"{what}: expected HTTP {status}, got {got[2]}")
    if message_contains is not None:
        check(message_contains in got[1],
              f"{what}: message should contain {message_contains!r}, was {got[1]!r}")


# ---------------------------------------------------------------------------------------
# The fake as a subprocess, and a receiver for its events.

class FakeProcess:
    def __init__(self, workdir, name, extra_args):
        self.port_file = os.path.join(workdir, f"{name}.port")
        self.volume_root = os.path.join(workdir, f"{name}-volumes")
        self.stderr = open(os.path.join(workdir, f"{name}.stderr"), "w+")
        self.proc = subprocess.Popen(
            [sys.executable, FAKE, "--port", "0", "--port-file", self.port_file,
             "--volume-root", self.volume_root, "--access-key", ACCESS_KEY,
             "--secret-key", SECRET_KEY, "--region", REGION, "--self-check",
             "--create-delay", str(CREATE_DELAY), "--delete-delay", str(DELETE_DELAY),
             "--home-delay", str(HOME_DELAY)] + extra_args,
            stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        first_line = self.proc.stdout.readline().strip()
        if not first_line.isdigit():
            raise RuntimeError(f"{name}: the fake printed {first_line!r}, not its port; "
                               f"stderr: {self.stderr_text()}")
        self.port = int(first_line)
        with open(self.port_file, encoding="utf-8") as f:
            check(f.read().strip() == first_line, f"{name}: --port-file holds the port")
        self.endpoint = f"http://127.0.0.1:{self.port}"
        wait_until(lambda: self.control("GET", "health")[0] == 200, f"{name} health")

    def control(self, method, name, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.endpoint}/_fake/{name}", data=data,
                                         method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")
        except OSError:
            return None, None

    def stats(self):
        return self.control("GET", "stats")[1]

    def stderr_text(self):
        self.stderr.flush()
        self.stderr.seek(0)
        return self.stderr.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None
        return self.proc.returncode


class EventReceiver:
    """Collects the records the fake POSTs; answers 503 to the first `fail_first` POSTs."""

    def __init__(self, fail_first):
        self.records = []
        self.authorizations = []
        self.fail_first = fail_first
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with outer.lock:
                    if outer.fail_first > 0:
                        outer.fail_first -= 1
                        status = 503
                    else:
                        outer.records.append(json.loads(body))
                        outer.authorizations.append(self.headers.get("Authorization"))
                        status = 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def snapshot(self):
        with self.lock:
            return list(self.records), list(self.authorizations)


def client(endpoint, secret=SECRET_KEY, access_key=ACCESS_KEY, token=None, region=REGION,
           retries=True):
    # total_max_attempts counts the first try; botocore's max_attempts counts retries.
    config = Config(retries={"total_max_attempts": 4 if retries else 1, "mode": "standard"})
    return boto3.client("sagemaker", endpoint_url=endpoint, region_name=region,
                        aws_access_key_id=access_key, aws_secret_access_key=secret,
                        aws_session_token=token, config=config)


class _AllHeadersSigV4(botocore.auth.SigV4Auth):
    """Signs every header, User-Agent included, as libcurl's CURLOPT_AWS_SIGV4 does."""

    def headers_to_sign(self, request):
        chosen = botocore.awsrequest.HTTPHeaders()
        for name, value in request.headers.items():
            chosen[name.lower()] = value
        chosen["host"] = request.url.split("/")[2]
        return chosen


def raw_call(endpoint, operation, body, secret=SECRET_KEY, when=None, sign_all=False,
             sign=True, tamper=None):
    """POSTs a hand-signed request (what boto3 would refuse to send); returns
    (status, error code or None, message or parsed body)."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = botocore.awsrequest.AWSRequest(
        method="POST", url=endpoint + "/", data=data,
        headers={"X-Amz-Target": f"SageMaker.{operation}",
                 "Content-Type": "application/x-amz-json-1.1",
                 "User-Agent": "curl/7.88.1 (selftest)"})
    if sign:
        signer_class = _AllHeadersSigV4 if sign_all else botocore.auth.SigV4Auth
        signer = signer_class(botocore.credentials.Credentials(ACCESS_KEY, secret),
                              "sagemaker", REGION)
        when = when or datetime.datetime.now(datetime.timezone.utc)
        request.context["timestamp"] = when.strftime("%Y%m%dT%H%M%SZ")
        signer._modify_request_before_signing(request)
        canonical = signer.canonical_request(request)
        signature = signer.signature(signer.string_to_sign(request, canonical), request)
        signed = signer.signed_headers(signer.headers_to_sign(request))
        request.headers["Authorization"] = (
            f"AWS4-HMAC-SHA256 Credential={signer.scope(request)}, "
            f"SignedHeaders={signed}, Signature={signature}")
    connection = http.client.HTTPConnection("127.0.0.1", int(endpoint.rsplit(":", 1)[1]),
                                            timeout=10)
    connection.request("POST", "/", body=tamper if tamper is not None else data,
                       headers=dict(request.headers.items()))
    response = connection.getresponse()
    payload = json.loads(response.read() or b"{}")
    connection.close()
    if "__type" in payload:
        return response.status, payload["__type"].rsplit("#", 1)[-1], payload.get("message")
    return response.status, None, payload


# ---------------------------------------------------------------------------------------
# The checks. Each takes a shared context dict `ctx`.

def create_domain(sm, name, **extra):
    response = sm.create_domain(DomainName=name, AuthMode="IAM",
                                DefaultUserSettings={"ExecutionRole": ROLE},
                                SubnetIds=["subnet-0abc"], VpcId="vpc-0abc", **extra)
    # Older service models have no DomainId in the CreateDomain response.
    return response.get("DomainId") or response["DomainArn"].rsplit("/", 1)[1]


def status_of(describe):
    try:
        return describe()["Status"]
    except ClientError as e:
        return e.response["Error"]["Code"]


def test_domain(ctx):
    sm, fake = ctx["sm"], ctx["fake"]
    domain_id = create_domain(sm, "selftest", HomeEfsFileSystemKmsKeyId="alias/home-key")
    ctx["domain"] = domain_id
    check(re.fullmatch(r"d-[a-z0-9]{12}", domain_id), f"domain id format: {domain_id}")
    described = sm.describe_domain(DomainId=domain_id)
    check(described["Status"] == "Pending", f"new domain is Pending: {described['Status']}")
    check(described["DomainArn"] ==
          f"arn:aws:sagemaker:{REGION}:123456789012:domain/{domain_id}", "domain ARN")
    fs_id = described["HomeEfsFileSystemId"]
    check(re.fullmatch(r"fs-[0-9a-f]{17}", fs_id), f"EFS id format: {fs_id}")
    volume = os.path.join(fake.volume_root, fs_id)
    ctx["volume"] = volume
    check(os.path.isdir(volume) and (os.stat(volume).st_mode & 0o777) == 0o755,
          "the domain's volume directory exists at CreateDomain, mode 0755")
    wait_until(lambda: status_of(lambda: sm.describe_domain(DomainId=domain_id))
               == "InService", "domain InService")
    described = sm.describe_domain(DomainId=domain_id)
    check(described["LastModifiedTime"] > described["CreationTime"],
          "LastModifiedTime moves when the domain becomes InService")
    listed = sm.list_domains()["Domains"]
    check([d["DomainId"] for d in listed] == [domain_id], "ListDomains lists the domain")


def test_profile_and_space(ctx):
    sm, domain_id, volume = ctx["sm"], ctx["domain"], ctx["volume"]
    arn = sm.create_user_profile(DomainId=domain_id, UserProfileName="alice")["UserProfileArn"]
    check(arn == f"arn:aws:sagemaker:{REGION}:123456789012:user-profile/{domain_id}/alice",
          f"user profile ARN: {arn}")
    pending = sm.describe_user_profile(DomainId=domain_id, UserProfileName="alice")
    check(pending["Status"] == "Pending", "new user profile is Pending")
    check("HomeEfsFileSystemUid" not in pending, "no home uid while Pending")
    wait_until(lambda: status_of(lambda: sm.describe_user_profile(
        DomainId=domain_id, UserProfileName="alice")) == "InService", "alice InService")
    alice = sm.describe_user_profile(DomainId=domain_id, UserProfileName="alice")
    check(alice.get("HomeEfsFileSystemUid") == "200001",
          f"first uid is the string '200001': {alice.get('HomeEfsFileSystemUid')!r}")
    home = os.path.join(volume, "200001")
    check(not os.path.exists(home), "the home does not exist the moment the profile is "
          "InService (it appears --home-delay later)")
    if wait_until(lambda: os.path.isdir(home), "alice's home directory"):
        st = os.stat(home)
        check((st.st_uid, st.st_gid, st.st_mode & 0o777) == (200001, 100, 0o755),
              f"home owner/mode: {st.st_uid}:{st.st_gid} {oct(st.st_mode & 0o777)}")

    space_arn = sm.create_space(DomainId=domain_id, SpaceName="shared")["SpaceArn"]
    check(space_arn.endswith(f":space/{domain_id}/shared"), f"space ARN: {space_arn}")
    check("HomeEfsFileSystemUid" not in sm.describe_space(DomainId=domain_id,
                                                          SpaceName="shared"),
          "no space uid while Pending")
    wait_until(lambda: status_of(lambda: sm.describe_space(
        DomainId=domain_id, SpaceName="shared")) == "InService", "space InService")
    space = sm.describe_space(DomainId=domain_id, SpaceName="shared")
    check(space.get("HomeEfsFileSystemUid") == "200002", "the space takes the next uid")
    check([s["SpaceName"] for s in sm.list_spaces(DomainIdEquals=domain_id)["Spaces"]]
          == ["shared"], "ListSpaces")
    sm.create_user_profile(DomainId=domain_id, UserProfileName="bob")
    wait_until(lambda: status_of(lambda: sm.describe_user_profile(
        DomainId=domain_id, UserProfileName="bob")) == "InService", "bob InService")
    expect_error(lambda: sm.create_user_profile(DomainId=domain_id, UserProfileName="bob"),
                 "ResourceInUse", "a second CreateUserProfile of the same name")
    names = [p["UserProfileName"] for p in sm.list_user_profiles(
        DomainIdEquals=domain_id, UserProfileNameContains="li")["UserProfiles"]]
    check(names == ["alice"], f"UserProfileNameContains filter: {names}")


def test_pagination(ctx):
    sm, fake = ctx["sm"], ctx["fake"]
    bulk = create_domain(sm, "bulk")
    ctx["bulk_domain"] = bulk
    check(fake.control("POST", "config", {"deliverEvents": False})[0] == 200,
          "control: turn event delivery off")
    names = [f"user-{i:03d}" for i in range(250)]
    for name in names:
        sm.create_user_profile(DomainId=bulk, UserProfileName=name)
    fake.control("POST", "config", {"deliverEvents": True})
    check(fake.stats()["events"]["suppressed"] == 250,
          "the 250 creates while delivery was off are counted as suppressed")
    paginator = sm.get_paginator("list_user_profiles")
    pages = list(paginator.paginate(DomainIdEquals=bulk,
                                    PaginationConfig={"PageSize": 100}))
    sizes = [len(p["UserProfiles"]) for p in pages]
    check(sizes == [100, 100, 50], f"250 profiles in pages of 100: {sizes}")
    listed = [u["UserProfileName"] for p in pages for u in p["UserProfiles"]]
    check(listed == names, "pages list every profile once, oldest first (the default)")
    newest_first = [u["UserProfileName"] for p in paginator.paginate(
        DomainIdEquals=bulk, SortOrder="Descending", PaginationConfig={"PageSize": 100})
        for u in p["UserProfiles"]]
    check(newest_first == names[::-1], "SortOrder Descending reverses the order")
    check(len(sm.list_user_profiles(DomainIdEquals=bulk)["UserProfiles"]) == 10,
          "MaxResults defaults to 10")
    expect_error(lambda: sm.list_user_profiles(MaxResults=101), "ValidationException",
                 "MaxResults 101", message_contains="less than or equal to 100")
    expect_error(lambda: sm.list_user_profiles(NextToken="not-a-token"),
                 "ValidationException", "a NextToken the fake did not make")
    token = sm.list_user_profiles(DomainIdEquals=bulk, MaxResults=5)["NextToken"]
    expect_error(lambda: sm.list_user_profiles(DomainIdEquals=ctx["domain"],
                                               NextToken=token),
                 "ValidationException", "a NextToken reused with other filters")
    apps = sm.list_apps(DomainIdEquals=bulk)
    check(apps["Apps"] == [], "ListApps answers no apps")


def test_validation(ctx):
    endpoint, sm, domain_id = ctx["fake"].endpoint, ctx["sm"], ctx["domain"]
    status, code, message = raw_call(endpoint, "CreateUserProfile", {
        "DomainId": domain_id, "UserProfileName": "carol", "Bogus": 1, "HomeUid": "7"})
    check(code == "ValidationException" and status == 400, f"unknown members: {code}")
    check(message and "Bogus" in message and "HomeUid" in message,
          f"the message names the unknown members: {message!r}")
    status, code, message = raw_call(endpoint, "DescribeUserProfile", {"DomainId": domain_id})
    check(code == "ValidationException" and "userProfileName" in (message or ""),
          f"missing required member: {code} {message!r}")
    status, code, message = raw_call(endpoint, "ListUserProfiles", {"MaxResults": "10"})
    check(code == "ValidationException", f"MaxResults as a string: {code}")
    status, code, message = raw_call(endpoint, "ListUserProfiles", {"MaxResults": 0})
    check(code == "ValidationException", f"MaxResults 0: {code}")
    expect_error(lambda: sm.create_user_profile(DomainId=domain_id,
                                                UserProfileName="no spaces"),
                 "ValidationException", "a name outside the pattern",
                 message_contains="regular expression")
    expect_error(lambda: sm.list_user_profiles(SortOrder="Sideways"), "ValidationException",
                 "an enum value outside the set", message_contains="enum value set")
    status, code, _ = raw_call(endpoint, "UpdateDomain", {"DomainId": domain_id})
    check(code == "UnknownOperationException", f"an operation the fake lacks: {code}")
    status, code, _ = raw_call(endpoint, "ListDomains", b"[1, 2]")
    check(code == "SerializationException", f"a body that is not an object: {code}")


def test_signatures(ctx):
    fake = ctx["fake"]
    endpoint = fake.endpoint
    wrong_secret = client(endpoint, secret="not-the-secret", retries=False)
    expect_error(wrong_secret.list_domains, "InvalidSignatureException", "wrong secret key",
                 status=403, message_contains="does not match the signature you provided")
    expect_error(client(endpoint, access_key="AKIDNOBODYKNOWS00000", retries=False)
                 .list_domains, "UnrecognizedClientException", "unknown access key",
                 status=403)
    expect_error(client(endpoint, region="eu-west-1", retries=False).list_domains,
                 "InvalidSignatureException", "credentials scoped to another region")
    expect_error(client(endpoint, token="a-token-nobody-issued", retries=False).list_domains,
                 "UnrecognizedClientException", "a session token the fake was not given")
    status, code, _ = raw_call(endpoint, "ListDomains", {}, sign=False)
    check((status, code) == (403, "MissingAuthenticationTokenException"),
          f"no Authorization header: {status} {code}")
    old = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=10)
    status, code, message = raw_call(endpoint, "ListDomains", {}, when=old)
    check(code == "InvalidSignatureException" and "Signature expired" in (message or ""),
          f"a date 10 minutes old: {code} {message!r}")
    status, code, body = raw_call(endpoint, "ListDomains", {}, sign_all=True)
    check(status == 200 and code is None,
          f"a request signing every header (User-Agent too, as libcurl does): {code} {body}")
    status, code, _ = raw_call(endpoint, "ListDomains", {"MaxResults": 5},
                               tamper=b'{"MaxResults": 6}')
    check(code == "InvalidSignatureException", f"a body changed after signing: {code}")


def test_delete_profile(ctx):
    sm, domain_id = ctx["sm"], ctx["domain"]
    sm.delete_user_profile(DomainId=domain_id, UserProfileName="bob")
    described = sm.describe_user_profile(DomainId=domain_id, UserProfileName="bob")
    check(described["Status"] == "Deleting", f"a deleted profile is first Deleting: "
          f"{described['Status']}")
    check(described.get("HomeEfsFileSystemUid") == "200003", "Deleting still shows the uid")
    wait_until(lambda: status_of(lambda: sm.describe_user_profile(
        DomainId=domain_id, UserProfileName="bob")) == "ResourceNotFound", "bob gone")
    expect_error(lambda: sm.describe_user_profile(DomainId=domain_id, UserProfileName="bob"),
                 "ResourceNotFound", "Describe of a deleted profile",
                 message_contains="does not exist")
    expect_error(lambda: sm.delete_user_profile(DomainId=domain_id, UserProfileName="bob"),
                 "ResourceNotFound", "Delete of a deleted profile")
    sm.create_user_profile(DomainId=domain_id, UserProfileName="bob")
    wait_until(lambda: status_of(lambda: sm.describe_user_profile(
        DomainId=domain_id, UserProfileName="bob")) == "InService", "bob again InService")
    uid = sm.describe_user_profile(DomainId=domain_id, UserProfileName="bob")[
        "HomeEfsFileSystemUid"]
    check(uid == "200004", f"a recreated profile gets a new uid, never a reused one: {uid}")


def test_throttling_and_errors(ctx):
    fake, endpoint = ctx["fake"], ctx["fake"].endpoint
    once = client(endpoint, retries=False)
    check(fake.control("POST", "config", {"throttleEvery": 3})[0] == 200, "set throttleEvery")
    before = fake.stats()["throttled"]
    outcomes = [error_of(once.list_domains) for _ in range(6)]
    codes = [o[0] if o else "ok" for o in outcomes]
    check(codes == ["ok", "ok", "ThrottlingException"] * 2,
          f"every 3rd call throttled: {codes}")
    throttled = [o for o in outcomes if o]
    check(all(o[1] == "Rate exceeded" and o[2] == 400 for o in throttled),
          f"ThrottlingException is HTTP 400 'Rate exceeded': {throttled}")
    check(fake.stats()["throttled"] - before == 2, "stats count the throttled calls")
    fake.control("POST", "config", {"throttleEvery": 2})
    retrying = client(endpoint, retries=True)
    try:
        for _ in range(4):
            retrying.list_domains()
    except ClientError as e:
        check(False, f"boto3's own retry gets through throttling of every 2nd call: {e}")
    fake.control("POST", "config", {"throttleEvery": 0, "errorEvery": 2})
    codes = [(error_of(once.list_domains) or ("ok", "", 200))[::2] for _ in range(2)]
    check(codes == [("ok", 200), ("InternalFailure", 500)],
          f"errorEvery 2 answers every 2nd call with HTTP 500 InternalFailure: {codes}")
    fake.control("POST", "config", {"errorEvery": 0, "deny": ["DescribeDomain"]})
    expect_error(lambda: once.describe_domain(DomainId=ctx["domain"]),
                 "AccessDeniedException", "a denied operation",
                 message_contains="is not authorized to perform: sagemaker:DescribeDomain")
    fake.control("POST", "config", {"deny": []})
    status, body = fake.control("POST", "config", {"throttleEvery": "often"})
    check(status == 400, f"control config refuses a bad value: {status} {body}")


def test_open_studio(ctx):
    sm, fake, bulk = ctx["sm"], ctx["fake"], ctx["bulk_domain"]
    fake.control("POST", "config", {"homeDelay": -1})
    sm.create_user_profile(DomainId=bulk, UserProfileName="carol")
    wait_until(lambda: status_of(lambda: sm.describe_user_profile(
        DomainId=bulk, UserProfileName="carol")) == "InService", "carol InService")
    uid = sm.describe_user_profile(DomainId=bulk, UserProfileName="carol")[
        "HomeEfsFileSystemUid"]
    volume = os.path.join(fake.volume_root,
                          sm.describe_domain(DomainId=bulk)["HomeEfsFileSystemId"])
    time.sleep(HOME_DELAY + 0.3)
    check(not os.path.exists(os.path.join(volume, uid)),
          "with homeDelay -1 no home appears by itself")
    status, body = fake.control("POST", "open-studio",
                                {"domainId": bulk, "userProfileName": "carol"})
    check(status == 200 and body.get("path") == os.path.join(volume, uid),
          f"open-studio creates the home: {status} {body}")
    st = os.stat(os.path.join(volume, uid))
    check((st.st_uid, st.st_gid) == (int(uid), 100), "open-studio home owner")
    status, _ = fake.control("POST", "open-studio", {"domainId": bulk,
                                                     "userProfileName": "nobody"})
    check(status == 404, f"open-studio of an unknown profile: {status}")
    fake.control("POST", "config", {"homeDelay": HOME_DELAY})


def test_delete_domain(ctx):
    sm, fake, domain_id, volume = ctx["sm"], ctx["fake"], ctx["domain"], ctx["volume"]
    expect_error(lambda: sm.delete_domain(DomainId=domain_id), "ResourceInUse",
                 "DeleteDomain while user profiles and spaces remain")
    for name in ("alice", "bob"):
        sm.delete_user_profile(DomainId=domain_id, UserProfileName=name)
    sm.delete_space(DomainId=domain_id, SpaceName="shared")
    expect_error(lambda: sm.delete_domain(DomainId=domain_id), "ResourceInUse",
                 "DeleteDomain while profiles are still Deleting")
    wait_until(lambda: not sm.list_user_profiles(DomainIdEquals=domain_id)["UserProfiles"]
               and not sm.list_spaces(DomainIdEquals=domain_id)["Spaces"],
               "profiles and spaces gone")
    sm.delete_domain(DomainId=domain_id, RetentionPolicy={"HomeEfsFileSystem": "Retain"})
    check(status_of(lambda: sm.describe_domain(DomainId=domain_id)) == "Deleting",
          "a deleted domain is first Deleting")
    wait_until(lambda: status_of(lambda: sm.describe_domain(DomainId=domain_id))
               == "ResourceNotFound", "Describe of the deleted domain: ResourceNotFound")
    check(os.path.isdir(os.path.join(volume, "200001")),
          "Retain keeps the volume and the homes on it")

    doomed = create_domain(sm, "doomed")
    doomed_volume = os.path.join(fake.volume_root,
                                 sm.describe_domain(DomainId=doomed)["HomeEfsFileSystemId"])
    sm.delete_domain(DomainId=doomed, RetentionPolicy={"HomeEfsFileSystem": "Delete"})
    wait_until(lambda: not os.path.exists(doomed_volume),
               "RetentionPolicy Delete removes the volume")


def _walk_json(value, path=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}", key, item
            yield from _walk_json(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk_json(item, f"{path}[{i}]")


def test_events(ctx):
    fake, receiver, domain_id = ctx["fake"], ctx["receiver"], ctx["domain"]
    status, stats = fake.control("POST", "flush-events", {"timeoutSeconds": 15})
    check(status == 200, f"events flushed: {stats}")
    records, authorizations = receiver.snapshot()
    check(stats["failed"] == 0 and stats["delivered"] == len(records),
          f"delivered count matches the receiver (after one 503 retried): {stats}, "
          f"{len(records)} received")
    check(all(a == f"Bearer {EVENTS_TOKEN}" for a in authorizations),
          "every event carries the bearer token from --events-token-file")
    mine = [r for r in records
            if r["detail"]["requestParameters"].get("domainId") == domain_id
            or r["detail"]["responseElements"]
            and r["detail"]["responseElements"].get("domainArn", "").endswith(domain_id)]
    sequence = [(r["detail"]["eventName"],
                 r["detail"]["requestParameters"].get("userProfileName")
                 or r["detail"]["requestParameters"].get("spaceName"))
                for r in mine]
    check(sequence == [("CreateDomain", None), ("CreateUserProfile", "alice"),
                       ("CreateSpace", "shared"), ("CreateUserProfile", "bob"),
                       ("DeleteUserProfile", "bob"), ("CreateUserProfile", "bob"),
                       ("DeleteUserProfile", "alice"), ("DeleteUserProfile", "bob"),
                       ("DeleteSpace", "shared"), ("DeleteDomain", None)],
          f"successful Create*/Delete* calls of the domain, in order: {sequence}")
    check(not any(r["detail"]["requestParameters"].get("userProfileName", "")
                  .startswith("user-") for r in records),
          "no records for calls made while delivery was off")
    iso_seconds = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
    for r in mine:
        name = r["detail"]["eventName"]
        check(set(r) == {"version", "id", "detail-type", "source", "account", "time",
                         "region", "resources", "detail"}, f"{name}: envelope keys {set(r)}")
        check((r["version"], r["detail-type"], r["source"], r["account"], r["region"],
               r["resources"]) == ("0", "AWS API Call via CloudTrail", "aws.sagemaker",
                                   "123456789012", REGION, []), f"{name}: envelope values")
        d = r["detail"]
        check((d["eventVersion"], d["eventSource"], d["eventType"], d["awsRegion"]) ==
              ("1.08", "sagemaker.amazonaws.com", "AwsApiCall", REGION),
              f"{name}: detail fields")
        check(iso_seconds.fullmatch(d["eventTime"]) and iso_seconds.fullmatch(r["time"]),
              f"{name}: times to the second: {d['eventTime']}")
        check(d.get("requestID") and d.get("eventID") and d.get("userIdentity"),
              f"{name}: requestID, eventID, userIdentity")
        for path, key, item in _walk_json(r):
            check("uid" not in key.lower() and "efsfilesystemid" not in key.lower()
                  and not (isinstance(item, str) and item.startswith("fs-")),
                  f"{name}: no home uid or EFS id in a record ({path})")
        if name.startswith("Delete"):
            check(d["responseElements"] is None, f"{name}: responseElements null")
    by_name = {r["detail"]["eventName"]: r["detail"] for r in mine}
    create_domain_record = by_name.get("CreateDomain", {})
    check(create_domain_record.get("requestParameters", {}).get("homeEfsFileSystemKmsKeyId")
          == "alias/home-key" and create_domain_record["requestParameters"].get(
              "defaultUserSettings") == {"executionRole": ROLE},
          f"CreateDomain requestParameters in camelCase: "
          f"{create_domain_record.get('requestParameters')}")
    elements = create_domain_record.get("responseElements") or {}
    check(elements.get("domainArn", "").endswith(domain_id) and "url" in elements,
          f"CreateDomain responseElements: {elements}")
    profile = by_name.get("CreateUserProfile", {})
    check(profile.get("requestParameters") == {"domainId": domain_id,
                                               "userProfileName": "bob"}
          and profile.get("responseElements", {}).get("userProfileArn", "").endswith(
              f"/{domain_id}/bob"), f"CreateUserProfile record: {profile}")


def test_output_checker(_ctx):
    """--self-check is only worth something if it refuses what SageMaker could not say."""
    sys.dont_write_bytecode = True
    sys.path.insert(0, HERE)
    import fake_sagemaker
    model = botocore.session.get_session().get_service_model("sagemaker")
    shape = model.operation_model("DescribeUserProfile").output_shape
    checker = fake_sagemaker.ShapeChecker()
    good = {"DomainId": "d-abcdefghijkl", "UserProfileName": "alice", "Status": "InService",
            "HomeEfsFileSystemUid": "200001", "CreationTime": 1.5}
    check(checker.problems(shape, good) == ([], []), "a fitting response passes")
    unknown, violations = checker.problems(
        shape, dict(good, HomeEfsFileSystemUid=200001, Status="Sleeping", HomeUid="1"))
    check(unknown == ["HomeUid"], f"the output check names unknown members: {unknown}")
    check(len(violations) == 2, f"the output check finds a numeric uid and a bad status: "
          f"{violations}")


def test_session_token_and_flags(workdir):
    """A second fake: --session-token, --throttle-every and --deny from the command line."""
    fake = FakeProcess(workdir, "token", ["--session-token", "sess-token-1",
                                          "--throttle-every", "2", "--deny", "CreateDomain"])
    try:
        good = client(fake.endpoint, token="sess-token-1", retries=False)
        check(error_of(good.list_domains) is None, "a call with the session token")
        expect_error(good.list_domains, "ThrottlingException", "--throttle-every 2")
        expect_error(lambda: create_domain(good, "x"), "AccessDeniedException",
                     "--deny CreateDomain")
        expect_error(client(fake.endpoint, retries=False).list_domains,
                     "UnrecognizedClientException", "a call without the session token")
        expect_error(client(fake.endpoint, token="sess-token-2", retries=False).list_domains,
                     "UnrecognizedClientException", "a call with another session token")
    finally:
        check(fake.stop() == 0, "the second fake exits 0 on SIGTERM")


def main():
    if os.geteuid() != 0:
        print("fake_sagemaker_selftest: must run as root (the fake chowns home directories)")
        return 2
    started = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="fake_sagemaker_selftest.")
    token_file = os.path.join(workdir, "events.token")
    with open(token_file, "w", encoding="utf-8") as f:
        f.write(EVENTS_TOKEN + "\n")
    receiver = EventReceiver(fail_first=1)
    fake = None
    try:
        fake = FakeProcess(workdir, "main", ["--events-url", receiver.url,
                                             "--events-token-file", token_file])
        ctx = {"fake": fake, "receiver": receiver, "sm": client(fake.endpoint)}
        tests = [test_domain, test_profile_and_space, test_pagination, test_validation,
                 test_signatures, test_delete_profile, test_throttling_and_errors,
                 test_open_studio, test_delete_domain, test_events, test_output_checker]
        for test in tests:
            t0 = time.monotonic()
            try:
                test(ctx)
            except Exception:
                check(False, f"{test.__name__} raised:\n{traceback.format_exc()}")
            print(f"{test.__name__}: {time.monotonic() - t0:.2f}s", flush=True)
        stats = fake.stats()
        check(stats["selfCheckFailures"] == [],
              f"every answer fits its output shape: {stats['selfCheckFailures']}")
        check(stats["calls"].get("CreateUserProfile", 0) >= 254,
              f"stats count calls per operation: {stats['calls']}")
        status, _ = fake.control("POST", "reset-stats")
        check(status == 200 and fake.stats()["calls"] == {}, "reset-stats")
        test_session_token_and_flags(workdir)
        check(fake.stop() == 0, "the fake exits 0 on SIGTERM")
    except Exception:
        check(False, f"setup raised:\n{traceback.format_exc()}")
    finally:
        if fake is not None:
            fake.stop()
            if failures:
                print("--- fake stderr ---\n" + fake.stderr_text())
        receiver.server.shutdown()
        shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.monotonic() - started
    if failures:
        print(f"fake_sagemaker_selftest: {len(failures)} check(s) failed in {elapsed:.1f}s:")
        for what in failures:
            print(f"  - {what}")
        return 1
    print(f"fake_sagemaker_selftest: all checks passed in {elapsed:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
