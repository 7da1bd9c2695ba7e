"""Run by tests/test_distributed.py under torchrun: a visionlab command with what each rank did recorded.

    torchrun --standalone --nproc-per-node 2 tests/ddp_worker.py RECORD_DIR visionlab-arguments...

Writes ``RECORD_DIR/rank<R>.json``: the training indices each epoch's sampler gave this rank, and a
SHA-256 of the model's tensors when training ended (before the final evaluation), for ``train classify``,
``train segment`` and ``distill``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import visionlab.train.classify as classify
import visionlab.train.segment as segment
from visionlab import cli
from visionlab.train.distributed import ShardedPermutation


def _digest(model) -> str:
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode() + tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def main() -> int:
    record, args = Path(sys.argv[1]), sys.argv[2:]
    rank = int(os.environ.get("RANK", "0"))
    seen: list[list[int]] = []
    weights: list[str] = []
    sharded_iter = ShardedPermutation.__iter__

    def recording_iter(self):
        order = list(sharded_iter(self))
        seen.append(order)
        return iter(order)

    evaluate_best = segment.evaluate_best

    def recording_evaluate(s):
        weights.append(_digest(s.model))
        return evaluate_best(s)

    fit_classifier = classify._fit

    def recording_fit(trainer, s, on_epoch_end, *rest):
        fit_classifier(trainer, s, on_epoch_end, *rest)
        weights.append(_digest(s.model))

    ShardedPermutation.__iter__ = recording_iter  # type: ignore[method-assign]
    segment.evaluate_best = recording_evaluate
    classify._fit = recording_fit
    code = cli.main(args)
    record.mkdir(parents=True, exist_ok=True)
    (record / f"rank{rank}.json").write_text(json.dumps({"indices": seen, "weights": weights}))
    return code


if __name__ == "__main__":
    sys.exit(main())
