"""Paragraph signatures: datasketch's MinHash (affine32 scheme) over crc32 hashes of character
3-grams. Computed by the workers, stored in the cache (base64), compared by ``match``."""

from __future__ import annotations

import base64
import zlib
from typing import Any, Sequence

NUM_PERM = 128
SHINGLE = 3
MINHASH_SEED = 20240607


def _shingles(text: str) -> set[bytes]:
    return {text[i : i + SHINGLE].encode("utf-8") for i in range(max(1, len(text) - SHINGLE + 1))}


def signatures(texts: Sequence[str]):
    """MinHash signatures (``len(texts)`` x NUM_PERM uint32 array) of the char 3-gram sets of ``texts``."""
    import numpy as np
    from datasketch import MinHash

    if not texts:
        return np.zeros((0, NUM_PERM), dtype=np.uint32)
    sketches = MinHash.bulk((_shingles(t) for t in texts), num_perm=NUM_PERM, seed=MINHASH_SEED,
                            hashfunc=zlib.crc32, scheme="affine32")
    return np.stack([m.hashvalues for m in sketches]).astype(np.uint32)


def encode_signatures(texts: Sequence[str]) -> str:
    """The signatures of ``texts`` as base64 (little-endian uint32), as the cache stores them."""
    return base64.b64encode(signatures(texts).astype("<u4").tobytes()).decode("ascii") if texts else ""


def decode_signatures(rec: dict[str, Any]):
    """The signatures of a record's paragraphs (``len(paragraphs)`` x NUM_PERM)."""
    import numpy as np

    raw = rec.get("signatures") or b""
    if isinstance(raw, str):  # base64, as hand-made records carry them
        raw = base64.b64decode(raw)
    return np.frombuffer(raw, dtype="<u4").reshape(-1, NUM_PERM) if raw else np.zeros((0, NUM_PERM), dtype=np.uint32)
