"""Build step: writes model.bin, a 128 MiB table of 32-bit weights from a fixed seed.

The weights are the same on every build, so the build's content hash is stable. The file is
generated here rather than committed, as real model weights would be fetched or trained.
"""
import hashlib
import os
import random

SIZE = 128 * 1024 * 1024
PATH = "model.bin"


def main():
    if os.path.exists(PATH) and os.path.getsize(PATH) == SIZE:
        print(f"{PATH} is up to date ({SIZE} bytes)")
        return
    rng = random.Random(20240601)
    chunk = 8 * 1024 * 1024
    digest = hashlib.sha256()
    with open(PATH + ".tmp", "wb") as out:
        for _ in range(SIZE // chunk):
            block = rng.randbytes(chunk)
            digest.update(block)
            out.write(block)
    os.replace(PATH + ".tmp", PATH)
    print(f"wrote {PATH}: {SIZE} bytes, sha256 {digest.hexdigest()}")


if __name__ == "__main__":
    main()
