#!/usr/bin/env python3
"""An idempotent ledger consumer for the eventfabric harness (standard library only).

It consumes billing.payment.captured.v1 envelopes over the consumer protocol
(POST /events), adds each payment to its customer's balance, and publishes a
billing.ledger.entry.posted.v1 event to $EVENTFABRIC_URL.

Idempotency: the envelope id is recorded in the same SQLite transaction that
updates the balance, so a redelivered message (a duplicate, a lost ack, a
crash after the commit) changes nothing and publishes nothing again. The
output event goes through a transactional outbox: it is written in that
transaction and sent afterwards, so a crash between the commit and the send
leaves it in the outbox to be sent on restart.

Run with --naive to get the version that double-counts on redelivery.

  python3 consumer.py --port 8080 --data /tmp/ledger [--naive]
"""

import argparse
import json
import os
import sqlite3
import threading
import urllib.request
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SUPPORTED_CURRENCIES = {"EUR", "USD", "GBP"}
LEDGER_TOPIC = "billing.ledger.entry.posted.v1"
NAMESPACE = uuid.UUID("6f1c7a52-3b1e-4d8e-9c2a-0b5d2f7e8a91")


class Ledger:
    def __init__(self, path, naive):
        self.naive = naive
        self.lock = threading.Lock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS balances (customer TEXT PRIMARY KEY, amount INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS processed (event_id TEXT PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT, body TEXT);
            CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT);
            """
        )

    def reset(self):
        with self.lock:
            self.db.executescript("DELETE FROM balances; DELETE FROM processed; DELETE FROM outbox; DELETE FROM meta;")

    def apply(self, envelope):
        """Returns (status, body)."""
        payload = envelope.get("payload") or {}
        currency = payload.get("currency")
        if currency not in SUPPORTED_CURRENCIES:
            return 422, {
                "error": {
                    "code": "UNSUPPORTED_CURRENCY",
                    "message": f"the ledger does not book {currency}",
                    "details": {"field": "payload.currency"},
                }
            }
        customer = payload["payer"]["customer_id"]
        amount = int(payload["amount"])
        entry = ledger_entry(envelope, customer, amount)
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                if not self.naive:
                    seen = self.db.execute("SELECT 1 FROM processed WHERE event_id = ?", (envelope["id"],)).fetchone()
                    if seen:
                        self.db.execute("ROLLBACK")
                        return 200, {"status": "duplicate"}
                    self.db.execute("INSERT INTO processed (event_id) VALUES (?)", (envelope["id"],))
                self.db.execute(
                    "INSERT INTO balances (customer, amount) VALUES (?, ?) "
                    "ON CONFLICT(customer) DO UPDATE SET amount = amount + excluded.amount",
                    (customer, amount),
                )
                self.db.execute("INSERT INTO outbox (topic, body) VALUES (?, ?)", (LEDGER_TOPIC, json.dumps(entry)))
                self.db.execute(
                    "INSERT OR REPLACE INTO meta (k, v) VALUES ('updated_at', ?)",
                    (datetime.now(timezone.utc).isoformat(),),
                )
                self.db.execute("COMMIT")
            except Exception:
                self.db.execute("ROLLBACK")
                raise
        self.relay()
        return 200, {"status": "booked"}

    def relay(self):
        """Sends what the outbox holds, oldest first; a row leaves the outbox once sent."""
        url = os.environ.get("EVENTFABRIC_URL")
        with self.lock:
            rows = self.db.execute("SELECT seq, topic, body FROM outbox ORDER BY seq").fetchall()
            for seq, topic, body in rows:
                if url:
                    publish(url, topic, json.loads(body))
                self.db.execute("DELETE FROM outbox WHERE seq = ?", (seq,))

    def state(self):
        with self.lock:
            balances = dict(self.db.execute("SELECT customer, amount FROM balances ORDER BY customer").fetchall())
            row = self.db.execute("SELECT v FROM meta WHERE k = 'updated_at'").fetchone()
        return {"balances": balances, "updated_at": row[0] if row else None}


def ledger_entry(payment, customer, amount):
    payload = payment["payload"]
    return {
        # Derived from the payment's id: the same payment always gives the same entry.
        "id": str(uuid.uuid5(NAMESPACE, payment["id"])),
        "type": LEDGER_TOPIC,
        "occurred_at": payload["captured_at"],
        "source": "ledger",
        "correlation_id": payment["correlation_id"],
        "trace_id": payment["trace_id"],
        "payload": {
            "entry_id": "entry-" + payload["payment_id"],
            "journal_id": "journal-" + customer,
            "posted_at": payload["captured_at"],
            "currency": payload["currency"],
            "reference": {"kind": "payment", "id": payload["payment_id"]},
            "lines": [
                {"account": "cash", "direction": "debit", "amount": amount},
                {"account": "receivable:" + customer.replace("-", "_"), "direction": "credit", "amount": amount},
            ],
        },
        "metadata": {"partition_key": customer},
    }


def publish(base_url, topic, envelope):
    body = json.dumps({"records": [{"value": envelope}]}).encode()
    req = urllib.request.Request(
        base_url.rstrip("/") + "/topics/" + topic,
        data=body,
        method="POST",
        headers={"Content-Type": "application/vnd.kafka.json.v2+json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        resp.read()


def make_handler(ledger):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive
        disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stalls

        def log_message(self, fmt, *args):  # quiet
            pass

        def answer(self, status, obj):
            data = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/health":
                self.answer(200, {"status": "ok"})
            elif self.path == "/state":
                self.answer(200, ledger.state())
            else:
                self.answer(404, {"error": {"code": "NOT_FOUND", "message": self.path, "details": {}}})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if self.path == "/reset":
                ledger.reset()
                self.answer(200, {"status": "reset"})
                return
            if self.path != "/events":
                self.answer(404, {"error": {"code": "NOT_FOUND", "message": self.path, "details": {}}})
                return
            try:
                envelope = json.loads(raw)
            except ValueError as e:
                self.answer(400, {"error": {"code": "MALFORMED_JSON", "message": str(e), "details": {}}})
                return
            status, body = ledger.apply(envelope)
            self.answer(status, body)

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data", required=True, help="working folder (the SQLite file goes here)")
    parser.add_argument("--naive", action="store_true", help="no idempotency: double-count redeliveries")
    args = parser.parse_args()
    os.makedirs(args.data, exist_ok=True)
    ledger = Ledger(os.path.join(args.data, "ledger.sqlite"), args.naive)
    ledger.relay()  # whatever a crash left in the outbox
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(ledger))
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
