#!/usr/bin/env python3
"""Self-test of fake_sqs.py: drives it with requests signed by botocore's SigV4 signer over
AWS JSON 1.0, and — when the installed botocore already describes SQS's JSON protocol
(1.31 and later; Debian 12's 1.29 still has the query protocol) — with boto3 itself, so a
fake that drifts from what an AWS SDK sends and expects fails here.

Checks: receive with long polling, visibility timeouts and redelivery with a new receipt
handle, ApproximateReceiveCount, stale receipt handles, ChangeMessageVisibility, the
redrive policy, GetQueueAttributes, the error codes botocore reports (QueueDoesNotExist ->
AWS.SimpleQueueService.NonExistentQueue, ReceiptHandleIsInvalid, AccessDenied) and that a
request signed with the wrong secret is refused. Exit 0 when all pass.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import boto3
import botocore
import botocore.auth
import botocore.awsrequest
import botocore.config
import botocore.credentials
import botocore.exceptions
import botocore.session

HERE = os.path.dirname(os.path.abspath(__file__))
KEY, SECRET = "AKIDSQSSELFTEST", "sqs-selftest-secret"


def control(port, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/_fake/{path}", data=data,
                                 method="GET" if body is None else "POST")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


class CallError(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


def snake(operation):
    return "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")


class Boto3Client:
    """boto3's own client (its serializer, signer and error parser)."""

    def __init__(self, port, secret):
        self.sqs = boto3.client("sqs", region_name="us-east-1",
                                endpoint_url=f"http://127.0.0.1:{port}", aws_access_key_id=KEY,
                                aws_secret_access_key=secret,
                                config=botocore.config.Config(retries={"max_attempts": 1}))

    def call(self, operation, **params):
        try:
            return getattr(self.sqs, snake(operation))(**params)
        except botocore.exceptions.ClientError as err:
            raise CallError(err.response["Error"]["Code"]) from None


class JsonClient:
    """AWS JSON 1.0 by hand, signed with botocore's SigV4Auth; errors read as botocore reads
    them for a query-compatible service (the x-amzn-query-error code, else __type)."""

    def __init__(self, port, secret):
        self.url = f"http://127.0.0.1:{port}/"
        self.credentials = botocore.credentials.Credentials(KEY, secret)

    def call(self, operation, **params):
        body = json.dumps(params).encode()
        request = botocore.awsrequest.AWSRequest(
            method="POST", url=self.url, data=body,
            headers={"Content-Type": "application/x-amz-json-1.0",
                     "X-Amz-Target": f"AmazonSQS.{operation}"})
        botocore.auth.SigV4Auth(self.credentials, "sqs", "us-east-1").add_auth(request)
        prepared = urllib.request.Request(self.url, data=body, method="POST",
                                          headers=dict(request.headers.items()))
        try:
            with urllib.request.urlopen(prepared, timeout=30) as r:
                return json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as err:
            query = err.headers.get("x-amzn-query-error")
            if query:
                raise CallError(query.split(";")[0]) from None
            raise CallError(json.loads(err.read())["__type"].split("#")[-1]) from None


def error_code(call):
    try:
        call()
    except CallError as err:
        return err.code
    return None


def main():
    with tempfile.TemporaryDirectory() as tmp:
        port_file = os.path.join(tmp, "port")
        proc = subprocess.Popen([sys.executable, os.path.join(HERE, "fake_sqs.py"),
                                 "--port-file", port_file, "--access-key", KEY,
                                 "--secret-key", SECRET])
        try:
            for _ in range(300):
                if os.path.exists(port_file):
                    break
                time.sleep(0.05)
            port = int(open(port_file).read())
            run(port, JsonClient, "json-")
            protocol = botocore.session.get_session().get_service_model("sqs").metadata.get(
                "protocol")
            if protocol == "json":
                run(port, Boto3Client, "boto3-")
            else:
                print(f"fake_sqs self-test: botocore {botocore.__version__} speaks SQS's "
                      f"{protocol} protocol; checked with signed JSON requests only")
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    print("fake_sqs self-test: ok")


