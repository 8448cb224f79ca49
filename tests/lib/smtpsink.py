"""A real SMTP server for tests (Debian's python3-aiosmtpd), on loopback.

    with SmtpSink() as sink:          # sink.url == "smtp://127.0.0.1:PORT"
        ... start majlis with MAJLIS_SMTP_URL=sink.url ...
        msgs = sink.wait(1, timeout=10)   # list of email.message.EmailMessage

sink.stop() / sink.start() stop and restart it on the same port (to test retries).
"""
import email
import email.policy
import socket
import threading
import time

from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content or envelope.content,
                                       policy=email.policy.default)
        with self.sink.lock:
            self.sink.messages.append(msg)
            self.sink.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink:
    def __init__(self, port=None):
        self.port = port or _free_port()
        self.messages = []
        self.envelopes = []
        self.lock = threading.Lock()
        self.controller = None

    @property
    def url(self):
        return "smtp://127.0.0.1:%d" % self.port

    def start(self):
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    def wait(self, count, timeout=15.0):
        """Waits (bounded) until at least count messages arrived; returns them all."""
        end = time.time() + timeout
        while time.time() < end:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        with self.lock:
            return list(self.messages)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False
