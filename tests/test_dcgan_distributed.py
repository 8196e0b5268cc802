"""Two training processes on the CPU (gloo backend) keep identical weights, as under torchrun."""

import socket

import pytest
import torch
import torch.multiprocessing as mp

from cnn_lib.dcgan.distributed import DistributedContext, init_distributed, wrap_model


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def train_one_rank(rank: int, world_size: int, port: int, folder: str) -> None:
    import os

    os.environ.update(
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=str(port),
        RANK=str(rank),
        WORLD_SIZE=str(world_size),
        LOCAL_RANK=str(rank),
    )
    from cnn_lib.dcgan.config import TrainConfig
    from cnn_lib.dcgan.distributed import close_distributed
    from cnn_lib.dcgan.loop import run_training
    from cnn_lib.dcgan.run import DCGANRun

    config = TrainConfig.from_recipe(
        "fast",
        out=folder,
        image_size=16,
        latent_dim=8,
        generator_width=4,
        discriminator_width=4,
        batch_size=16,
        max_steps=12,
        threads=1,
        device="cpu",
    )
    run = DCGANRun(config, log=lambda *args: None)
    result = run_training(run, progress=False)
    parameters = {
        "generator": [p.detach().clone() for p in result.generator.parameters()],
        "discriminator": [p.detach().clone() for p in result.discriminator.parameters()],
        "steps": result.steps,
        "loss_d": result.history["loss_d"],
    }
    torch.save(parameters, f"{folder}/rank{rank}.pt")
    close_distributed(run.context)


def test_two_gloo_ranks_keep_identical_parameters_after_training(tmp_path):
    # fork, not spawn: the children inherit the imported torch instead of importing it again.
    mp.start_processes(
        train_one_rank,
        args=(2, free_port(), str(tmp_path)),
        nprocs=2,
        join=True,
        start_method="fork",
    )
    first, second = (torch.load(tmp_path / f"rank{rank}.pt") for rank in range(2))
    assert first["steps"] == second["steps"] == 12
    for name in ("generator", "discriminator"):
        for mine, theirs in zip(first[name], second[name], strict=True):
            assert torch.equal(mine, theirs)
    # Different data shards and noise per rank, so the local losses differ: the ranks really
    # saw different batches and stayed in sync only through the averaged gradients.
    assert first["loss_d"] != second["loss_d"]
    # Only rank 0 writes the checkpoint.
    assert (tmp_path / "checkpoint.pt").is_file()


def test_a_lone_process_is_rank_zero_of_one_and_its_model_is_not_wrapped(monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    context = init_distributed()
    assert context == DistributedContext() and context.is_main and not context.enabled
    model = torch.nn.Linear(2, 2)
    assert wrap_model(model, context, torch.device("cpu")) is model


@pytest.mark.parametrize("rank, main", [(0, True), (1, False)])
def test_only_rank_zero_is_main(rank, main):
    assert DistributedContext(rank, 2, rank).is_main is main