def run(port, client_class, prefix):
    sqs = client_class(port, SECRET)
    control(port, "reset-stats", {})
    control(port, "create-queue", {"name": prefix + "dlq"})
    url = control(port, "create-queue", {"name": prefix + "events", "visibilityTimeout": 30,
                                         "redrive": {"deadLetterQueue": prefix + "dlq",
                                                     "maxReceiveCount": 2}})["QueueUrl"]
    # Long polling: a message sent while the receive waits is delivered to it.
    start = time.time()
    assert sqs.call("ReceiveMessage", QueueUrl=url, WaitTimeSeconds=1).get("Messages") is None
    assert time.time() - start >= 0.9, "WaitTimeSeconds was not honoured"
    control(port, "send", {"queue": prefix + "events", "body": "first", "messageId": "m-1"})
    got = sqs.call("ReceiveMessage", QueueUrl=url, WaitTimeSeconds=5, VisibilityTimeout=1,
                              MessageSystemAttributeNames=["ApproximateReceiveCount"])
    (m,) = got["Messages"]
    assert m["MessageId"] == "m-1" and m["Body"] == "first", m
    assert m["Attributes"]["ApproximateReceiveCount"] == "1", m
    # Invisible for the visibility timeout, then delivered again with a new handle.
    assert sqs.call("ReceiveMessage", QueueUrl=url).get("Messages") is None
    again = sqs.call("ReceiveMessage", QueueUrl=url, WaitTimeSeconds=5, VisibilityTimeout=30,
                                AttributeNames=["All"])["Messages"][0]
    assert again["ReceiptHandle"] != m["ReceiptHandle"]
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"
    # The old handle deletes nothing; ChangeMessageVisibility with it is refused.
    sqs.call("DeleteMessage", QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    assert error_code(lambda: sqs.call("ChangeMessageVisibility", 
        QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=5)) == \
        "AWS.SimpleQueueService.MessageNotInflight"
    sqs.call("ChangeMessageVisibility", QueueUrl=url, ReceiptHandle=again["ReceiptHandle"],
                                  VisibilityTimeout=0)
    # Received twice (maxReceiveCount 2) and not deleted: it moves to the dead-letter queue.
    assert sqs.call("ReceiveMessage", QueueUrl=url, WaitTimeSeconds=1).get("Messages") is None
    dlq_url = url.replace("/" + prefix + "events", "/" + prefix + "dlq")
    moved = sqs.call("ReceiveMessage", QueueUrl=dlq_url)["Messages"][0]
    assert moved["MessageId"] == "m-1"
    sqs.call("DeleteMessage", QueueUrl=dlq_url, ReceiptHandle=moved["ReceiptHandle"])
    state = control(port, "state")["queues"]
    assert state[prefix + "dlq"]["messages"][0]["deleted"] is True
    # Attributes.
    attrs = sqs.call("GetQueueAttributes", QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["VisibilityTimeout"] == "30" and "RedrivePolicy" in attrs, attrs
    assert json.loads(attrs["RedrivePolicy"])["maxReceiveCount"] == 2
    # Errors as botocore reports them.
    missing = url.replace("/" + prefix + "events", "/nope")
    assert error_code(lambda: sqs.call("ReceiveMessage", QueueUrl=missing)) == \
        "AWS.SimpleQueueService.NonExistentQueue"
    assert error_code(lambda: sqs.call("DeleteMessage", QueueUrl=url, ReceiptHandle="bogus")) == \
        "ReceiptHandleIsInvalid"
    assert error_code(lambda: sqs.call("ReceiveMessage", QueueUrl=url, MaxNumberOfMessages=11)) == \
        "InvalidParameterValue"
    control(port, "config", {"deny": ["GetQueueAttributes"]})
    assert error_code(lambda: sqs.call("GetQueueAttributes", QueueUrl=url)) == "AccessDenied"
    control(port, "config", {"deny": []})
    assert error_code(lambda: client_class(port, "wrong").call("GetQueueAttributes", QueueUrl=url)) in (
        "InvalidSignatureException", "SignatureDoesNotMatch")
    stats = control(port, "stats")
    assert stats["staleDeletes"] == 1 and stats["movedToDeadLetter"] == 1, stats
    assert stats["signatureFailures"] == 1, stats


if __name__ == "__main__":
    main()
