#!/usr/bin/env python3
"""The original GPT-SoVITS chat clients' reading of mirrorvox, standard library only.

Both generations (0.1.x and 0.99) of the original client read /api/chat as
    for line in res.iter_lines():
        if line:
            ev = json.loads(line.decode("utf-8")[6:])
and decode every event whose "done" is false with
    base64.urlsafe_b64decode(ev["file"].encode("utf-8"))
This script does exactly that over a real socket (requests' iter_lines is
rebuilt on http.client: 512-byte reads, bytes.splitlines, the last partial
line carried over) and fails, with the client's own traceback, on anything
else. It prints one JSON summary line on success.

usage: original_client.py chat PORT BODY_JSON
       original_client.py asr PORT WAV_PATH
"""
import base64
import http.client
import io
import json
import sys
import wave


def iter_lines(res, chunk_size=512):
    # requests.Response.iter_lines(), delimiter None.
    pending = None
    while True:
        chunk = res.read1(chunk_size) if hasattr(res, "read1") else res.read(chunk_size)
        if not chunk:
            break
        if pending is not None:
            chunk = pending + chunk
        lines = chunk.splitlines()
        if lines and lines[-1] and chunk and lines[-1][-1] == chunk[-1]:
            pending = lines.pop()
        else:
            pending = None
        for line in lines:
            yield line
    if pending is not None:
        yield pending


def post(port, path, body):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("POST", path, body=body.encode("utf-8"),
                 headers={"Content-Type": "application/json"})
    return conn, conn.getresponse()


def chat(port, body):
    conn, res = post(port, "/api/chat", body)
    events = []
    audio = []
    for line in iter_lines(res):
        if line:
            ev = json.loads(line.decode("utf-8")[6:])
            if not ev["done"]:
                wav = base64.urlsafe_b64decode(ev["file"].encode("utf-8"))
                with wave.open(io.BytesIO(wav)) as w:  # what the client plays
                    seconds = w.getnframes() / w.getframerate()
                audio.append({"bytes": len(wav), "seconds": seconds})
            events.append(ev)
    conn.close()
    for ev in events:
        if ev.get("file"):
            ev["file"] = len(ev["file"])  # keep the summary short
    print(json.dumps({"status": res.status, "content_type": res.getheader("Content-Type"),
                      "events": events, "audio": audio}, ensure_ascii=False))


def asr(port, wav_path):
    with open(wav_path, "rb") as f:
        data = base64.urlsafe_b64encode(f.read()).decode("utf-8")
    conn, res = post(port, "/api/asr", json.dumps({"data": data}))
    text = res.read().decode("utf-8")
    conn.close()
    # The GUI clients: 0.1.x checks `res.json() == "None"`, 0.99 `is None`.
    value = json.loads(text)
    print(json.dumps({"status": res.status, "json": value,
                      "gate_01x": value == "None", "gate_099": value is None},
                     ensure_ascii=False))


if __name__ == "__main__":
    mode, port, arg = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if mode == "chat":
        chat(port, arg)
    elif mode == "asr":
        asr(port, arg)
    else:
        sys.exit("unknown mode " + mode)
