#!/usr/bin/env python3
"""fake_sqs: a FAKE Amazon SQS endpoint, for Lifeboat's tests.

This is not SQS and talks to no AWS service. It imitates, on 127.0.0.1, the part of SQS
that Lifeboat's SQS intake relies on, so that the daemon can be tested end to end.

What it imitates, as a client sees it:
  * The wire protocol: AWS JSON 1.0 (`POST /`, `X-Amz-Target: AmazonSQS.<Operation>`),
    errors as `{"__type": "com.amazonaws.sqs#Code", "message": ...}` with the
    `x-amzn-query-error: <query code>;Sender` header that botocore turns into the old
    query-protocol code (e.g. AWS.SimpleQueueService.NonExistentQueue).
  * SigV4 on every call, recomputed with botocore (the same verifier as fake_sagemaker.py):
    bad, missing, stale or foreign signatures are refused with the codes AWS uses.
  * Request members are checked against the operation's input in SQS's current API
    (unknown or missing members, and the ranges SQS documents for MaxNumberOfMessages 1-10,
    WaitTimeSeconds 0-20, VisibilityTimeout 0-43200).
  * ReceiveMessage with long polling (waits up to WaitTimeSeconds for a message), a
    visibility timeout per receive (else the queue's), ApproximateReceiveCount and the other
    system attributes on request; a message not deleted before its visibility timeout ends
    is delivered again with a new receipt handle. DeleteMessage with the latest receipt
    handle deletes; with an older one of the same message it answers 200 and deletes
    nothing (AWS: "the message might not be deleted"); an unknown handle is
    ReceiptHandleIsInvalid. ChangeMessageVisibility needs the latest handle of a message in
    flight (else MessageNotInflight). GetQueueAttributes for the usual attributes.
  * A redrive policy: a message received maxReceiveCount times and not deleted moves to
    the dead-letter queue instead of being delivered again.
  * AccessDeniedException for operations listed with --deny (or the control API), naming
    the IAM action as AWS does.

What it does not imitate: SendMessage and queue management over the API (tests use the
control API), FIFO ordering and deduplication, message attributes, batches, message
retention, delays, KMS, queue policies, HTTPS, more than one account, persistence.

Control API (unsigned JSON, under /_fake/): see README.md in this folder.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
import uuid

from fake_http_common import FakeHandler, base_arguments, serve
from fake_sagemaker import ApiError, SigV4Verifier

ACCOUNT_ID = "123456789012"
CONTENT_TYPE = "application/x-amz-json-1.0"
TARGET_PREFIX = "AmazonSQS."
OPERATIONS = ("ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility",
              "GetQueueAttributes")
# The old query-protocol code of each error, sent in x-amzn-query-error.
QUERY_CODES = {
    "QueueDoesNotExist": "AWS.SimpleQueueService.NonExistentQueue",
    "ReceiptHandleIsInvalid": "ReceiptHandleIsInvalid",
    "MessageNotInflight": "AWS.SimpleQueueService.MessageNotInflight",
    "InvalidAttributeName": "InvalidAttributeName",
    "AccessDeniedException": "AccessDenied",
    "InternalError": "InternalError",
}
QUEUE_ATTRIBUTES = ("VisibilityTimeout", "ApproximateNumberOfMessages",
                    "ApproximateNumberOfMessagesNotVisible", "QueueArn", "RedrivePolicy",
                    "CreatedTimestamp", "ReceiveMessageWaitTimeSeconds",
                    "MessageRetentionPeriod")
SYSTEM_ATTRIBUTES = ("ApproximateReceiveCount", "SentTimestamp",
                     "ApproximateFirstReceiveTimestamp", "SenderId")


class Message:
    def __init__(self, message_id, body):
        self.id = message_id
        self.body = body
        self.sent = time.time()
        self.first_receive = None
        self.receive_count = 0
        self.visible_at = 0.0
        self.receipt = None  # the latest receipt handle
        self.deleted = False
        self.refused_deletes = 0


class Queue:
    def __init__(self, name, visibility, redrive):
        self.name = name
        self.visibility = visibility
        self.redrive = redrive  # None or {"deadLetterQueue": name, "maxReceiveCount": n}
        self.created = time.time()
        self.messages = []  # in send order, deleted ones kept for the state view

    def arn(self):
        return f"arn:aws:sqs:{State.region}:{ACCOUNT_ID}:{self.name}"


class State:
    region = "us-east-1"
    lock = threading.Condition()
    queues = {}
    receipts = {}  # receipt handle -> (queue name, message)
    stats = {"calls": {}, "errors": {}, "delivered": 0, "deleted": 0, "staleDeletes": 0,
             "visibilityChanges": 0, "signatureFailures": 0, "movedToDeadLetter": 0}
    deny = set()
    fail_delete = set()  # message ids whose DeleteMessage answers 500 InternalError


def _count(kind, key):
    State.stats[kind][key] = State.stats[kind].get(key, 0) + 1


# The members of each operation's input in SQS's current API (AWS JSON 1.0), and which are
# required. Written out rather than read from botocore: Debian 12's botocore (1.29) still
# describes SQS's older query protocol, whose ReceiveMessage lacks
# MessageSystemAttributeNames.
MEMBERS = {
    "ReceiveMessage": ({"QueueUrl", "AttributeNames", "MessageSystemAttributeNames",
                        "MessageAttributeNames", "MaxNumberOfMessages", "VisibilityTimeout",
                        "WaitTimeSeconds", "ReceiveRequestAttemptId"}, {"QueueUrl"}),
    "DeleteMessage": ({"QueueUrl", "ReceiptHandle"}, {"QueueUrl", "ReceiptHandle"}),
    "ChangeMessageVisibility": ({"QueueUrl", "ReceiptHandle", "VisibilityTimeout"},
                                {"QueueUrl", "ReceiptHandle", "VisibilityTimeout"}),
    "GetQueueAttributes": ({"QueueUrl", "AttributeNames"}, {"QueueUrl"}),
}


def _check_members(operation, body):
    members, required = MEMBERS[operation]
    if not isinstance(body, dict):
        raise ApiError("InvalidParameterValue", "the request body must be a JSON object")
    for name in body:
        if name not in members:
            raise ApiError("InvalidParameterValue",
                           f"{name} is not a member of {operation}'s input (fake_sqs refuses "
                           "unknown members)")
    for name in required:
        if name not in body:
            raise ApiError("MissingParameter",
                           f"The request must contain the parameter {name}.")


def _int_in(body, name, low, high, default):
    value = body.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ApiError("InvalidParameterValue",
                       f"Value {value} for parameter {name} is invalid. Reason: must be "
                       f"between {low} and {high}.")
    return value


def _queue_of(url):
    # The account and name select the queue, whatever host the URL names.
    parts = str(url).rstrip("/").split("/")
    if len(parts) >= 2 and parts[-2] == ACCOUNT_ID and parts[-1] in State.queues:
        return State.queues[parts[-1]]
    raise ApiError("QueueDoesNotExist", "The specified queue does not exist.")


def _move_expired_to_dead_letter(queue, now):
    if not queue.redrive:
        return
    target = State.queues.get(queue.redrive["deadLetterQueue"])
    for m in list(queue.messages):
        if (not m.deleted and m.visible_at <= now
                and m.receive_count >= queue.redrive["maxReceiveCount"] and target):
            queue.messages.remove(m)
            moved = Message(m.id, m.body)
            target.messages.append(moved)
            State.stats["movedToDeadLetter"] += 1


def _visible(queue, now):
    _move_expired_to_dead_letter(queue, now)
    return [m for m in queue.messages if not m.deleted and m.visible_at <= now]


def receive_message(body):
    queue = _queue_of(body["QueueUrl"])
    limit = _int_in(body, "MaxNumberOfMessages", 1, 10, 1)
    wait = _int_in(body, "WaitTimeSeconds", 0, 20, 0)
    visibility = _int_in(body, "VisibilityTimeout", 0, 43200, queue.visibility)
    wanted = set(body.get("AttributeNames", [])) | set(body.get("MessageSystemAttributeNames", []))
    deadline = time.time() + wait
    with State.lock:
        while True:
            now = time.time()
            ready = _visible(queue, now)
            if ready or now >= deadline:
                break
            hidden = [m.visible_at for m in queue.messages if not m.deleted and m.visible_at > now]
            next_change = min(hidden + [deadline])
            State.lock.wait(timeout=max(0.01, min(next_change, deadline) - now))
        out = []
        for m in ready[:limit]:
            m.receive_count += 1
            m.first_receive = m.first_receive or now
            m.visible_at = now + visibility
            m.receipt = base64.b64encode(secrets.token_bytes(48)).decode()
            State.receipts[m.receipt] = (queue.name, m)
            State.stats["delivered"] += 1
            entry = {"MessageId": m.id, "ReceiptHandle": m.receipt,
                     "MD5OfBody": hashlib.md5(m.body.encode()).hexdigest(), "Body": m.body}
            values = {"ApproximateReceiveCount": str(m.receive_count),
                      "SentTimestamp": str(int(m.sent * 1000)),
                      "ApproximateFirstReceiveTimestamp": str(int(m.first_receive * 1000)),
                      "SenderId": "AIDAFAKESENDER"}
            attrs = {k: v for k, v in values.items() if k in wanted or "All" in wanted}
            if attrs:
                entry["Attributes"] = attrs
            out.append(entry)
    return {"Messages": out} if out else {}


def _message_of(body):
    queue = _queue_of(body["QueueUrl"])
    found = State.receipts.get(body["ReceiptHandle"])
    if found is None or found[0] != queue.name:
        raise ApiError("ReceiptHandleIsInvalid",
                       f'The input receipt handle "{body["ReceiptHandle"][:40]}" is not a valid '
                       "receipt handle.")
    return queue, found[1]


def delete_message(body):
    with State.lock:
        _, m = _message_of(body)
        if m.id in State.fail_delete:
            m.refused_deletes += 1
            raise ApiError("InternalError", "fake_sqs: DeleteMessage fails for this message "
                           "(control API failDelete)", 500)
        if body["ReceiptHandle"] != m.receipt:
            State.stats["staleDeletes"] += 1
            return {}
        if not m.deleted:
            m.deleted = True
            State.stats["deleted"] += 1
    return {}


def change_message_visibility(body):
    timeout = _int_in(body, "VisibilityTimeout", 0, 43200, None)
    with State.lock:
        _, m = _message_of(body)
        now = time.time()
        if m.deleted or body["ReceiptHandle"] != m.receipt or m.visible_at <= now:
            raise ApiError("MessageNotInflight", "The message referred to isn't in flight.")
        m.visible_at = now + timeout
        State.stats["visibilityChanges"] += 1
        State.lock.notify_all()
    return {}


def get_queue_attributes(body):
    queue = _queue_of(body["QueueUrl"])
    names = body.get("AttributeNames", [])
    for name in names:
        if name != "All" and name not in QUEUE_ATTRIBUTES:
            raise ApiError("InvalidAttributeName", f"Unknown Attribute {name}.")
    with State.lock:
        now = time.time()
        live = [m for m in queue.messages if not m.deleted]
        values = {
            "VisibilityTimeout": str(queue.visibility),
            "ApproximateNumberOfMessages": str(sum(1 for m in live if m.visible_at <= now)),
            "ApproximateNumberOfMessagesNotVisible": str(
                sum(1 for m in live if m.visible_at > now)),
            "QueueArn": queue.arn(),
            "CreatedTimestamp": str(int(queue.created)),
            "ReceiveMessageWaitTimeSeconds": "0",
            "MessageRetentionPeriod": "345600",
        }
        if queue.redrive:
            target = State.queues.get(queue.redrive["deadLetterQueue"])
            values["RedrivePolicy"] = json.dumps({
                "deadLetterTargetArn": target.arn() if target else "",
                "maxReceiveCount": queue.redrive["maxReceiveCount"]})
    chosen = {k: v for k, v in values.items() if k in names or "All" in names}
    return {"Attributes": chosen} if chosen else {}


HANDLERS = {"ReceiveMessage": receive_message, "DeleteMessage": delete_message,
            "ChangeMessageVisibility": change_message_visibility,
            "GetQueueAttributes": get_queue_attributes}


def create_queue(name, visibility=30, redrive=None):
    with State.lock:
        if name not in State.queues:
            State.queues[name] = Queue(name, visibility, redrive)
        return State.queues[name]


def queue_url(handler, name):
    return f"http://127.0.0.1:{handler.server.server_address[1]}/{ACCOUNT_ID}/{name}"


class SqsHandler(FakeHandler):
    verifier = None

    def error(self, err):
        with State.lock:
            _count("errors", err.code)
        headers = {"x-amzn-RequestId": str(uuid.uuid4()),
                   "x-amzn-query-error": f"{QUERY_CODES.get(err.code, err.code)};Sender"}
        namespace = ("com.amazon.coral.service" if err.code.endswith("Exception")
                     else "com.amazonaws.sqs")
        self.answer(err.status, {"__type": f"{namespace}#{err.code}", "message": err.message},
                    CONTENT_TYPE, headers)

    def handle_request(self, method):
        body = self.read_body()
        if self.path.startswith("/_fake/"):
            return self.control(method, self.path[len("/_fake/"):].split("?")[0], body)
        target = self.headers.get("X-Amz-Target") or ""
        operation = target[len(TARGET_PREFIX):] if target.startswith(TARGET_PREFIX) else ""
        self.record({"operation": operation, "path": self.path})
        try:
            if method != "POST" or self.path != "/":
                raise ApiError("InvalidAction", "fake_sqs answers POST / only", 400)
            try:
                self.verifier.verify(method, self.path, self.headers, body)
            except ApiError:
                with State.lock:
                    State.stats["signatureFailures"] += 1
                raise
            with State.lock:
                _count("calls", operation or target)
            if operation not in HANDLERS:
                raise ApiError("UnknownOperationException",
                               f"fake_sqs does not implement '{target}'")
            if (self.headers.get("Content-Type") or "") != CONTENT_TYPE:
                raise ApiError("InvalidParameterValue",
                               f"Content-Type must be {CONTENT_TYPE} for AWS JSON 1.0")
            with State.lock:
                denied = operation in State.deny
            if denied:
                raise ApiError("AccessDeniedException",
                               f"User: arn:aws:iam::{ACCOUNT_ID}:user/test is not authorized "
                               f"to perform: sqs:{operation.lower()} because no identity-based "
                               f"policy allows the sqs:{operation.lower()} action", 403)
            try:
                request = json.loads(body or b"{}")
            except ValueError:
                raise ApiError("SerializationException", "the body is not JSON") from None
            _check_members(operation, request)
            self.answer(200, HANDLERS[operation](request), CONTENT_TYPE,
                        {"x-amzn-RequestId": str(uuid.uuid4())})
        except ApiError as err:
            self.error(err)

    def control(self, method, path, body):
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            return self.answer(400, {"error": "body is not JSON"})
        if path == "health":
            return self.answer(200, {"ok": True})
        if path == "create-queue" and method == "POST":
            q = create_queue(request["name"], int(request.get("visibilityTimeout", 30)),
                             request.get("redrive"))
            return self.answer(200, {"QueueUrl": queue_url(self, q.name)})
        if path == "send" and method == "POST":
            with State.lock:
                q = State.queues.get(request.get("queue"))
                if q is None:
                    return self.answer(404, {"error": "no such queue"})
                m = Message(request.get("messageId") or str(uuid.uuid4()), request["body"])
                q.messages.append(m)
                State.lock.notify_all()
            return self.answer(200, {"MessageId": m.id})
        if path == "config" and method == "POST":
            with State.lock:
                if "deny" in request:
                    State.deny = set(request["deny"])
                if "failDelete" in request:
                    State.fail_delete = set(request["failDelete"])
                return self.answer(200, {"deny": sorted(State.deny),
                                         "failDelete": sorted(State.fail_delete)})
        if path == "reset-stats" and method == "POST":
            with State.lock:
                for key, value in State.stats.items():
                    State.stats[key] = {} if isinstance(value, dict) else 0
            return self.answer(200, {"ok": True})
        if path == "stats":
            with State.lock:
                return self.answer(200, State.stats)
        if path == "state":
            with State.lock:
                now = time.time()
                return self.answer(200, {"queues": {
                    q.name: {"url": queue_url(self, q.name), "visibilityTimeout": q.visibility,
                             "redrive": q.redrive,
                             "messages": [{"id": m.id, "receiveCount": m.receive_count,
                                           "deleted": m.deleted,
                                           "inFlight": not m.deleted and m.visible_at > now,
                                           "refusedDeletes": m.refused_deletes}
                                          for m in q.messages]}
                    for q in State.queues.values()}})
        return self.answer(404, {"error": f"unknown control call {method} /_fake/{path}"})


def main():
    parser = base_arguments(__doc__)
    parser.add_argument("--access-key", required=True)
    parser.add_argument("--secret-key", required=True)
    parser.add_argument("--session-token")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--queue", action="append", default=[],
                        help="create this queue at start (visibility timeout 30 s)")
    parser.add_argument("--deny", action="append", default=[],
                        help="answer AccessDeniedException to this operation")
    options = parser.parse_args()
    State.region = options.region
    State.deny = set(options.deny)
    for name in options.queue:
        create_queue(name)
    SqsHandler.verifier = SigV4Verifier(options.access_key, options.secret_key,
                                        options.session_token, options.region, "sqs")
    serve(SqsHandler, options)


if __name__ == "__main__":
    main()
