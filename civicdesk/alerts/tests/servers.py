"""Real servers on loopback standing in for the outside world: an SMTP server
(aiosmtpd), Africa's Talking's messaging API and a Web Push service (http.server)."""

import asyncio
import json
import socket
import threading
import time
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """aiosmtpd handler: keeps each message the server accepted, after an optional delay.
    A client that hangs up during the delay cancels the handler: nothing is accepted."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.delay = 0.0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10) -> list[Message]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.messages)


class SmtpServer:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.mailbox = Mailbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class _Recording(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def _reply(self, status: int, payload: dict | None = None) -> None:
        body = json.dumps(payload).encode() if payload is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _AfricasTalking(_Recording):
    """POST /version1/messaging as Africa's Talking answers it."""

    def do_POST(self) -> None:
        form = {k: v[0] for k, v in parse_qs(self._body().decode()).items()}
        server = self.server
        if self.path != "/version1/messaging" or self.headers.get("apiKey") != server.api_key:
            self._reply(401, {"error": "The supplied authentication is invalid"})
            return
        server.requests.append(form)
        ok = not form["to"].startswith("+000")
        self._reply(
            201,
            {
                "SMSMessageData": {
                    "Message": "Sent to 1/1 Total Cost: ZAR 0.3500" if ok else "Sent to 0/1",
                    "Recipients": [
                        {
                            "statusCode": 101 if ok else 403,
                            "number": form["to"],
                            "status": "Success" if ok else "InvalidPhoneNumber",
                            "cost": "ZAR 0.3500" if ok else "0",
                            "messageId": f"ATXid_{len(server.requests)}",
                        }
                    ],
                }
            },
        )


class _PushService(_Recording):
    """A Web Push endpoint: keeps each encrypted message with its headers; /gone/… is 410."""

    def do_POST(self) -> None:
        body = self._body()
        if self.path.startswith("/gone/"):
            self._reply(410, {"error": "subscription expired"})
            return
        self.server.requests.append(
            {
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body,
            }
        )
        self._reply(201)


class HttpStandIn:
    def __init__(self, handler: type[BaseHTTPRequestHandler], **attributes) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.requests = []
        for name, value in attributes.items():
            setattr(self.server, name, value)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    @property
    def requests(self) -> list:
        return self.server.requests

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def africas_talking(api_key: str) -> HttpStandIn:
    return HttpStandIn(_AfricasTalking, api_key=api_key)


def push_service() -> HttpStandIn:
    return HttpStandIn(_PushService)
