"""Duplicate detection for ``visionlab data check``: exact copies (same SHA-256) and near copies (pHash).

Near duplicates are 64-bit perceptual hashes within a Hamming distance; every duplicate group is
placed (within a class, across classes, across splits) and names the copy to keep.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from visionlab.data.check_report import DuplicateGroup, ImageRecord


def _popcount(x: np.ndarray) -> np.ndarray:
    if hasattr(np, "bitwise_count"):  # numpy >= 2
        return np.bitwise_count(x)
    return np.unpackbits(x.view(np.uint8).reshape(*x.shape, 8), axis=-1).sum(-1)


def near_pairs(hashes: np.ndarray, threshold: int, chunk: int = 512) -> list[tuple[int, int]]:
    """Index pairs ``i < j`` whose 64-bit hashes differ in at most ``threshold`` bits (all pairs, chunked)."""
    hashes = np.asarray(hashes, dtype=np.uint64)
    pairs: list[tuple[int, int]] = []
    for start in range(0, len(hashes), chunk):
        dist = _popcount(hashes[start:start + chunk, None] ^ hashes[None, :])
        rows, cols = np.nonzero(dist <= threshold)
        rows = rows + start
        keep = cols > rows
        pairs += list(zip(rows[keep].tolist(), cols[keep].tolist()))
    return pairs


def _components(n: int, pairs: list[tuple[int, int]]) -> list[list[int]]:
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs:
        parent[find(i)] = find(j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[find(i)].append(i)
    return [g for g in groups.values() if len(g) > 1]


def _scopes(members: list[ImageRecord]) -> list[str]:
    scopes = []
    if any(n > 1 for n in Counter((r.split, r.label) for r in members).values()):
        scopes.append("within class")
    if len({r.label for r in members}) > 1:
        scopes.append("across classes")
    if len({r.split for r in members}) > 1:
        scopes.append("across splits")
    return scopes


def _keep_key(r: ImageRecord) -> tuple:
    """The copy to keep sorts first: in train (or a flat layout), more pixels, more bytes, first path."""
    return (r.split not in (None, "train"), -(r.width * r.height), -r.bytes, r.path)


def _group(kind: str, members: list[ImageRecord], distance: int = 0) -> DuplicateGroup:
    members = sorted(members, key=_keep_key)
    return DuplicateGroup(kind, [r.path for r in members], _scopes(members), members[0].path, distance)


def find_duplicates(records: list[ImageRecord], near_threshold: int) -> list[DuplicateGroup]:
    """Exact groups (same SHA-256) and near groups (pHash within ``near_threshold``, more than one SHA).

    Every exact group lies inside one near group (equal bytes give equal hashes), and both pick the
    kept file with the same rule, so fixing keeps exactly one file of each connected set.
    """
    readable = [r for r in records if r.error is None]
    by_sha: dict[str, list[ImageRecord]] = defaultdict(list)
    for r in readable:
        by_sha[r.sha256].append(r)
    groups = [_group("exact", members) for members in by_sha.values() if len(members) > 1]
    hashed = [r for r in readable if r.phash is not None]
    if near_threshold < 0 or len(hashed) < 2:
        return groups
    hashes = np.array([r.phash for r in hashed], dtype=np.uint64)
    for comp in _components(len(hashed), near_pairs(hashes, near_threshold)):
        members = [hashed[i] for i in comp]
        if len({r.sha256 for r in members}) > 1:
            sub = hashes[comp]
            distance = int(_popcount(sub[:, None] ^ sub[None, :]).max())
            groups.append(_group("near", members, distance))
    return groups
