#!/usr/bin/env python3
"""fake_sagemaker: a FAKE Amazon SageMaker endpoint, for Lifeboat's tests and demo.

This is not SageMaker and talks to no AWS service. It imitates, on 127.0.0.1, the small
part of the SageMaker API that Lifeboat uses and the bit of SageMaker Studio that Lifeboat
relies on, so that the daemon can be tested end to end on one machine.

What it imitates, as a client sees it:
  * The wire protocol: AWS JSON 1.1 (`POST /`, `X-Amz-Target: SageMaker.<Operation>`),
    JSON responses with epoch-seconds timestamps, errors as
    `{"__type": "...#Code", "message": ...}` with `x-amzn-ErrorType` and
    `x-amzn-RequestId` headers.
  * SigV4: every API call's signature is recomputed with botocore from the fake's own
    credentials, the request's X-Amz-Date and its SignedHeaders list; bad, missing, stale
    or foreign signatures are refused with the codes AWS uses.
  * Request validation against the operation's input shape in the botocore service model
    of the interpreter that runs the fake (so it speaks the API version that botocore
    describes): unknown members, missing required members, types, lengths, ranges, enums
    and patterns. With --self-check every response is also checked against the output
    shape, and a response that does not fit becomes a 500 naming the problem.
  * Operations: Create/Describe/List/DeleteDomain, Create/Describe/List/DeleteUserProfile,
    Create/Describe/List/DeleteSpace, ListApps (always empty). Paginated with MaxResults
    (1-100, default 10) and an opaque NextToken.
  * Studio's storage: each domain gets an EFS id and a directory <volume-root>/<fs-id>
    standing in for its home EFS volume; each user profile and space gets a home uid
    (HomeEfsFileSystemUid, from 200001 up, per domain, never reused) and, some time after it
    is InService (or when a test "opens Studio" through the control API), a home
    directory <volume>/<uid> owned by uid:100, mode 0755.
  * Status lifecycles: Pending -> InService after --create-delay, Deleting for
    --delete-delay and then gone (Describe answers ResourceNotFound).
  * CloudTrail records of successful Create*/Delete* calls, delivered as an EventBridge
    rule would deliver them, to --events-url. Like real records they carry no home uid and
    no EFS id.
  * Throttling (ThrottlingException "Rate exceeded") and internal errors on every Nth call;
    AccessDeniedException for operations listed with --deny.

What it does not imitate:
  * Any other operation (UpdateDomain, apps, ...): they answer UnknownOperationException
    naming the fake. ListApps always returns no apps, so nothing ever blocks a delete.
  * Real EFS, VPCs, IAM policies, KMS, SSO, tags (accepted, never returned), quotas
    (ResourceLimitExceeded), Failed states, the Updating state, the `Date` header instead of
    X-Amz-Date, query-string (presigned) auth, HTTPS, more than one account, and anything
    persistent: state lives in memory and is lost on exit.
  * Exact wording of AWS messages and the namespace part of `__type` follow AWS's style
    but are not guaranteed to be the real text; clients must read only the code.
  * Choices where the real behaviour is not known: profiles and spaces may be created
    while their domain is still Pending; a Create in a Deleting domain is a
    ValidationException; a second Delete of a Deleting resource is ResourceInUse; name
    filters (`...NameContains`) are case-sensitive substrings; a space's home directory is
    <volume>/<uid> like a user profile's.

Control API (unsigned JSON, under /_fake/): see README.md in this folder, or the
`_control_*` methods below.

Only the Python 3 standard library and botocore are used. Run with --help for the flags.
"""

import argparse
import base64
import datetime
import hashlib
import heapq
import hmac
import json
import os
import queue
import re
import secrets
import shutil
import signal
import socket
import sys
import threading
import time
import traceback
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import botocore.auth
import botocore.awsrequest
import botocore.compat
import botocore.credentials
import botocore.session

ACCOUNT_ID = "123456789012"
CALLER_ARN = f"arn:aws:iam::{ACCOUNT_ID}:user/test"
FIRST_UID = 200001
HOME_GID = 100
MAX_CLOCK_SKEW = datetime.timedelta(minutes=5)
SIGV4_TIME_FORMAT = "%Y%m%dT%H%M%SZ"
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"
ACCEPTED_CONTENT_TYPES = ("application/x-amz-json-1.1", "application/x-amz-json-1.0",
                          "application/json")
EVENT_DELIVERY_ATTEMPTS = 5
RECENT_EVENTS_KEPT = 1000

# Namespaces put before '#' in `__type`; clients take the part after the last '#'.
_CORAL = "com.amazon.coral"
_ERROR_NAMESPACE = {
    "ValidationException": f"{_CORAL}.validate",
    "ThrottlingException": f"{_CORAL}.availability",
    "ResourceNotFound": "com.amazonaws.sagemaker",
    "ResourceInUse": "com.amazonaws.sagemaker",
}


class ApiError(Exception):
    """An error answer: HTTP status, AWS error code and message."""

    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def type_name(self):
        return f"{_ERROR_NAMESPACE.get(self.code, _CORAL + '.service')}#{self.code}"


def _now():
    return time.time()


