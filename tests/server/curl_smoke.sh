#!/usr/bin/env bash
# The README's curl examples against a real server: create, produce, consume
# through a group, commit, queue publish/receive/ack, metrics. Exits non-zero
# on the first surprise. Usage: curl_smoke.sh /path/to/eventfabric
set -euo pipefail
BIN=$1
DIR=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT
"$BIN" serve --port "$PORT" --data-dir "$DIR" 2>"$DIR/log" &
PID=$!
trap 'kill -9 $PID 2>/dev/null || true; rm -rf "$DIR"' EXIT
for _ in $(seq 200); do curl -sf "$URL/health" >/dev/null && break; sleep 0.02; done

expect() {  # expect <what> <got> <want-substring>
  if [[ "$2" != *"$3"* ]]; then echo "FAIL: $1: got '$2', want '$3'"; exit 1; fi
  echo "ok: $1"
}

expect "health" "$(curl -s "$URL/health")" '"status":"ok"'
expect "create topic" "$(curl -s -XPOST "$URL/admin/topics" -H 'Content-Type: application/json' \
  -d '{"name":"billing.payment.captured.v1","partitions":3}')" '"partitions":3'
expect "produce" "$(curl -s -XPOST "$URL/topics/billing.payment.captured.v1" \
  -H 'Content-Type: application/vnd.kafka.json.v2+json' \
  -d '{"records":[{"key":"order-1","value":{"amount":5}},{"key":"order-2","value":{"amount":7}}]}')" '"offsets":['
expect "create consumer" "$(curl -s -XPOST "$URL/consumers/ledger" -H 'Content-Type: application/vnd.kafka.v2+json' \
  -d '{"name":"c1","auto.offset.reset":"earliest","auto.commit.enable":"false"}')" '"instance_id":"c1"'
expect "subscribe" "$(curl -s -o /dev/null -w '%{http_code}' -XPOST "$URL/consumers/ledger/instances/c1/subscription" \
  -H 'Content-Type: application/vnd.kafka.v2+json' -d '{"topics":["billing.payment.captured.v1"]}')" '204'
expect "consume" "$(curl -s "$URL/consumers/ledger/instances/c1/records?timeout=1000" \
  -H 'Accept: application/vnd.kafka.json.v2+json')" '"amount":'
expect "commit" "$(curl -s -o /dev/null -w '%{http_code}' -XPOST "$URL/consumers/ledger/instances/c1/offsets" \
  -H 'Content-Type: application/vnd.kafka.v2+json')" '204'
expect "declare queue" "$(curl -s -XPUT "$URL/queues/notify.email.high" -H 'Content-Type: application/json' \
  -d '{"max_length":1000}')" '"name":"notify.email.high"'
expect "publish" "$(curl -s -XPOST "$URL/queues/notify.email.high/messages" -H 'Content-Type: application/json' \
  -d '{"body":{"to":"user@example.com"}}')" '"queues":["notify.email.high"]'
RECEIVED=$(curl -s -XPOST "$URL/queues/notify.email.high/receive" -H 'Content-Type: application/json' -d '{"max":1}')
expect "receive" "$RECEIVED" '"delivery_tag":'
TAG=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])[0]["delivery_tag"])' "$RECEIVED")
expect "ack" "$(curl -s -o /dev/null -w '%{http_code}' -XPOST "$URL/queues/notify.email.high/ack" \
  -H 'Content-Type: application/json' -d "{\"delivery_tag\":$TAG}")" '204'
expect "metrics" "$(curl -s "$URL/metrics")" 'eventfabric_produced_total{topic="billing.payment.captured.v1"} 2'
expect "error contract" "$(curl -s -XPOST "$URL/topics/nope.nope.nope.v1" -H 'Content-Type: application/json' \
  -d '{"records":[{"value":1}]}')" '"code":"NOT_FOUND"'
kill -TERM $PID
wait $PID
echo "curl smoke: all passed"
