#!/usr/bin/python3
"""A real SMTP server for Kampagne's tests (Debian's python3-aiosmtpd).

Stores every accepted message as NNNNNN.eml in --store and answers as told by a JSON rules
file that is read again on every command, so a test can change behaviour mid-run:

    {"rcpt": {"addr@x.example": "550 5.1.1 User unknown"},   # reply to RCPT TO for an address
     "fail_after": 20, "fail_reply": "421 4.3.2 Closing",     # reply to DATA after N messages
     "die_after": 20,                                          # the process exits after N messages
     "delay": 0.01}                                            # seconds to wait before accepting DATA

Prints "READY <port>" when it listens. Optional STARTTLS (--cert/--key, --require-tls) and
AUTH PLAIN/LOGIN (--auth user:password).
"""
import argparse
import asyncio
import base64
import json
import os
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, AuthResult, LoginPassword


class Recorder:
    def __init__(self, store, rules, credentials=None):
        self.credentials = credentials
        self.store = store
        self.rules_path = rules
        self.lock = threading.Lock()
        os.makedirs(store, exist_ok=True)
        self.count = len([n for n in os.listdir(store) if n.endswith(".eml")])

    def rules(self):
        try:
            with open(self.rules_path, encoding="utf-8") as f:
                return json.load(f)
        except (FileNotFoundError, json.JSONDecodeError, TypeError):
            return {}

    async def auth_XOAUTH2(self, server, args):
        """SASL XOAUTH2: base64("user=" user "\\1auth=Bearer " token "\\1\\1"); the token is the password."""
        if len(args) > 1:
            blob = base64.b64decode(args[1])
        else:
            blob = await server.challenge_auth("")
            if blob is MISSING:
                return AuthResult(success=False, handled=False)
        fields = dict(part.split("=", 1) for part in blob.decode().split("\x01") if "=" in part)
        user, token = (self.credentials or ":").split(":", 1)
        ok = bool(self.credentials) and fields.get("user") == user and fields.get("auth") == f"Bearer {token}"
        return AuthResult(success=ok, handled=False)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.rules().get("rcpt", {}).get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        rules = self.rules()
        if "die_after" in rules and self.count >= rules["die_after"]:
            os._exit(3)
        if "fail_after" in rules and self.count >= rules["fail_after"]:
            return rules.get("fail_reply", "421 4.3.2 Service shutting down")
        if rules.get("delay"):
            await asyncio.sleep(rules["delay"])
        with self.lock:
            self.count += 1
            number = self.count
            name = os.path.join(self.store, f"{number:06d}.eml")
            with open(name + ".tmp", "wb") as f:
                f.write(f"X-Test-Rcpt: {','.join(envelope.rcpt_tos)}\r\n".encode())
                f.write(f"X-Test-Mail-From: {envelope.mail_from}\r\n".encode())
                f.write(envelope.original_content or envelope.content)
            os.rename(name + ".tmp", name)
        return f"250 2.0.0 OK queued as {number}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--store", required=True)
    parser.add_argument("--rules", default="")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--require-tls", action="store_true")
    parser.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte (smtps://)")
    parser.add_argument("--auth", help="user:password; AUTH is then required")
    args = parser.parse_args()

    kwargs = {}
    ssl_context = None
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
        if args.implicit_tls:
            ssl_context = context
        else:
            kwargs["tls_context"] = context
            kwargs["require_starttls"] = args.require_tls
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
                and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False)

        kwargs["authenticator"] = authenticator
        kwargs["auth_required"] = True
        kwargs["auth_require_tls"] = bool(args.cert)

    controller = Controller(Recorder(args.store, args.rules, args.auth), hostname="127.0.0.1", port=args.port,
                            ssl_context=ssl_context, server_kwargs={"data_size_limit": 50_000_000}, **kwargs)
    controller.start()
    print(f"READY {args.port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    sys.exit(main())
