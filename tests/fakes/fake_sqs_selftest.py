#!/usr/bin/env python3
"""Self-test of fake_sqs.py: drives it with boto3 (botocore's own JSON-protocol client and
signer), so a fake that drifts from what an AWS SDK sends and expects fails here.

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
import urllib.request

import boto3
import botocore.config
import botocore.exceptions

HERE = os.path.dirname(os.path.abspath(__file__))
KEY, SECRET = "AKIDSQSSELFTEST", "sqs-selftest-secret"


def control(port, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/_fake/{path}", data=data,
                                 method="GET" if body is None else "POST")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def client(port, secret=SECRET):
    return boto3.client("sqs", region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{port}",
                        aws_access_key_id=KEY, aws_secret_access_key=secret,
                        config=botocore.config.Config(retries={"max_attempts": 1}))


def error_code(call):
    try:
        call()
    except botocore.exceptions.ClientError as err:
        return err.response["Error"]["Code"]
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
            run(port)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    print("fake_sqs self-test: ok")


def run(port):
    sqs = client(port)
    control(port, "create-queue", {"name": "dlq"})
    url = control(port, "create-queue", {"name": "events", "visibilityTimeout": 30,
                                         "redrive": {"deadLetterQueue": "dlq",
                                                     "maxReceiveCount": 2}})["QueueUrl"]
    # Long polling: a message sent while the receive waits is delivered to it.
    start = time.time()
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages") is None
    assert time.time() - start >= 0.9, "WaitTimeSeconds was not honoured"
    control(port, "send", {"queue": "events", "body": "first", "messageId": "m-1"})
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5, VisibilityTimeout=1,
                              MessageSystemAttributeNames=["ApproximateReceiveCount"])
    (m,) = got["Messages"]
    assert m["MessageId"] == "m-1" and m["Body"] == "first", m
    assert m["Attributes"]["ApproximateReceiveCount"] == "1", m
    # Invisible for the visibility timeout, then delivered again with a new handle.
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None
    again = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5, VisibilityTimeout=30,
                                AttributeNames=["All"])["Messages"][0]
    assert again["ReceiptHandle"] != m["ReceiptHandle"]
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"
    # The old handle deletes nothing; ChangeMessageVisibility with it is refused.
    sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    assert error_code(lambda: sqs.change_message_visibility(
        QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=5)) == \
        "AWS.SimpleQueueService.MessageNotInflight"
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"],
                                  VisibilityTimeout=0)
    # Received twice (maxReceiveCount 2) and not deleted: it moves to the dead-letter queue.
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages") is None
    dlq_url = url.replace("/events", "/dlq")
    moved = sqs.receive_message(QueueUrl=dlq_url)["Messages"][0]
    assert moved["MessageId"] == "m-1"
    sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=moved["ReceiptHandle"])
    state = control(port, "state")["queues"]
    assert state["dlq"]["messages"][0]["deleted"] is True
    # Attributes.
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["VisibilityTimeout"] == "30" and "RedrivePolicy" in attrs, attrs
    assert json.loads(attrs["RedrivePolicy"])["maxReceiveCount"] == 2
    # Errors as botocore reports them.
    missing = url.replace("/events", "/nope")
    assert error_code(lambda: sqs.receive_message(QueueUrl=missing)) == \
        "AWS.SimpleQueueService.NonExistentQueue"
    assert error_code(lambda: sqs.delete_message(QueueUrl=url, ReceiptHandle="bogus")) == \
        "ReceiptHandleIsInvalid"
    assert error_code(lambda: sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=11)) == \
        "InvalidParameterValue"
    control(port, "config", {"deny": ["GetQueueAttributes"]})
    assert error_code(lambda: sqs.get_queue_attributes(QueueUrl=url)) == "AccessDenied"
    control(port, "config", {"deny": []})
    assert error_code(lambda: client(port, "wrong").get_queue_attributes(QueueUrl=url)) in (
        "InvalidSignatureException", "SignatureDoesNotMatch")
    stats = control(port, "stats")
    assert stats["staleDeletes"] == 1 and stats["movedToDeadLetter"] == 1, stats
    assert stats["signatureFailures"] == 1, stats


if __name__ == "__main__":
    main()
