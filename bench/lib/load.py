"""A small closed-loop load generator (threads, http.client): `concurrency` clients each send the next request
as soon as their previous one is answered, until `count` requests were sent or `seconds` have passed (at least
`concurrency` requests are always sent, so a slow page is still measured)."""

from __future__ import annotations

import http.client
import statistics
import threading
import time


def burst(port: int, path: str, *, cookie: str = "", concurrency: int = 16, count: int = 64, seconds: float = 8.0):
    """Latencies in ms of the answered requests, and the number of answers that were not 200."""
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    issued = 0
    deadline = time.monotonic() + seconds

    def take() -> bool:
        nonlocal issued
        with lock:
            if issued >= count or (issued >= concurrency and time.monotonic() > deadline):
                return False
            issued += 1
            return True

    def client():
        headers = {"Cookie": cookie, "Accept-Language": "ko"} if cookie else {"Accept-Language": "ko"}
        while take():
            started = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except OSError:
                status = 0
            finally:
                connection.close()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors.append(status)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def p50(values):
    return statistics.median(values) if values else float("nan")


def offered(port: int, requests: list, *, rate: float, start: float, clients: int = 0, timeout: float = 900):
    """Open loop: request i is sent at `start + i / rate` (time.time() seconds) whatever the answers so far, by a
    pool of `clients` threads (default: one per request, so a slow server never delays a send). Each request is (method, path, headers,
    body); `headers` may be a function of the send instant (stamping X-Request-Start like the edge does).
    Returns, per request in order: (sent at, latency ms, status, body bytes)."""
    import queue

    results: list = [None] * len(requests)
    timings: list = [None] * len(requests)  # (seconds the send came after its planned instant, seconds to write it)
    work: queue.Queue = queue.Queue()

    def client():
        while True:
            item = work.get()
            if item is None:
                return
            index, (method, path, headers, body) = item
            sent = time.time()
            head = headers(sent) if callable(headers) else headers
            started = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            written = started
            try:
                connection.request(method, path, body=body, headers=head)
                written = time.perf_counter()
                response = connection.getresponse()
                payload = response.read()
                status = response.status
            except OSError:
                status, payload = 0, b""
            finally:
                connection.close()
            results[index] = (sent, (time.perf_counter() - started) * 1000, status, payload)
            timings[index] = (sent - (start + index / rate), written - started)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients or len(requests))]
    for thread in threads:
        thread.start()
    for index, request in enumerate(requests):
        delay = start + index / rate - time.time()
        if delay > 0:
            time.sleep(delay)
        work.put((index, request))
    for _ in threads:
        work.put(None)
    for thread in threads:
        thread.join()
    offered.timings = timings  # the load generator's own delays, to tell them from the server's
    return results
