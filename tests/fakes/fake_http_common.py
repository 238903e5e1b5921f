"""Shared plumbing of the small fakes of AWS endpoints in this folder.

These are test fakes of services that cannot run here (STS, the EC2 instance metadata
service, the ECS container credentials endpoint, a scripted AWS JSON service). Each listens
on 127.0.0.1 on a port it chooses and writes that port to --port-file (written whole, by
rename), then serves until SIGTERM. Requests can be logged as JSON lines to --log.
"""

import argparse
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def base_arguments(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--port-file", required=True, help="where to write the chosen port")
    parser.add_argument("--log", help="append one JSON line per request here")
    return parser


class FakeHandler(BaseHTTPRequestHandler):
    """A handler with helpers; subclasses implement handle_request()."""

    protocol_version = "HTTP/1.1"
    log_lock = threading.Lock()
    options = None  # the parsed arguments, set by serve()

    def log_message(self, *args):  # quiet: tests read --log instead
        pass

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def record(self, entry):
        if not self.options.log:
            return
        with self.log_lock:
            with open(self.options.log, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")

    def answer(self, status, body, content_type="application/json", headers=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.handle_request("GET")

    def do_PUT(self):
        self.handle_request("PUT")

    def do_POST(self):
        self.handle_request("POST")

    def handle_request(self, method):
        raise NotImplementedError


def serve(handler_class, options):
    handler_class.options = options
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    server.daemon_threads = True
    tmp = options.port_file + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, options.port_file)

    def stop(*_):
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    server.serve_forever()