def _iso_seconds(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def _camel(name):
    return name[:1].lower() + name[1:]


def _write_file_atomically(path, text):
    directory = os.path.dirname(os.path.abspath(path))
    tmp = f"{path}.tmp.{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------------
# Shapes: checking requests and responses against the botocore service model.

def _python_pattern(java_pattern):
    """The model's patterns are Java regexes; AWS matches them against the whole value.

    Python's re has no \\p{..} classes: they are widened to the nearest Python class
    (letters to \\w, separators to \\s, numbers to \\d), so the check is never stricter
    than the service. A pattern that still does not compile is not checked.
    """
    p = java_pattern
    for java, python in ((r"\p{L}", r"\w"), (r"\p{Z}", r"\s"), (r"\p{N}", r"\d")):
        p = p.replace(java, python)
    if p.startswith("^"):
        p = p[1:]
    if p.endswith("$") and not p.endswith("\\$"):
        p = p[:-1]
    try:
        return re.compile(p, re.DOTALL)
    except re.error:
        return None


class ShapeChecker:
    """Checks a JSON value against a botocore shape; thread safe (the cache is benign)."""

    def __init__(self):
        self._patterns = {}

    def _pattern(self, shape):
        raw = shape.metadata.get("pattern")
        if raw is None:
            return None
        if raw not in self._patterns:
            self._patterns[raw] = _python_pattern(raw)
        return self._patterns[raw]

    def problems(self, shape, value):
        """(unknown member paths, constraint violations) of value against shape."""
        unknown, violations = [], []
        self._walk(shape, value, "", unknown, violations)
        return unknown, violations

    def check_request(self, operation, body):
        shape = operation.input_shape
        if shape is None:
            if body:
                raise ApiError("ValidationException",
                               f"{operation.name} takes no parameters, got: "
                               + ", ".join(sorted(body)))
            return
        unknown, violations = self.problems(shape, body)
        if unknown:
            raise ApiError("ValidationException",
                           f"Unrecognized member(s) in {operation.name} request: "
                           + ", ".join(unknown))
        if violations:
            count = len(violations)
            noun = "validation error" if count == 1 else "validation errors"
            raise ApiError("ValidationException",
                           f"{count} {noun} detected: " + "; ".join(violations))

    @staticmethod
    def _join(path, member):
        return f"{path}.{_camel(member)}" if path else _camel(member)

    @staticmethod
    def _shown(value):
        text = value if isinstance(value, str) else json.dumps(value)
        return text if len(text) <= 200 else text[:200] + "..."

    def _walk(self, shape, value, path, unknown, violations):
        def fail(constraint):
            violations.append(f"Value '{self._shown(value)}' at '{path}' failed to satisfy "
                              f"constraint: Member must {constraint}")

        kind = shape.type_name
        if kind == "structure":
            if not isinstance(value, dict):
                return fail("be a structure")
            for name in shape.required_members:
                if value.get(name) is None:
                    violations.append(f"Value null at '{self._join(path, name)}' failed to "
                                      "satisfy constraint: Member must not be null")
            for name, item in value.items():
                member = shape.members.get(name)
                if member is None:
                    unknown.append(f"{path}.{name}" if path else name)
                elif item is not None:
                    self._walk(member, item, self._join(path, name), unknown, violations)
        elif kind == "list":
            if not isinstance(value, list):
                return fail("be a list")
            self._check_size(shape, len(value), fail)
            for i, item in enumerate(value):
                self._walk(shape.member, item, f"{path}.{i + 1}.member", unknown, violations)
        elif kind == "map":
            if not isinstance(value, dict):
                return fail("be a map")
            self._check_size(shape, len(value), fail)
            for key, item in value.items():
                self._walk(shape.key, key, f"{path}.{key}.key", unknown, violations)
                self._walk(shape.value, item, f"{path}.{key}.value", unknown, violations)
        elif kind == "string":
            if not isinstance(value, str):
                return fail("be a string")
            enum = shape.metadata.get("enum")
            if enum and value not in enum:
                return fail("satisfy enum value set: [" + ", ".join(enum) + "]")
            self._check_size(shape, len(value), fail)
            pattern = self._pattern(shape)
            if pattern is not None and not pattern.fullmatch(value):
                fail("satisfy regular expression pattern: " + shape.metadata["pattern"])
        elif kind in ("integer", "long"):
            if isinstance(value, bool) or not isinstance(value, int):
                return fail("be an integer")
            if "min" in shape.metadata and value < shape.metadata["min"]:
                fail(f"have value greater than or equal to {shape.metadata['min']}")
            if "max" in shape.metadata and value > shape.metadata["max"]:
                fail(f"have value less than or equal to {shape.metadata['max']}")
        elif kind in ("double", "float", "timestamp"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return fail("be a number")
        elif kind == "boolean":
            if not isinstance(value, bool):
                return fail("be a boolean")
        elif kind == "blob":
            if not isinstance(value, str):
                return fail("be a base64 string")
        # "document" and anything newer: any JSON value.

    @staticmethod
    def _check_size(shape, size, fail):
        if "min" in shape.metadata and size < shape.metadata["min"]:
            fail(f"have length greater than or equal to {shape.metadata['min']}")
        if "max" in shape.metadata and size > shape.metadata["max"]:
            fail(f"have length less than or equal to {shape.metadata['max']}")


def camel_copy(value, shape):
    """CloudTrail's copy of a request or response: structure member names in camelCase,
    map keys kept. Members the shape does not know are converted all the same."""
    if isinstance(value, dict):
        if shape is not None and shape.type_name == "map":
            return {k: camel_copy(v, shape.value) for k, v in value.items()}
        members = shape.members if shape is not None and shape.type_name == "structure" else {}
        return {_camel(k): camel_copy(v, members.get(k)) for k, v in value.items()}
    if isinstance(value, list):
        inner = shape.member if shape is not None and shape.type_name == "list" else None
        return [camel_copy(v, inner) for v in value]
    return value


# ---------------------------------------------------------------------------------------
# SigV4: recomputing the caller's signature with botocore.

class _GivenHeadersSigV4(botocore.auth.SigV4Auth):
    """SigV4Auth that signs exactly the headers the caller listed in SignedHeaders.

    botocore's own choice leaves out User-Agent and Expect; libcurl signs every header it
    is given, so the caller's list is the one to follow.
    """

    def __init__(self, credentials, service, region, signed_headers):
        super().__init__(credentials, service, region)
        self._signed = signed_headers

    def headers_to_sign(self, request):
        chosen = botocore.compat.HTTPHeaders()
        for name in self._signed:
            for value in request.headers.get_all(name) or [""]:
                chosen[name] = value
        return chosen


class SigV4Verifier:
    def __init__(self, access_key, secret_key, session_token, region, service):
        self._access_key = access_key
        self._secret_key = secret_key
        self._token = session_token
        self._region = region
        self._service = service

    @staticmethod
    def _parse_authorization(value):
        algorithm, _, rest = value.strip().partition(" ")
        if algorithm != "AWS4-HMAC-SHA256":
            raise ApiError("IncompleteSignatureException",
                           f"Unsupported AWS 'algorithm': '{algorithm}'", 403)
        fields = {}
        for part in rest.split(","):
            key, sep, val = part.strip().partition("=")
            if sep:
                fields[key] = val
        missing = [k for k in ("Credential", "Signature", "SignedHeaders") if k not in fields]
        if missing:
            raise ApiError("IncompleteSignatureException",
                           " ".join(f"Authorization header requires '{k}' parameter."
                                    for k in missing) + f" Authorization={value}", 403)
        return fields

    def verify(self, method, path, headers, body):
        """The caller's access key when the request is signed with our credentials."""
        authorization = headers.get("Authorization")
        if authorization is None:
            raise ApiError("MissingAuthenticationTokenException",
                           "Request is missing Authentication Token", 403)
        fields = self._parse_authorization(authorization)
        scope = fields["Credential"].split("/")
        if len(scope) != 5 or scope[4] != "aws4_request":
            raise ApiError("IncompleteSignatureException",
                           f"Credential must have exactly 5 slash-delimited elements, e.g. "
                           f"keyid/date/region/service/term, got '{fields['Credential']}'",
                           403)
        key_id, scope_date, scope_region, scope_service, _ = scope
        amz_date = headers.get("X-Amz-Date")
        if amz_date is None:
            raise ApiError("IncompleteSignatureException",
                           "Authorization header requires existence of either a "
                           "'X-Amz-Date' or a 'Date' header. Authorization=" + authorization,
                           403)
        try:
            when = datetime.datetime.strptime(amz_date, SIGV4_TIME_FORMAT).replace(
                tzinfo=datetime.timezone.utc)
        except ValueError:
            raise ApiError("IncompleteSignatureException",
                           f"Date must be in ISO-8601 'basic format'. Got '{amz_date}'.",
                           403) from None
        if key_id != self._access_key:
            raise ApiError("UnrecognizedClientException",
                           "The security token included in the request is invalid.", 403)
        signed = [h.strip().lower() for h in fields["SignedHeaders"].split(";") if h.strip()]
        token = headers.get("X-Amz-Security-Token")
        if token != self._token:
            raise ApiError("UnrecognizedClientException",
                           "The security token included in the request is invalid.", 403)
        if token is not None and "x-amz-security-token" not in signed:
            raise ApiError("InvalidSignatureException",
                           "'X-Amz-Security-Token' must be a 'SignedHeader' in the AWS "
                           "Authorization.", 403)
        if "host" not in signed:
            raise ApiError("InvalidSignatureException",
                           "'Host' or ':authority' must be a 'SignedHeader' in the AWS "
                           "Authorization.", 403)
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)

        def stamp(t):
            return t.strftime(SIGV4_TIME_FORMAT)

        if when < now - MAX_CLOCK_SKEW:
            raise ApiError("InvalidSignatureException",
                           f"Signature expired: {amz_date} is now earlier than "
                           f"{stamp(now - MAX_CLOCK_SKEW)} ({stamp(now)} - 5 min.)", 403)
        if when > now + MAX_CLOCK_SKEW:
            raise ApiError("InvalidSignatureException",
                           f"Signature not yet current: {amz_date} is still later than "
                           f"{stamp(now + MAX_CLOCK_SKEW)} ({stamp(now)} + 5 min.)", 403)
        if scope_date != amz_date[:8]:
            raise ApiError("InvalidSignatureException",
                           "Date in Credential scope does not match YYYYMMDD from ISO-8601 "
                           f"version of date from HTTP: '{scope_date}' != '{amz_date[:8]}', "
                           f"from '{amz_date}'.", 403)
        if scope_region != self._region:
            raise ApiError("InvalidSignatureException",
                           f"Credential should be scoped to a valid region, not "
                           f"'{scope_region}'.", 403)
        if scope_service != self._service:
            raise ApiError("InvalidSignatureException",
                           f"Credential should be scoped to correct service: "
                           f"'{self._service}'.", 403)

        request = botocore.awsrequest.AWSRequest(
            method=method, url=f"http://{headers.get('Host', '')}{path}", data=body)
        for name in signed:
            for value in headers.get_all(name) or []:
                request.headers[name] = value
        request.context["timestamp"] = amz_date
        credentials = botocore.credentials.Credentials(self._access_key, self._secret_key,
                                                       self._token)
        signer = _GivenHeadersSigV4(credentials, self._service, self._region, signed)
        canonical = signer.canonical_request(request)
        to_sign = signer.string_to_sign(request, canonical)
        expected = signer.signature(to_sign, request)
        if not hmac.compare_digest(expected, fields["Signature"]):
            raise ApiError("InvalidSignatureException",
                           "The request signature we calculated does not match the "
                           "signature you provided. Check your AWS Secret Access Key and "
                           "signing method. Consult the service documentation for details."
                           f"\n\nThe Canonical String for this request should have been\n"
                           f"'{canonical}'\n\nThe String-to-Sign should have been\n"
                           f"'{to_sign}'\n", 403)
        return key_id


# ---------------------------------------------------------------------------------------
# Time: one thread running callbacks when they are due.

class Scheduler:
    def __init__(self):
        self._cv = threading.Condition()
        self._heap = []
        self._seq = 0
        self._thread = threading.Thread(target=self._run, name="scheduler", daemon=True)
        self._thread.start()

    def call_later(self, delay, fn):
        with self._cv:
            self._seq += 1
            heapq.heappush(self._heap, (time.monotonic() + max(0.0, delay), self._seq, fn))
            self._cv.notify()

    def _run(self):
        while True:
            with self._cv:
                while not self._heap or self._heap[0][0] > time.monotonic():
                    timeout = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._cv.wait(timeout)
                _, _, fn = heapq.heappop(self._heap)
            try:
                fn()
            except Exception:  # a failed step must not stop the clock
                traceback.print_exc()


# ---------------------------------------------------------------------------------------
# EventBridge: CloudTrail records POSTed in order from one thread.

class EventSink:
    def __init__(self, url, token_file, enabled):
        self._url = url
        self._token_file = token_file
        self.enabled = enabled
        self._queue = queue.Queue()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._pending = 0
        self.delivered = 0
        self.failed = 0
        self.suppressed = 0
        self.recent = []
        if url:
            threading.Thread(target=self._run, name="events", daemon=True).start()

    def submit(self, record):
        with self._lock:
            self.recent.append(record)
            del self.recent[:-RECENT_EVENTS_KEPT]
            if not self.enabled:
                self.suppressed += 1
                return
            if not self._url:
                return
            self._pending += 1
        self._queue.put(record)

    def stats(self):
        with self._lock:
            return {"delivered": self.delivered, "failed": self.failed,
                    "suppressed": self.suppressed, "pending": self._pending,
                    "configured": bool(self._url)}

    def recent_records(self):
        with self._lock:
            return list(self.recent)

    def reset(self):
        with self._lock:
            self.delivered = self.failed = self.suppressed = 0

    def flush(self, timeout):
        """True when every submitted record has been delivered or given up on."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
            return True

    def _post(self, record):
        headers = {"Content-Type": "application/json"}
        if self._token_file:
            with open(self._token_file, encoding="utf-8") as f:
                headers["Authorization"] = "Bearer " + f.read().strip()
        request = urllib.request.Request(self._url, data=json.dumps(record).encode(),
                                         headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read()

    def _run(self):
        while True:
            record = self._queue.get()
            ok = False
            for attempt in range(EVENT_DELIVERY_ATTEMPTS):
                try:
                    self._post(record)
                    ok = True
                    break
                except urllib.error.HTTPError as e:
                    if e.code < 500:
                        print(f"fake_sagemaker: event refused by receiver: HTTP {e.code}",
                              file=sys.stderr)
                        break
                except (OSError, urllib.error.URLError):
                    pass
                time.sleep(0.1 * (2 ** attempt))
            with self._idle:
                if ok:
                    self.delivered += 1
                else:
                    self.failed += 1
                self._pending -= 1
                self._idle.notify_all()


# ---------------------------------------------------------------------------------------
# Studio: the resources, their lifecycles and their directories.

def sagemaker_arn(region, resource):
    return f"arn:aws:sagemaker:{region}:{ACCOUNT_ID}:{resource}"


class Resource:
    """What domains, user profiles and spaces share: the request that made them, their
    creation order (`serial`), status and times."""

    def __init__(self, arn, request, serial, now):
        self.arn = arn
        self.request = request
        self.serial = serial
        self.status = "Pending"
        self.creation_time = now
        self.last_modified_time = now


class Domain(Resource):
    def __init__(self, domain_id, request, fs_id, serial, now, region):
        super().__init__(sagemaker_arn(region, f"domain/{domain_id}"), request, serial, now)
        self.id = domain_id
        self.name = request["DomainName"]
        self.url = f"https://{domain_id}.studio.{region}.sagemaker.aws"
        self.fs_id = fs_id
        self.next_uid = FIRST_UID
        self.retain_volume = True


class Member(Resource):
    """A user profile or a space: both own a home uid on the domain's volume."""

    def __init__(self, kind, domain, name, request, uid, serial, now, region):
        super().__init__(sagemaker_arn(region, kind.resource(domain.id, name)), request,
                         serial, now)
        self.kind = kind
        self.domain_id = domain.id
        self.name = name
        self.uid = uid
        self.home_created = False


class MemberKind:
    """What differs between user profiles and spaces, so one code path serves both."""

    def __init__(self, noun, api_noun, arn_part, name_member, arn_member, list_key):
        self.noun = noun                  # "User profile"
        self.api_noun = api_noun          # "UserProfile"
        self.arn_part = arn_part          # "user-profile"
        self.name_member = name_member    # "UserProfileName"
        self.arn_member = arn_member      # "UserProfileArn"
        self.list_key = list_key          # "UserProfiles"

    def resource(self, domain_id, name):
        return f"{self.arn_part}/{domain_id}/{name}"


USER_PROFILE = MemberKind("User profile", "UserProfile", "user-profile", "UserProfileName",
                          "UserProfileArn", "UserProfiles")
SPACE = MemberKind("Space", "Space", "space", "SpaceName", "SpaceArn", "Spaces")
# Operation -> (Studio method, kind) for the operations on user profiles and spaces.
MEMBER_OPERATIONS = {f"{verb}{kind.api_noun}": (f"{verb.lower()}_member", kind)
                     for verb in ("Create", "Describe", "Delete")
                     for kind in (USER_PROFILE, SPACE)}
MEMBER_OPERATIONS.update({f"List{kind.list_key}": ("list_members", kind)
                          for kind in (USER_PROFILE, SPACE)})


class Config:
    """Settings the control API may change at run time (guarded by Studio.lock)."""

    def __init__(self, args):
        self.create_delay = args.create_delay
        self.delete_delay = args.delete_delay
        self.home_delay = args.home_delay
        self.throttle_every = args.throttle_every
        self.error_every = args.error_every
        self.deny = set(args.deny or [])

    def as_json(self, events):
        return {"createDelay": self.create_delay, "deleteDelay": self.delete_delay,
                "homeDelay": self.home_delay, "throttleEvery": self.throttle_every,
                "errorEvery": self.error_every, "deny": sorted(self.deny),
                "deliverEvents": events.enabled}


class PageTokens:
    """Opaque NextTokens: the sort key of the last item returned, tied to the operation and
    its filters, and signed so that a token the fake did not make is refused."""

    def __init__(self):
        self._secret = secrets.token_bytes(32)

    def _mac(self, payload):
        return hmac.new(self._secret, payload, hashlib.sha256).hexdigest()[:32]

    def make(self, context, key):
        payload = base64.urlsafe_b64encode(json.dumps([context, list(key)]).encode())
        return payload.decode() + "." + self._mac(payload)

    def read(self, context, token):
        payload, _, mac = token.partition(".")
        try:
            if hmac.compare_digest(mac, self._mac(payload.encode())):
                made_for, key = json.loads(base64.urlsafe_b64decode(payload.encode()))
                if made_for == context:
                    return tuple(key)
        except (ValueError, TypeError):
            pass
        raise ApiError("ValidationException", "Invalid pagination token: the NextToken was "
                       "not returned by an earlier call with the same parameters.")


class Studio:
    """All state, behind one lock. Operation methods take a validated request body and
    return (response, response for the CloudTrail record or None)."""

    def __init__(self, args, model, scheduler, events):
        self.lock = threading.RLock()
        self.config = Config(args)
        self._region = args.region
        self._volume_root = os.path.abspath(args.volume_root)
        self._model = model
        self._scheduler = scheduler
        self._events = events
        self._tokens = PageTokens()
        self._serial = 0
        self.domains = {}
        self.members = {USER_PROFILE: {}, SPACE: {}}   # kind -> {(domain id, name): Member}

    # --- helpers

    def _next_serial(self):
        self._serial += 1
        return self._serial

    def volume_path(self, domain):
        return os.path.join(self._volume_root, domain.fs_id)

    def _later(self, delay, fn):
        def locked():
            with self.lock:
                fn()
        self._scheduler.call_later(delay, locked)

    def _domain_arn(self, domain_id):
        return sagemaker_arn(self._region, f"domain/{domain_id}")

    def _find_domain(self, domain_id):
        domain = self.domains.get(domain_id)
        if domain is None:
            raise ApiError("ResourceNotFound",
                           f"Domain {self._domain_arn(domain_id)} does not exist.")
        return domain

    def _find_member(self, kind, domain_id, name):
        member = self.members[kind].get((domain_id, name))
        if member is None:
            arn = sagemaker_arn(self._region, kind.resource(domain_id, name))
            raise ApiError("ResourceNotFound", f"{kind.noun} {arn} does not exist.")
        return member

    def _output_has(self, operation, member):
        shape = self._model.operation_model(operation).output_shape
        return shape is not None and member in shape.members

    def _echo(self, resource_request, create_op, describe_op, skip):
        """Request members the Describe output also has (same shape), as Describe shows
        them: what was set at create time."""
        given = self._model.operation_model(create_op).input_shape.members
        shown = self._model.operation_model(describe_op).output_shape.members
        return {name: value for name, value in resource_request.items()
                if name not in skip and name in shown
                and shown[name].name == given[name].name}

    def _become_in_service(self, resource, after_fn=None):
        def step():
            if resource.status == "Pending":
                resource.status = "InService"
                resource.last_modified_time = _now()
                if after_fn:
                    after_fn()
        self._later(self.config.create_delay, step)

    def _page(self, operation, body, items, sort_key, filters):
        descending = body.get("SortOrder") == "Descending"
        context = [operation, filters, body.get("SortBy"), descending]
        ordered = sorted(items, key=sort_key, reverse=descending)
        token = body.get("NextToken")
        if token is not None:
            after = self._tokens.read(context, token)
            ordered = [i for i in ordered
                       if (sort_key(i) < after if descending else sort_key(i) > after)]
        limit = body.get("MaxResults", 10)
        page = ordered[:limit]
        next_token = (self._tokens.make(context, sort_key(page[-1]))
                      if len(ordered) > limit else None)
        return page, next_token

    # --- domains

    def create_domain(self, body):
        while True:
            domain_id = "d-" + "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                                       for _ in range(12))
            if domain_id not in self.domains:
                break
        fs_id = "fs-" + secrets.token_hex(9)[:17]
        now = _now()
        domain = Domain(domain_id, body, fs_id, self._next_serial(), now, self._region)
        volume = self.volume_path(domain)
        os.makedirs(volume, mode=0o755)
        os.chmod(volume, 0o755)
        self.domains[domain_id] = domain
        self._become_in_service(domain)
        full = {"DomainArn": domain.arn, "DomainId": domain.id, "Url": domain.url}
        response = {"DomainArn": domain.arn, "Url": domain.url}
        if self._output_has("CreateDomain", "DomainId"):
            response["DomainId"] = domain.id
        return response, full

    def describe_domain(self, body):
        domain = self._find_domain(body["DomainId"])
        out = self._echo(domain.request, "CreateDomain", "DescribeDomain", {"Tags"})
        out.setdefault("AppNetworkAccessType", "PublicInternetOnly")
        out.update({"DomainArn": domain.arn, "DomainId": domain.id,
                    "DomainName": domain.name, "HomeEfsFileSystemId": domain.fs_id,
                    "Status": domain.status, "CreationTime": domain.creation_time,
                    "LastModifiedTime": domain.last_modified_time, "Url": domain.url})
        return out, None

    def list_domains(self, body):
        page, token = self._page("ListDomains", body, self.domains.values(),
                                 lambda d: (d.serial,), [])
        out = {"Domains": [{"DomainArn": d.arn, "DomainId": d.id, "DomainName": d.name,
                            "Status": d.status, "CreationTime": d.creation_time,
                            "LastModifiedTime": d.last_modified_time, "Url": d.url}
                           for d in page]}
        if token:
            out["NextToken"] = token
        return out, None

    def delete_domain(self, body):
        domain = self._find_domain(body["DomainId"])
        if domain.status == "Deleting":
            raise ApiError("ResourceInUse", f"Domain {domain.arn} is already being deleted.")
        remaining = [f"{kind.noun.lower()} {name}"
                     for kind in (USER_PROFILE, SPACE)
                     for (domain_id, name) in self.members[kind] if domain_id == domain.id]
        if remaining:
            raise ApiError("ResourceInUse",
                           f"Domain {domain.arn} cannot be deleted while it has user "
                           f"profiles or spaces; delete them first: "
                           + ", ".join(sorted(remaining)[:10]))
        policy = (body.get("RetentionPolicy") or {}).get("HomeEfsFileSystem", "Retain")
        domain.retain_volume = policy != "Delete"
        domain.status = "Deleting"
        domain.last_modified_time = _now()

        def gone():
            if self.domains.get(domain.id) is domain:
                del self.domains[domain.id]
                if not domain.retain_volume:
                    shutil.rmtree(self.volume_path(domain), ignore_errors=True)
        self._later(self.config.delete_delay, gone)
        return {}, None

    # --- user profiles and spaces

    def create_member(self, kind, body):
        domain = self._find_domain(body["DomainId"])
        if domain.status == "Deleting":
            raise ApiError("ValidationException",
                           f"Domain {domain.arn} is being deleted: cannot create a "
                           f"{kind.noun.lower()} in it.")
        name = body[kind.name_member]
        existing = self.members[kind].get((domain.id, name))
        if existing is not None:
            raise ApiError("ResourceInUse", f"{kind.noun} {existing.arn} already exists"
                           + (" and is being deleted." if existing.status == "Deleting"
                              else "."))
        uid = domain.next_uid
        domain.next_uid += 1
        member = Member(kind, domain, name, body, uid, self._next_serial(), _now(),
                        self._region)
        self.members[kind][(domain.id, name)] = member

        def home_later():
            delay = self.config.home_delay
            if delay >= 0:
                self._later(delay, lambda: self.make_home(member))
        self._become_in_service(member, home_later)
        response = {kind.arn_member: member.arn}
        return response, response

    def make_home(self, member):
        """Creates the member's home directory as Studio does on first open; returns its
        path (None when the member is gone or being deleted)."""
        kind_members = self.members[member.kind]
        if kind_members.get((member.domain_id, member.name)) is not member:
            return None
        if member.status == "Deleting":
            return None
        domain = self.domains.get(member.domain_id)
        if domain is None:
            return None
        home = os.path.join(self.volume_path(domain), str(member.uid))
        if not member.home_created:
            if not os.path.isdir(self.volume_path(domain)):
                return None
            try:
                os.mkdir(home, 0o755)
            except FileExistsError:
                pass
            else:
                os.chmod(home, 0o755)
                os.chown(home, member.uid, HOME_GID)
            member.home_created = True
        return home

    def describe_member(self, kind, body):
        member = self._find_member(kind, body["DomainId"], body[kind.name_member])
        out = self._echo(member.request, f"Create{kind.api_noun}", f"Describe{kind.api_noun}",
                         {"Tags", "DomainId", kind.name_member})
        out.update({"DomainId": member.domain_id, kind.arn_member: member.arn,
                    kind.name_member: member.name, "Status": member.status,
                    "CreationTime": member.creation_time,
                    "LastModifiedTime": member.last_modified_time})
        if member.status != "Pending":
            out["HomeEfsFileSystemUid"] = str(member.uid)
        return out, None

    def list_members(self, kind, body):
        domain_filter = body.get("DomainIdEquals")
        contains = body.get(f"{kind.name_member}Contains")
        items = [m for m in self.members[kind].values()
                 if (domain_filter is None or m.domain_id == domain_filter)
                 and (contains is None or contains in m.name)]
        if body.get("SortBy") == "LastModifiedTime":
            def sort_key(m):
                return (m.last_modified_time, m.serial)
        else:
            def sort_key(m):
                return (m.serial,)
        page, token = self._page(f"List{kind.list_key}", body, items, sort_key,
                                 [domain_filter, contains])
        out = {kind.list_key: [{"DomainId": m.domain_id, kind.name_member: m.name,
                                "Status": m.status, "CreationTime": m.creation_time,
                                "LastModifiedTime": m.last_modified_time} for m in page]}
        if token:
            out["NextToken"] = token
        return out, None

    def delete_member(self, kind, body):
        member = self._find_member(kind, body["DomainId"], body[kind.name_member])
        if member.status == "Deleting":
            raise ApiError("ResourceInUse", f"{kind.noun} {member.arn} is already being "
                           "deleted.")
        member.status = "Deleting"
        member.last_modified_time = _now()
        key = (member.domain_id, member.name)

        def gone():
            if self.members[kind].get(key) is member:
                del self.members[kind][key]
        self._later(self.config.delete_delay, gone)
        return {}, None

    def list_apps(self, body):
        _, token = self._page("ListApps", body, [], lambda a: (0,), [
            body.get("DomainIdEquals"), body.get("UserProfileNameEquals"),
            body.get("SpaceNameEquals")])
        return {"Apps": []}, None

    # --- dispatch

    def call(self, operation, body):
        """Runs the operation; the caller holds self.lock."""
        if operation in MEMBER_OPERATIONS:
            method, kind = MEMBER_OPERATIONS[operation]
            return getattr(self, method)(kind, body)
        handler = {"CreateDomain": self.create_domain, "DescribeDomain": self.describe_domain,
                   "ListDomains": self.list_domains, "DeleteDomain": self.delete_domain,
                   "ListApps": self.list_apps}.get(operation)
        if handler is None:
            raise ApiError("UnknownOperationException",
                           f"fake_sagemaker does not implement {operation}.")
        return handler(body)

    def resource_arn(self, operation, body):
        """The ARN an IAM denial names."""
        kind = MEMBER_OPERATIONS.get(operation, (None, None))[1]
        domain_id = body.get("DomainId")
        if kind is not None and domain_id and isinstance(body.get(kind.name_member), str):
            return sagemaker_arn(self._region, kind.resource(domain_id, body[kind.name_member]))
        if isinstance(domain_id, str):
            return self._domain_arn(domain_id)
        return sagemaker_arn(self._region, "*")

    def snapshot(self):
        with self.lock:
            return {
                "domains": [{"DomainId": d.id, "DomainName": d.name, "Status": d.status,
                             "HomeEfsFileSystemId": d.fs_id, "volume": self.volume_path(d),
                             "nextUid": d.next_uid} for d in self.domains.values()],
                "userProfiles": [self._member_json(m) for m in
                                 self.members[USER_PROFILE].values()],
                "spaces": [self._member_json(m) for m in self.members[SPACE].values()],
            }

    @staticmethod
    def _member_json(m):
        return {"DomainId": m.domain_id, "name": m.name, "Status": m.status,
                "uid": m.uid, "homeCreated": m.home_created}


# ---------------------------------------------------------------------------------------
# HTTP

CREATE_OR_DELETE = ("Create", "Delete")


class Fake:
    """Everything a request handler needs."""

    def __init__(self, args):
        self.args = args
        self.model = botocore.session.get_session().get_service_model("sagemaker")
        self.target_prefix = self.model.metadata["targetPrefix"]
        self.checker = ShapeChecker()
        self.verifier = SigV4Verifier(args.access_key, args.secret_key, args.session_token,
                                      args.region, self.model.metadata["signingName"])
        self.events = EventSink(args.events_url, args.events_token_file, True)
        self.scheduler = Scheduler()
        self.studio = Studio(args, self.model, self.scheduler, self.events)
        self.stats_lock = threading.Lock()
        self.calls = {}
        self.error_counts = {}
        self.throttled = 0
        self.injected_errors = 0
        self.signed_calls_since_throttle_set = 0
        self.signed_calls_since_error_set = 0
        self.self_check_failures = []
        for name in self.studio.config.deny:
            self.check_operation_name(name)

    def check_operation_name(self, name):
        if name not in self.model.operation_names:
            raise ValueError(f"not a SageMaker operation: {name}")

    def count(self, operation, error_code=None):
        with self.stats_lock:
            self.calls[operation] = self.calls.get(operation, 0) + 1
            if error_code:
                self.error_counts[error_code] = self.error_counts.get(error_code, 0) + 1

    def injected_fault(self):
        """The fault, if any, that this signed call is chosen for."""
        config = self.studio.config
        with self.stats_lock:
            self.signed_calls_since_throttle_set += 1
            self.signed_calls_since_error_set += 1
            if config.throttle_every > 0 and \
                    self.signed_calls_since_throttle_set % config.throttle_every == 0:
                self.throttled += 1
                return ApiError("ThrottlingException", "Rate exceeded", 400)
            if config.error_every > 0 and \
                    self.signed_calls_since_error_set % config.error_every == 0:
                self.injected_errors += 1
                return ApiError("InternalFailure", "We encountered an internal error. "
                                "Please try again.", 500)
        return None

    def stats(self):
        with self.stats_lock:
            return {"calls": dict(sorted(self.calls.items())),
                    "errors": dict(sorted(self.error_counts.items())),
                    "throttled": self.throttled, "injectedErrors": self.injected_errors,
                    "events": self.events.stats(),
                    "selfCheckFailures": list(self.self_check_failures)}

    def reset_stats(self):
        with self.stats_lock:
            self.calls.clear()
            self.error_counts.clear()
            self.throttled = self.injected_errors = 0
            self.signed_calls_since_throttle_set = self.signed_calls_since_error_set = 0
            self.self_check_failures.clear()
        self.events.reset()

    def cloudtrail_record(self, operation, body, full_response, request_id, access_key,
                          source_ip, user_agent):
        now = _now()
        operation_model = self.model.operation_model(operation)
        response_elements = None
        if full_response:
            response_elements = camel_copy(full_response, operation_model.output_shape)
        detail = {
            "eventVersion": "1.08",
            "userIdentity": {"type": "IAMUser", "principalId": "AIDAFAKESAGEMAKERTEST",
                             "arn": CALLER_ARN, "accountId": ACCOUNT_ID,
                             "accessKeyId": access_key, "userName": "test"},
            "eventTime": _iso_seconds(now),
            "eventSource": "sagemaker.amazonaws.com",
            "eventName": operation,
            "awsRegion": self.args.region,
            "sourceIPAddress": source_ip,
            "userAgent": user_agent or "",
            "requestParameters": camel_copy(body, operation_model.input_shape),
            "responseElements": response_elements,
            "requestID": request_id,
            "eventID": str(uuid.uuid4()),
            "readOnly": False,
            "eventType": "AwsApiCall",
            "managementEvent": True,
            "recipientAccountId": ACCOUNT_ID,
            "eventCategory": "Management",
        }
        return {"version": "0", "id": str(uuid.uuid4()),
                "detail-type": "AWS API Call via CloudTrail", "source": "aws.sagemaker",
                "account": ACCOUNT_ID, "time": _iso_seconds(now),
                "region": self.args.region, "resources": [], "detail": detail}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake_sagemaker"
    fake = None  # set in main()

    def setup(self):
        super().setup()
        # Headers and body leave in separate writes: without this, Nagle's algorithm and
        # the client's delayed ACK add ~40 ms to every call.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):
        if self.fake.args.verbose:
            super().log_message(fmt, *args)
        if self.fake.args.log:
            line = json.dumps({"request": self.requestline,
                               "target": self.headers.get("X-Amz-Target", ""),
                               "message": fmt % args})
            with open(self.fake.args.log, "a", encoding="utf-8") as f:
                f.write(line + "\n")

    # --- plumbing

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _send(self, status, payload, content_type, extra_headers=()):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra_headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_api_error(self, error, request_id):
        self._send(error.status, {"__type": error.type_name(), "message": error.message},
                   JSON_CONTENT_TYPE,
                   [("x-amzn-RequestId", request_id), ("x-amzn-ErrorType", error.code)])

    # --- verbs

    def do_GET(self):
        if self.path.startswith("/_fake/"):
            self._control("GET")
        else:
            self._send_api_error(ApiError("UnknownOperationException", "Only POST / is "
                                          "served", 404), str(uuid.uuid4()))

    def do_POST(self):
        if self.path.startswith("/_fake/"):
            self._control("POST")
        else:
            self._api()

    # --- the SageMaker API

    def _api(self):
        fake = self.fake
        request_id = str(uuid.uuid4())
        body_bytes = self._read_body()
        target = self.headers.get("X-Amz-Target") or ""
        prefix, _, operation = target.partition(".")
        counted_as = operation or "(no X-Amz-Target)"
        try:
            if self.path.split("?")[0] != "/":
                raise ApiError("UnknownOperationException", f"No API at {self.path}", 404)
            access_key = fake.verifier.verify("POST", self.path, self.headers, body_bytes)
            fault = fake.injected_fault()
            if fault is not None:
                raise fault
            if prefix != fake.target_prefix or operation not in fake.model.operation_names:
                raise ApiError("UnknownOperationException",
                               f"Unknown operation: X-Amz-Target '{target}'")
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            if content_type not in ACCEPTED_CONTENT_TYPES:
                raise ApiError("SerializationException",
                               f"Unsupported Content-Type '{content_type}'; this service "
                               f"speaks {JSON_CONTENT_TYPE}")
            try:
                body = json.loads(body_bytes.decode("utf-8")) if body_bytes.strip() else {}
            except (UnicodeDecodeError, ValueError) as e:
                raise ApiError("SerializationException", f"Request body is not JSON: {e}")
            if not isinstance(body, dict):
                raise ApiError("SerializationException",
                               "Start of structure or map found where not expected: the "
                               "request body must be a JSON object.")
            with fake.studio.lock:
                denied = operation in fake.studio.config.deny
            if denied:
                raise ApiError("AccessDeniedException",
                               f"User: {CALLER_ARN} is not authorized to perform: "
                               f"sagemaker:{operation} on resource: "
                               f"{fake.studio.resource_arn(operation, body)} because no "
                               f"identity-based policy allows the sagemaker:{operation} "
                               "action")
            operation_model = fake.model.operation_model(operation)
            fake.checker.check_request(operation_model, body)
            with fake.studio.lock:
                response, for_record = fake.studio.call(operation, body)
                if fake.args.self_check:
                    self._self_check(operation_model, response)
                # Under the lock, so records go out in the order the state changed.
                if operation.startswith(CREATE_OR_DELETE):
                    fake.events.submit(fake.cloudtrail_record(
                        operation, body, for_record, request_id, access_key,
                        self.client_address[0], self.headers.get("User-Agent")))
        except ApiError as error:
            fake.count(counted_as, error.code)
            self._send_api_error(error, request_id)
            return
        except Exception:
            traceback.print_exc()
            fake.count(counted_as, "InternalFailure")
            self._send_api_error(ApiError("InternalFailure", "fake_sagemaker failed; see "
                                          "its stderr", 500), request_id)
            return
        fake.count(counted_as)
        self._send(200, response, JSON_CONTENT_TYPE, [("x-amzn-RequestId", request_id)])

    def _self_check(self, operation_model, response):
        shape = operation_model.output_shape
        if shape is None:
            unknown, violations = (sorted(response), []) if response else ([], [])
        else:
            unknown, violations = self.fake.checker.problems(shape, response)
        if unknown or violations:
            problem = (f"{operation_model.name} response does not fit its output shape: "
                       f"unknown {unknown}, violations {violations}")
            print("fake_sagemaker self-check: " + problem, file=sys.stderr)
            with self.fake.stats_lock:
                self.fake.self_check_failures.append(problem)
            raise ApiError("InternalFailure", "fake_sagemaker self-check: " + problem, 500)

    # --- the control API

    def _control(self, method):
        body_bytes = self._read_body()
        try:
            body = json.loads(body_bytes) if body_bytes.strip() else {}
            if not isinstance(body, dict):
                raise ValueError("the body must be a JSON object")
            name = self.path.split("?")[0][len("/_fake/"):]
            handler = getattr(self, f"_control_{method.lower()}_{name.replace('-', '_')}",
                              None)
            if handler is None:
                return self._send(404, {"error": f"no control endpoint {method} "
                                        f"{self.path}"}, "application/json")
            status, payload = handler(body)
        except KeyError as e:
            status, payload = 400, {"error": f"missing member {e}"}
        except (ValueError, TypeError) as e:
            status, payload = 400, {"error": str(e)}
        self._send(status, payload, "application/json")

    def _control_get_health(self, _):
        return 200, {"ok": True, "port": self.server.server_address[1]}

    def _control_get_stats(self, _):
        return 200, self.fake.stats()

    def _control_post_reset_stats(self, _):
        self.fake.reset_stats()
        return 200, self.fake.stats()

    def _control_get_state(self, _):
        return 200, self.fake.studio.snapshot()

    def _control_get_events(self, _):
        return 200, {"events": self.fake.events.recent_records()}

    def _control_post_flush_events(self, body):
        timeout = float(body.get("timeoutSeconds", 10))
        done = self.fake.events.flush(timeout)
        return (200 if done else 504), self.fake.events.stats()

    def _control_post_config(self, body):
        fake = self.fake
        numbers = {"throttleEvery": "throttle_every", "errorEvery": "error_every",
                   "homeDelay": "home_delay", "createDelay": "create_delay",
                   "deleteDelay": "delete_delay"}
        unknown = set(body) - set(numbers) - {"deny", "deliverEvents"}
        if unknown:
            raise ValueError(f"unknown config keys: {sorted(unknown)}")
        with fake.studio.lock:
            config = fake.studio.config
            for key, attr in numbers.items():
                if key in body:
                    value = body[key]
                    if isinstance(value, bool) or not isinstance(value, (int, float)):
                        raise ValueError(f"{key} must be a number")
                    if attr in ("throttle_every", "error_every"):
                        if int(value) != value or value < 0:
                            raise ValueError(f"{key} must be a whole number >= 0")
                        value = int(value)
                    setattr(config, attr, value)
            if "deny" in body:
                if not isinstance(body["deny"], list):
                    raise ValueError("deny must be a list of operation names")
                for name in body["deny"]:
                    fake.check_operation_name(name)
                config.deny = set(body["deny"])
            if "deliverEvents" in body:
                if not isinstance(body["deliverEvents"], bool):
                    raise ValueError("deliverEvents must be true or false")
                fake.events.enabled = body["deliverEvents"]
        with fake.stats_lock:
            if "throttleEvery" in body:
                fake.signed_calls_since_throttle_set = 0
            if "errorEvery" in body:
                fake.signed_calls_since_error_set = 0
        with fake.studio.lock:
            return 200, fake.studio.config.as_json(fake.events)

    def _control_post_open_studio(self, body):
        studio = self.fake.studio
        domain_id = body["domainId"]
        if ("userProfileName" in body) == ("spaceName" in body):
            raise ValueError("give exactly one of userProfileName and spaceName")
        kind, name = ((USER_PROFILE, body["userProfileName"]) if "userProfileName" in body
                      else (SPACE, body["spaceName"]))
        with studio.lock:
            member = studio.members[kind].get((domain_id, name))
            if member is None:
                return 404, {"error": f"no {kind.noun.lower()} {name} in {domain_id}"}
            if member.status != "InService":
                return 409, {"error": f"{kind.noun} {name} is {member.status}: Studio "
                             "opens only once it is InService"}
            home = studio.make_home(member)
            if home is None:
                return 409, {"error": f"the volume of {domain_id} is gone"}
            return 200, {"path": home, "uid": member.uid, "gid": HOME_GID}


def parse_args(argv):
    p = argparse.ArgumentParser(description="A fake SageMaker endpoint for tests (see the "
                                "header of this file for what it does and does not imitate).")
    p.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: any free)")
    p.add_argument("--port-file", help="write the chosen port here (atomically)")
    p.add_argument("--volume-root", required=True,
                   help="directory holding one folder per domain's home EFS volume")
    p.add_argument("--access-key", required=True)
    p.add_argument("--secret-key", required=True)
    p.add_argument("--session-token", default=None,
                   help="if set, every call must carry it, signed, in X-Amz-Security-Token")
    p.add_argument("--region", default="us-east-1")
    p.add_argument("--create-delay", type=float, default=0.5,
                   help="seconds from Pending to InService")
    p.add_argument("--delete-delay", type=float, default=0.2,
                   help="seconds a deleted resource stays Deleting before it is gone")
    p.add_argument("--home-delay", type=float, default=1.0,
                   help="seconds after InService until the home directory appears; "
                        "-1: only through POST /_fake/open-studio")
    p.add_argument("--throttle-every", type=int, default=0,
                   help="answer every Nth signed call with ThrottlingException (0: never)")
    p.add_argument("--error-every", type=int, default=0,
                   help="answer every Nth signed call with HTTP 500 InternalFailure")
    p.add_argument("--deny", action="append", metavar="OPERATION",
                   help="answer this operation with AccessDeniedException (repeatable)")
    p.add_argument("--events-url", help="POST CloudTrail records (as EventBridge delivers "
                   "them) of successful Create*/Delete* calls here")
    p.add_argument("--events-token-file",
                   help="file holding the bearer token sent with each event (read per event)")
    p.add_argument("--self-check", action="store_true",
                   help="check every response against the output shape (for tests)")
    p.add_argument("--verbose", action="store_true", help="log every request to stderr")
    p.add_argument("--log", help="append one line per request to this file (the request "
                   "line and the answer's status), as the other fakes in this folder do")
    args = p.parse_args(argv)
    if args.throttle_every < 0 or args.error_every < 0:
        p.error("--throttle-every and --error-every take a number >= 0")
    if args.home_delay < 0 and args.home_delay != -1:
        p.error("--home-delay takes seconds >= 0, or -1")
    return args


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.volume_root, exist_ok=True)
    try:
        fake = Fake(args)
    except ValueError as e:
        print(f"fake_sagemaker: {e}", file=sys.stderr)
        return 2
    Handler.fake = fake
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    port = server.server_address[1]

    def stop(_signum, _frame):
        threading.Thread(target=server.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    if args.port_file:
        _write_file_atomically(args.port_file, f"{port}\n")
    print(port, flush=True)
    print(f"fake_sagemaker: listening on http://127.0.0.1:{port} (botocore "
          f"{botocore.__version__}, region {args.region}, volumes in {args.volume_root})",
          file=sys.stderr, flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        fake.events.flush(2.0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
