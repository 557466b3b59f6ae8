"""Measures the model example's cold and warm call latency through Hearth.

    python3 measure_cold_warm.py URL ALGORITHM KEY OTHER_KEY

KEY's first call is the first cold start (the worker fetches the 135 MiB build, unpacks it, starts the
process, which loads and checksums its weights); then 300 warm calls on one connection; then OTHER_KEY's
first call, a cold start whose build is already cached on the worker (instances are never shared across
accounts). Prints one JSON line. Run it on a fresh cluster, before anything else has called ALGORITHM.
"""
import http.client
import json
import statistics
import sys
import time
import urllib.parse


def call(connection, path, key):
    started = time.perf_counter()
    connection.request("POST", path, body=b"the quick brown fox",
                       headers={"Authorization": "Simple " + key, "Content-Type": "text/plain"})
    response = connection.getresponse()
    body = json.loads(response.read())
    if response.status != 200:
        sys.exit(f"call failed with HTTP {response.status}: {body}")
    return time.perf_counter() - started, body["metadata"]["cold_start"]


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    url, algorithm, key, other_key = sys.argv[1:]
    parsed = urllib.parse.urlparse(url)
    path = f"/v1/algo/{algorithm}"
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port)
    first, first_cold = call(connection, path, key)
    warm = sorted(call(connection, path, key)[0] for _ in range(300))
    cached, cached_cold = call(http.client.HTTPConnection(parsed.hostname, parsed.port), path, other_key)
    p50 = statistics.median(warm)
    print(json.dumps({
        "first_cold_s": round(first, 3), "cached_cold_s": round(cached, 3),
        "warm_p50_ms": round(p50 * 1000, 3), "warm_p90_ms": round(warm[int(0.9 * len(warm))] * 1000, 3),
        "cold_warm_ratio": round(first / p50), "cached_cold_warm_ratio": round(cached / p50),
        "cold_start_flags": [first_cold, cached_cold],
    }))


if __name__ == "__main__":
    main()
