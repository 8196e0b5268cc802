"""Running one training script on several GPUs with DistributedDataParallel (``torchrun``).

``torchrun --nproc_per_node=N -m cnn_lib.dcgan train …`` starts N copies of the
same command and tells each its rank through environment variables. Each copy
trains on its own slice of every batch order; DDP averages the gradients, so all
copies keep identical weights. Only rank 0 writes checkpoints, logs and images.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn

from cnn_lib.device import pick_device


@dataclass(frozen=True)
class DistributedContext:
    """This process's place in a run: its rank, how many processes there are, and its GPU."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def is_main(self) -> bool:
        """Return True for the one process that writes files and prints."""
        return self.rank == 0

    @property
    def enabled(self) -> bool:
        """Return True when more than one process trains together."""
        return self.world_size > 1


def init_distributed(device: str = "auto") -> DistributedContext:
    """Join the process group torchrun describes in the environment; a lone process gets rank 0 of 1.

    ``device`` is the training device asked for (``auto``, ``cuda``, ``mps``, ``cpu``): NCCL
    talks GPU to GPU, so only a CUDA run uses it; every other run uses gloo (as the CPU tests do).
    """
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size == 1:
        return DistributedContext()
    rank, local_rank = int(os.environ["RANK"]), int(os.environ.get("LOCAL_RANK", "0"))
    if not dist.is_initialized():
        backend = "nccl" if pick_device(device).type == "cuda" else "gloo"
        if backend == "nccl":
            torch.cuda.set_device(local_rank)
        dist.init_process_group(backend)
    return DistributedContext(rank, world_size, local_rank)


@contextlib.contextmanager
def main_process_first(context: DistributedContext) -> Iterator[None]:
    """Run the block on rank 0 first and on the others after it, e.g. so a data set downloads once."""
    if context.enabled and not context.is_main:
        dist.barrier()
    yield
    if context.enabled and context.is_main:
        dist.barrier()


def wrap_model(model: nn.Module, context: DistributedContext, device: torch.device) -> nn.Module:
    """Return ``model`` wrapped in DDP when several processes train, else ``model`` itself.

    ``broadcast_buffers=False``: DDP would otherwise copy rank 0's batch-norm statistics into
    every rank before each forward, an in-place write that breaks D's second forward pass
    (real, then fake) before the backward. Parameters still stay identical; only the running
    statistics of batch norm may differ between ranks.
    """
    if not context.enabled:
        return model
    device_ids = [device.index] if device.type == "cuda" else None
    return nn.parallel.DistributedDataParallel(
        model, device_ids=device_ids, broadcast_buffers=False
    )


def agree_on_largest(
    values: list[float], context: DistributedContext, device: torch.device
) -> list[float]:
    """Return each of ``values`` as its largest over all ranks (every rank must call this)."""
    if not context.enabled:
        return list(values)
    agreed = torch.tensor(values, dtype=torch.float64, device=device)
    dist.all_reduce(agreed, op=dist.ReduceOp.MAX)
    return agreed.tolist()


def agree_on_stop(reason: int, context: DistributedContext, device: torch.device) -> int:
    """Return the largest stop reason over all ranks, so every rank stops at the same step."""
    return int(agree_on_largest([reason], context, device)[0])


def gather_to_all(value, context: DistributedContext) -> list:
    """Return every rank's ``value`` (picklable), in rank order (every rank must call this)."""
    if not context.enabled:
        return [value]
    gathered = [None] * context.world_size
    dist.all_gather_object(gathered, value)
    return gathered


def any_rank(flag: bool, context: DistributedContext, device: torch.device) -> bool:
    """Return True on every rank when ``flag`` is True on at least one (every rank must call it)."""
    return bool(agree_on_stop(int(flag), context, device))


def gradients_kept_local(models: tuple[nn.Module, ...]) -> contextlib.AbstractContextManager:
    """Return a context in which the DDP models among ``models`` skip their gradient all-reduce.

    A model may be a ``torch.compile`` wrapper around DDP: the DDP inside is found.
    """
    stack = contextlib.ExitStack()
    for model in models:
        model = getattr(model, "_orig_mod", model)
        if isinstance(model, nn.parallel.DistributedDataParallel):
            stack.enter_context(model.no_sync())
    return stack


def close_distributed(context: DistributedContext) -> None:
    """Leave the process group, if this process joined one."""
    if context.enabled and dist.is_initialized():
        dist.destroy_process_group()
