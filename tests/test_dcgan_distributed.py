"""Two training processes on the CPU (gloo backend) keep identical weights, as under torchrun."""

import os
import socket
import time

import pytest
import torch
import torch.multiprocessing as mp

from cnn_lib.dcgan.distributed import DistributedContext, init_distributed, wrap_model
from tests.dcgan_tiny import tiny_config


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def train_one_rank(rank: int, world_size: int, port: int, folder: str) -> None:
    join_group(rank, world_size, port)
    from cnn_lib.dcgan.loop import run_training
    from cnn_lib.dcgan.run import DCGANRun

    config = tiny_config(folder, device="cpu", batch_size=16, max_steps=12)
    run = DCGANRun(config, log=lambda *args: None)
    from torch.distributed.algorithms.ddp_comm_hooks.default_hooks import allreduce_hook

    reduced = []  # D's gradient all-reduces, one per bucket

    def counting_allreduce(state, bucket):
        reduced.append(1)
        return allreduce_hook(state, bucket)

    run.discriminator.register_comm_hook(None, counting_allreduce)
    result = run_training(run, progress=False)
    parameters = {
        "discriminator_all_reduces": len(reduced),
        "generator": [p.detach().clone() for p in result.generator.parameters()],
        "discriminator": [p.detach().clone() for p in result.discriminator.parameters()],
        "steps": result.steps,
        "loss_d": result.history["loss_d"],
    }
    torch.save(parameters, f"{folder}/rank{rank}.pt")
    run.close()


def test_two_gloo_ranks_keep_identical_parameters_after_training(tmp_path):
    join_or_fail(2, train_one_rank, str(tmp_path))
    first, second = (torch.load(tmp_path / f"rank{rank}.pt") for rank in range(2))
    assert first["steps"] == second["steps"] == 12
    for name in ("generator", "discriminator"):
        for mine, theirs in zip(first[name], second[name], strict=True):
            assert torch.equal(mine, theirs)
    # Different data shards and noise per rank, so the local losses differ: the ranks really
    # saw different batches and stayed in sync only through the averaged gradients.
    assert first["loss_d"] != second["loss_d"]
    # D's gradients are averaged once a step (its own update), never for G's update.
    assert first["discriminator_all_reduces"] == 12
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


def join_or_fail(world_size: int, function, *args, timeout: float = 120.0) -> None:
    """Run ``function(rank, world_size, port, *args)`` in forked ranks; fail (not hang) on a deadlock.

    Forked, not spawned: the children inherit the imported torch instead of importing it again.
    """
    context = mp.start_processes(
        function,
        args=(world_size, free_port(), *args),
        nprocs=world_size,
        join=False,
        start_method="fork",
    )
    deadline = time.monotonic() + timeout
    while not context.join(timeout=1.0):
        if time.monotonic() > deadline:
            for process in context.processes:
                if process.is_alive():
                    process.kill()
            pytest.fail(f"the ranks were still waiting on each other after {timeout:.0f} s")


def join_group(rank: int, world_size: int, port: int) -> None:
    """Set up a forked rank: torchrun's environment, one thread, a traceback if it hangs."""
    import faulthandler

    # A forked child must not enter the parent's OpenMP thread pool, which it did not inherit.
    torch.set_num_threads(1)
    # If this rank hangs, print where (pytest shows it) and exit before join_or_fail gives up.
    faulthandler.dump_traceback_later(100, exit=True)
    os.environ.update(
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=str(port),
        RANK=str(rank),
        WORLD_SIZE=str(world_size),
        LOCAL_RANK=str(rank),
    )


def train_rank_with(rank, world_size, port, folder, options, prepare) -> None:
    """Train a tiny fast-recipe run on this rank after ``prepare(rank)``; save what it ended with."""
    join_group(rank, world_size, port)
    import torch.distributed as dist

    from cnn_lib.dcgan.loop import TrainingDiverged, train_dcgan

    prepare(rank)
    config = tiny_config(folder, **{"device": "cpu", "batch_size": 16, **options})
    messages = []
    try:
        result = train_dcgan(config, progress=False, log=messages.append)
        ended = {
            "steps": result.steps,
            "generator": [p.detach().clone() for p in result.generator.parameters()],
            "discriminator": [p.detach().clone() for p in result.discriminator.parameters()],
        }
    except TrainingDiverged as error:
        ended = {"diverged": str(error)}
    ended.update(messages=messages, still_in_group=dist.is_initialized())
    torch.save(ended, f"{folder}/rank{rank}.pt")


def results(folder, world_size: int = 2) -> list[dict]:
    return [torch.load(f"{folder}/rank{rank}.pt") for rank in range(world_size)]


def assert_same_parameters(first: dict, second: dict) -> None:
    for name in ("generator", "discriminator"):
        for mine, theirs in zip(first[name], second[name], strict=True):
            assert torch.equal(mine, theirs)


