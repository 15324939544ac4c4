#!/usr/bin/env python3
"""A legacy /dsp peer written from the legacy protocol (legacy-dsp-protocol.md section 2) and nothing else.

It plays both ends over the unchanged wire format, with the `websocket-client` library that the GPU server's
ws_client.py uses:

  1. a GPU worker connects, registers ({"type":"register","role":"worker",...}) and sends its online notice;
  2. an app connects and registers with a license key ({"type":"register","key":...,"device_type":"pc"});
  3. the app submits a delete_asset task (gpu.job.submit) and reads the ack (or gpu.power.offline when queued);
  4. the worker receives the task (gpu.job.submit with key, sender_fd and payload) and answers with the legacy result
     frame (gpu.job.result, error false, result {id, msg}); any other task it receives is answered the same way,
     as a worker would;
  5. the app must receive the result twice, as gpu.job.result and gpu_task_result, for its request id.

Exit status 0 when all of that happened within the timeout, 1 otherwise; every frame is printed as a transcript.

    python3 legacy_ws_client.py --url ws://127.0.0.1:9501/dsp --key "$(cat .dsp-data/demo-license-key)"
"""

import argparse
import json
import sys
import time
import uuid

import websocket


def log(direction, who, frame):
    text = frame if isinstance(frame, str) else json.dumps(frame, ensure_ascii=False)
    print(f"{time.strftime('%H:%M:%S')} {who:6} {direction} {text}", flush=True)


def send(ws, who, frame):
    log("->", who, frame)
    ws.send(json.dumps(frame, ensure_ascii=False))


def receive(ws, who, deadline):
    """The next JSON frame, or None when the deadline passed; pings from the gateway are answered as ws_client does."""
    while True:
        left = deadline - time.time()
        if left <= 0:
            return None
        ws.settimeout(left)
        try:
            text = ws.recv()
        except websocket.WebSocketTimeoutException:
            return None
        if not text:
            continue
        frame = json.loads(text)
        log("<-", who, frame)
        if frame.get("type") == "ping":
            send(ws, who, {"type": "pong"})
            continue
        return frame


def wait_for(ws, who, deadline, predicate, what):
    while True:
        frame = receive(ws, who, deadline)
        if frame is None:
            raise AssertionError(f"{who}: no {what} before the timeout")
        if predicate(frame):
            return frame


def answer_task(worker, job):
    """The worker's send_result for a delete_asset task (legacy section 2.6)."""
    payload = job.get("payload") or {}
    send(worker, "worker", {
        "type": "gpu.job.result",
        "task_type": job.get("task_type"),
        "request_id": job.get("request_id"),
        "key": job.get("key"),
        "sender_fd": job.get("sender_fd", 0),
        "error": False,
        "result": {"id": payload.get("id"), "msg": "删除成功"},
    })


def run(url, key, timeout):
    deadline = time.time() + timeout
    worker = websocket.create_connection(url, timeout=timeout)
    client = websocket.create_connection(url, timeout=timeout)
    try:
        connected = wait_for(worker, "worker", deadline, lambda f: f.get("type") == "connected", "connected")
        assert isinstance(connected.get("fd"), int), "connected carries the fd"
        now = int(time.time())
        send(worker, "worker", {"type": "register", "role": "worker", "version": "1.0", "ts": now})
        send(worker, "worker", {"type": "gpu.power.online", "status": "running", "msg": "GPU服务器已启动", "ts": now})
        registered = wait_for(worker, "worker", deadline, lambda f: f.get("type") in ("registered", "error"),
                              "registered")
        assert registered == {"type": "registered", "role": "worker"}, f"worker registration refused: {registered}"

        client_fd = wait_for(client, "client", deadline, lambda f: f.get("type") == "connected", "connected")["fd"]
        send(client, "client", {"type": "register", "key": key, "device_type": "pc"})
        registered = wait_for(client, "client", deadline, lambda f: f.get("type") in ("registered", "error"),
                              "registered")
        assert registered.get("type") == "registered" and registered.get("key") == key, \
            f"client registration refused: {registered}"

        request_id = "py_" + uuid.uuid4().hex
        asset_id = int(time.time()) % 100000
        submitted = time.time()
        send(client, "client", {"type": "gpu.job.submit", "task_type": "delete_asset", "request_id": request_id,
                                "payload": {"id": asset_id, "license_key": key}})
        reply = wait_for(client, "client", deadline,
                         lambda f: f.get("request_id") == request_id or f.get("type") == "error", "ack")
        assert reply.get("type") in ("ack", "gpu.power.offline"), f"submit refused: {reply}"
        if reply["type"] == "ack":
            assert reply.get("msg") == "已提交到GPU服务器", reply

        while True:
            job = wait_for(worker, "worker", deadline, lambda f: f.get("type") == "gpu.job.submit", "task")
            answer_task(worker, job)
            # the worker knows the task by the id scoped to the app's license (c<tag>-<the app's id>, ADR 015)
            if (job.get("request_id") or "").endswith("-" + request_id):
                break
        received = time.time()
        assert job.get("task_type") == "delete_asset", job
        assert job.get("key") == key, job
        assert job.get("sender_fd") == client_fd, f"sender_fd {job.get('sender_fd')} is not the client's {client_fd}"
        assert (job.get("payload") or {}).get("id") == asset_id, job

        results = {}
        while len(results) < 2:
            frame = wait_for(client, "client", deadline,
                             lambda f: f.get("type") in ("gpu.job.result", "gpu_task_result")
                             and f.get("request_id") == request_id, "result")
            results[frame["type"]] = frame
        for frame in results.values():
            assert frame.get("error") in (None, False), frame
            assert frame.get("result", {}).get("id") == asset_id, frame
            assert frame.get("task_type") == "delete_asset", frame
        done = time.time()
        print(f"OK request_id={request_id} submit->worker {1000 * (received - submitted):.0f} ms, "
              f"submit->result {1000 * (done - submitted):.0f} ms", flush=True)
        return 0
    finally:
        worker.close()
        client.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="ws://127.0.0.1:9501/dsp")
    parser.add_argument("--key", required=True, help="an active license key")
    parser.add_argument("--timeout", type=float, default=60, help="seconds for the whole exchange")
    args = parser.parse_args()
    try:
        return run(args.url, args.key, args.timeout)
    except (AssertionError, OSError, websocket.WebSocketException, ValueError) as e:
        print(f"FAILED: {e}", file=sys.stderr, flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
