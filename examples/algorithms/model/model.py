"""A model with 128 MiB of 32-bit weights, loaded and verified before the instance reports ready.

Input: text, or JSON {"text": "..."}. Output: JSON with a score per token and their mean,
computed from the weights. The load (read + checksum of the whole file) is the cold start
a warm instance avoids.
"""
import array
import hashlib
import json
import os
import sys
import time


def load(path):
    started = time.monotonic()
    with open(path, "rb") as f:
        raw = f.read()
    checksum = hashlib.sha256(raw).hexdigest()
    weights = array.array("i")
    weights.frombytes(raw)
    print(f"loaded {path}: {len(raw)} bytes, {len(weights)} weights, sha256 {checksum[:16]}, "
          f"{time.monotonic() - started:.2f} s", flush=True)
    return weights, checksum


def score(weights, text):
    tokens = text.lower().split()
    scores = []
    for token in tokens:
        h = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")
        scores.append(round(weights[h % len(weights)] / 2147483648, 6))
    return {"tokens": tokens, "scores": scores, "mean": round(sum(scores) / len(scores), 6) if scores else 0.0}


def main():
    weights, checksum = load(os.path.join(os.path.dirname(os.path.abspath(__file__)), "model.bin"))
    out = open(os.environ["ALGOOUT"], "w", encoding="utf-8")
    print("PIPE_INIT_COMPLETE", flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        data = request["data"]
        if request["content_type"] == "json" and isinstance(data, dict):
            data = data.get("text")
        if not isinstance(data, str):
            response = {"error": {"message": "send text, or JSON {\"text\": \"...\"}"}}
        else:
            result = score(weights, data)
            result["model"] = checksum[:16]
            response = {"result": result, "content_type": "json"}
        out.write(json.dumps(response) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
