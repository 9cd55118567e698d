#!/usr/bin/env python3
"""Keystroke -> diagnostics latency of `racewise server` on a real crate.

    scripts/lsp_latency.py target/release/racewise /path/to/crate/src/some_file.rs [ROUNDS]

Opens the file (the crate is the nearest Cargo.toml with a [package] above it), waits for the
first publishDiagnostics (cold), then ROUNDS times changes the buffer (a comment added at the end
and taken away again, as typing would) and times didChange -> publishDiagnostics. The figure
includes the server's 200 ms debounce; `engine` subtracts it. Also times didSave (no debounce).
Prints the diagnostics of the last round as `line:col code` for a comparison with
`racewise check --format json`.
"""

import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse

DEBOUNCE = 0.200


def uri_of(path):
    return "file://" + urllib.parse.quote(os.path.realpath(path))


class Client:
    def __init__(self, binary):
        self.p = subprocess.Popen([binary, "server"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def send(self, msg):
        msg["jsonrpc"] = "2.0"
        body = json.dumps(msg).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def read(self):
        length = None
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise SystemExit("server closed its output")
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.p.stdout.read(length))

    def wait_diagnostics(self, uri):
        while True:
            m = self.read()
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
                return m["params"]["diagnostics"]


def main():
    binary, path = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    text = open(path, encoding="utf-8").read()
    uri = uri_of(path)
    c = Client(binary)
    c.send({"id": 1, "method": "initialize", "params": {"processId": None, "capabilities": {}}})
    c.read()
    c.send({"method": "initialized", "params": {}})
    t = time.monotonic()
    c.send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "rust", "version": 1, "text": text}}})
    diags = c.wait_diagnostics(uri)
    cold = time.monotonic() - t
    times = []
    for i in range(rounds):
        edited = text + ("// typing\n" if i % 2 == 0 else "")
        t = time.monotonic()
        c.send({"method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": i + 2},
            "contentChanges": [{"text": edited}]}})
        diags = c.wait_diagnostics(uri)
        times.append(time.monotonic() - t)
    saves = []
    for _ in range(3):
        t = time.monotonic()
        c.send({"method": "textDocument/didSave", "params": {"textDocument": {"uri": uri}}})
        c.wait_diagnostics(uri)
        saves.append(time.monotonic() - t)
    c.send({"id": 2, "method": "shutdown"})
    c.read()
    c.send({"method": "exit"})
    code = c.p.wait(timeout=30)
    med = statistics.median(times)
    print(f"file: {path}")
    print(f"cold (didOpen -> diagnostics, incl. debounce): {cold * 1000:.0f} ms")
    print(f"keystroke (didChange -> diagnostics, incl. 200 ms debounce), {rounds} rounds: "
          f"median {med * 1000:.0f} ms, min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}")
    print(f"  of which analysis (minus debounce): median {(med - DEBOUNCE) * 1000:.0f} ms")
    print(f"didSave -> diagnostics (no debounce): median {statistics.median(saves) * 1000:.0f} ms")
    print(f"server exit code: {code}")
    print(f"diagnostics ({len(diags)}):")
    for d in sorted(diags, key=lambda d: (d["range"]["start"]["line"], d["code"])):
        s = d["range"]["start"]
        print(f"  {s['line'] + 1}:{s['character'] + 1} {d['code']}")


if __name__ == "__main__":
    main()