def compile_fails_on_rank_one(rank: int) -> None:
    """torch.compile that works on rank 0 and fails lazily, in the first forward, on rank 1."""

    class Compiled(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self._orig_mod = model

        def forward(self, *args, **kwargs):
            if rank == 1:
                raise RuntimeError("no compiler on this rank")
            return self._orig_mod(*args, **kwargs)

    torch.compile = lambda model, **options: Compiled(model)


@pytest.mark.slow
def test_a_compile_failure_on_one_rank_sends_every_rank_down_the_eager_path(tmp_path):
    options = {"max_steps": 4, "compile": True}
    join_or_fail(2, train_rank_with, str(tmp_path), options, compile_fails_on_rank_one)
    first, second = results(tmp_path)
    assert first["steps"] == second["steps"] == 4
    assert_same_parameters(first, second)
    assert any("torch.compile failed" in message for message in first["messages"])


def clock_runs_three_times_fast_on_rank_one(rank: int) -> None:
    """Skew rank 1's training clock, as a rank pausing for file writes or a slower host would."""
    if rank == 1:
        import types

        import cnn_lib.dcgan.loop as loop

        real, start = time.perf_counter, time.perf_counter()
        loop.time = types.SimpleNamespace(perf_counter=lambda: start + 3 * (real() - start))


@pytest.mark.slow
def test_ranks_with_skewed_clocks_stop_together_at_max_seconds(tmp_path):
    # Stops are agreed at epoch ends; log_every is large so no other agreement happens first.
    options = {"max_seconds": 1.5, "log_every": 1000, "checkpoint_seconds": 1000, "lr_decay": False}
    join_or_fail(
        2, train_rank_with, str(tmp_path), options, clock_runs_three_times_fast_on_rank_one
    )
    first, second = results(tmp_path)
    assert first["steps"] == second["steps"] > 0


def a_nan_on_rank_one_at_step_five(rank: int) -> None:
    """Make rank 1 alone report a NaN loss at step 5 (its weights stay finite)."""
    if rank == 1:
        from cnn_lib.dcgan.run import DCGANRun

        real_step = DCGANRun._train_step

        def poisoned(self, *args, **kwargs):
            stats = real_step(self, *args, **kwargs)
            if self.step == 5:
                stats["loss_d"] = torch.tensor(float("nan"))
            return stats

        DCGANRun._train_step = poisoned


@pytest.mark.slow
def test_a_nan_seen_by_one_rank_stops_every_rank(tmp_path):
    options = {"max_steps": 60, "log_every": 1000, "checkpoint_seconds": 1000}
    join_or_fail(2, train_rank_with, str(tmp_path), options, a_nan_on_rank_one_at_step_five)
    first, second = results(tmp_path)
    assert "NaN" in first.get("diverged", "") and "NaN" in second.get("diverged", "")


@pytest.mark.slow
def test_ranks_with_skewed_clocks_decay_the_learning_rate_alike_and_stay_in_sync(tmp_path):
    options = {"max_seconds": 1.5, "checkpoint_seconds": 1000, "lr_decay": True}
    join_or_fail(
        2, train_rank_with, str(tmp_path), options, clock_runs_three_times_fast_on_rank_one
    )
    first, second = results(tmp_path)
    assert first["steps"] == second["steps"] > 0
    assert_same_parameters(first, second)


def random_streams_of_rank(rank, world_size, port, folder, phase) -> None:
    """Phase "train": train 4 steps; phase "resume": only load the checkpoint. Save the streams."""
    join_group(rank, world_size, port)
    from cnn_lib.dcgan.loop import run_training
    from cnn_lib.dcgan.run import DCGANRun

    config = tiny_config(folder, device="cpu", batch_size=16, max_steps=4, resume=phase == "resume")
    run = DCGANRun(config, log=lambda *args: None)
    if phase == "train":
        run_training(run, progress=False)
    streams = {"noise": run.noise_random.get_state(), "augment": run.augment_random.get_state()}
    torch.save(streams, f"{folder}/{phase}{rank}.pt")
    run.close()


@pytest.mark.slow
def test_a_resume_under_two_ranks_gives_each_rank_its_own_random_streams_back(tmp_path):
    join_or_fail(2, random_streams_of_rank, str(tmp_path), "train")
    join_or_fail(2, random_streams_of_rank, str(tmp_path), "resume")
    for rank in range(2):
        saved = torch.load(tmp_path / f"train{rank}.pt")
        resumed = torch.load(tmp_path / f"resume{rank}.pt")
        for stream in ("noise", "augment"):
            assert torch.equal(saved[stream], resumed[stream]), (rank, stream)


def loading_takes_half_a_second(rank: int) -> None:
    """Record when this rank's data loading starts and ends (a download would take a while)."""
    import cnn_lib.dcgan.run as run_module

    real_load = run_module.load_training_images

    def slow_load(*args, **kwargs):
        started = time.time()
        time.sleep(0.5)
        data = real_load(*args, **kwargs)
        with open(f"{os.environ['LOAD_TIMES']}/{rank}.txt", "w") as file:
            file.write(f"{started} {time.time()}")
        return data

    run_module.load_training_images = slow_load


@pytest.mark.slow
def test_rank_zero_loads_the_data_first_and_every_rank_leaves_the_process_group(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("LOAD_TIMES", str(tmp_path))
    join_or_fail(2, train_rank_with, str(tmp_path), {"max_steps": 2}, loading_takes_half_a_second)
    (_, zero_done), (one_started, _) = (
        map(float, (tmp_path / f"{rank}.txt").read_text().split()) for rank in range(2)
    )
    assert one_started >= zero_done  # the others wait, so a download happens once
    assert not any(result["still_in_group"] for result in results(tmp_path))


def test_a_cpu_run_under_torchrun_uses_gloo_even_where_cuda_exists(monkeypatch):
    import torch.distributed as dist

    from cnn_lib.dcgan import distributed

    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("LOCAL_RANK", "1")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(dist, "is_initialized", lambda: False)
    backends = []
    monkeypatch.setattr(
        dist, "init_process_group", lambda backend, **options: backends.append(backend)
    )
    context = distributed.init_distributed("cpu")
    assert backends == ["gloo"] and context == DistributedContext(1, 2, 1)
