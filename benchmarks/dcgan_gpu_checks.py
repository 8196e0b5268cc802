"""The DCGAN's GPU paths, checked in one call on a machine with a CUDA GPU; prints JSON.

What the CPU tests cannot show (issue 18): torch.compile with the inductor backend and R1
on CUDA (a fresh run and one resumed between R1 steps); the fp16 + grad-scaler path a T4
takes, forced here on any GPU; bf16 where the GPU has it; blocking host-device copies and
other synchronisations per training step (``torch.cuda.set_sync_debug_mode``); a generator
from a checkpoint on the GPU against the same on the CPU; a two-process ``--device cpu`` run
under torchrun on a machine that has CUDA (gloo, not NCCL). NCCL between two ranks needs two
GPUs and is not checked here. Each check reports ``ok`` and its numbers; one failing check
does not stop the others.

One call on the lent device machine (see ../shared/recipes/gpu_device.md), checks first,
then the throughput of both recipes, each result kept under $OUT as it finishes::

    PYTHONUNBUFFERED=1 PYTHONPATH=. bash -c 'python3 -m benchmarks.dcgan_gpu_checks \
        --json $OUT/checks.json; for recipe in paper fast; do python3 -m \
        benchmarks.dcgan_throughput --device cuda --recipe $recipe --rounds 2 \
        --json $OUT/throughput_$recipe.json; done' 2>&1 | tee $OUT/log.txt

with ``timeout_s`` 560 (the checks take about two minutes, each throughput run one to
two, mostly compiling). Here, without a GPU, ``--device cpu --compile-backend aot_eager``
runs the same checks' logic on the CPU (the CUDA-only ones report ``skipped``).
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import torch

from benchmarks.report import print_json
from cnn_lib.dcgan.config import TrainConfig
from cnn_lib.dcgan.loop import CONTINUE, TrainingLoop, run_training
from cnn_lib.dcgan.run import DCGANRun
from cnn_lib.dcgan.sampling import generate, generator_from_checkpoint
from cnn_lib.dcgan.step import Precision
from cnn_lib.device import describe_device

SMALL = dict(
    dataset="digits",
    image_size=32,
    latent_dim=32,
    generator_width=16,
    discriminator_width=16,
    batch_size=64,
    checkpoint_seconds=1e9,
    sample_seconds=1e9,
)


def small_config(folder: str, device: str, **options) -> TrainConfig:
    return TrainConfig.from_recipe("fast", out=folder, device=device, **{**SMALL, **options})


def finite(history: dict) -> bool:
    return all(math.isfinite(value) for value in history["loss_d"] + history["loss_g"])


def check_compile_with_r1(device: str, folder: str) -> dict:
    """A compiled run with R1 every 2nd step: no fallback, and a resume between R1 steps works."""
    messages: list[str] = []
    options = {"compile": True, "r1_every": 2}
    run = DCGANRun(small_config(folder, device, max_steps=5, **options), log=messages.append)
    fresh = run_training(run, progress=False)
    compiled = run.generator is not run.eager_models[0]
    resumed_run = DCGANRun(
        small_config(folder, device, max_steps=10, resume=True, **options), log=messages.append
    )
    resumed = run_training(resumed_run, progress=False)
    fell_back = any("torch.compile failed" in message for message in messages)
    return {
        "ok": compiled and not fell_back and resumed.steps == 10 and finite(resumed.history),
        "compiled": compiled,
        "fell_back": fell_back,
        "compile_seconds_fresh": round(fresh.compile_seconds, 2),
        "compile_seconds_resumed": round(resumed.compile_seconds, 2),
        "messages": messages,
    }


def train_steps(run: DCGANRun) -> dict:
    result = run_training(run, progress=False)
    return {"steps": result.steps, "finite": finite(result.history)}


def check_fp16_grad_scaler(device: str, folder: str) -> dict:
    """The T4's path (fp16 autocast + GradScaler), forced on this GPU: 40 finite steps."""
    if device != "cuda":
        return {"ok": None, "skipped": "needs CUDA"}
    run = DCGANRun(small_config(folder, device, max_steps=40), log=lambda *args: None)
    run.precision = Precision("cuda", torch.float16, torch.amp.GradScaler("cuda"))
    outcome = train_steps(run)
    return {
        "ok": outcome["finite"] and outcome["steps"] == 40,
        **outcome,
        "scale": run.precision.scaler.get_scale(),
    }


def check_default_precision(device: str, folder: str) -> dict:
    """This GPU's own choice (bf16 from compute capability 8.0), channels-last, cuDNN: 40 steps."""
    run = DCGANRun(small_config(folder, device, max_steps=40), log=lambda *args: None)
    outcome = train_steps(run)
    capability = torch.cuda.get_device_capability() if device == "cuda" else None
    return {
        "ok": outcome["finite"] and outcome["steps"] == 40,
        **outcome,
        "precision": run.precision.name,
        "capability": capability,
    }


def check_synchronisations_per_step(device: str, folder: str, steps: int = 40) -> dict:
    """Count the loop's synchronising calls (blocking copies, .item()) over ``steps`` steps.

    Expected: one statistics read-back every ``log_every`` (10) steps, nothing else.
    """
    if device != "cuda":
        return {"ok": None, "skipped": "needs CUDA"}
    config = small_config(folder, device, max_steps=10**6, amp=True)
    run = DCGANRun(config, log=lambda *args: None)
    loop = TrainingLoop(run, progress=False)
    data = run.data
    order = torch.randperm(len(data)).to(data.images.device)

    def batches():
        while True:
            yield from data.batches(order, config.batch_size, 0, run.device)

    source = batches()
    for _ in range(config.r1_every + 2):  # warm-up: every kind of step once
        loop.step(next(source))
    torch.cuda.synchronize()
    where: dict[str, int] = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.cuda.set_sync_debug_mode("warn")
        try:
            for _ in range(steps):
                if loop.step(next(source)) != CONTINUE:
                    break
        finally:
            torch.cuda.set_sync_debug_mode("default")
    for warning in caught:
        if "synchroniz" in str(warning.message).lower():
            key = f"{warning.filename}:{warning.lineno}"  # the Python line that synchronised
            where[key] = where.get(key, 0) + 1
    total = sum(where.values())
    expected = steps // config.log_every
    return {
        "ok": total <= expected,
        "synchronisations": total,
        "expected_at_most": expected,
        "per_step": round(total / steps, 2),
        "where": where,
    }


def check_sampling_device(device: str, folder: str) -> dict:
    """A generator from a checkpoint on ``device`` against the same on the CPU: close, maybe not equal."""
    config = small_config(folder, device, max_steps=20)
    result = run_training(DCGANRun(config, log=lambda *args: None), progress=False)
    state = str(result.checkpoint)
    on_device = generate(generator_from_checkpoint(state, device=device), 16, seed=1)
    on_cpu = generate(generator_from_checkpoint(state, device="cpu"), 16, seed=1)
    difference = (on_device - on_cpu).abs().max().item()
    return {
        "ok": difference < 2e-2,
        "max_abs_difference": difference,
        "torch_equal": bool(torch.equal(on_device, on_cpu)),
    }


def check_cpu_ddp_on_a_cuda_machine(device: str, folder: str) -> dict:
    """``torchrun --nproc_per_node=2 … train --device cpu`` where CUDA exists: gloo, not NCCL."""
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node=2",
        "-m",
        "cnn_lib.dcgan",
        "train",
        "--device",
        "cpu",
        "--max-steps",
        "4",
        "--image-size",
        "16",
        "--generator-width",
        "4",
        "--discriminator-width",
        "4",
        "--batch-size",
        "16",
        "--threads",
        "1",
        "--no-progress",
        "--out",
        folder,
    ]
    started = time.perf_counter()
    finished = subprocess.run(command, capture_output=True, text=True, timeout=180)
    return {
        "ok": finished.returncode == 0 and (Path(folder) / "checkpoint.pt").is_file(),
        "cuda_available": torch.cuda.is_available(),
        "returncode": finished.returncode,
        "seconds": round(time.perf_counter() - started, 1),
        "output_tail": (finished.stdout + finished.stderr)[-1500:],
    }


CHECKS = {
    "compile_with_r1": check_compile_with_r1,
    "fp16_grad_scaler": check_fp16_grad_scaler,
    "default_precision": check_default_precision,
    "synchronisations_per_step": check_synchronisations_per_step,
    "sampling_device": check_sampling_device,
    "cpu_ddp_on_a_cuda_machine": check_cpu_ddp_on_a_cuda_machine,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    parser.add_argument(
        "--compile-backend",
        default="inductor",
        help="torch.compile backend (aot_eager: a quick CPU dry run of the same logic)",
    )
    parser.add_argument("--only", nargs="*", choices=list(CHECKS), help="run only these")
    parser.add_argument("--json", help="also write the JSON here")
    args = parser.parse_args()
    if args.compile_backend != "inductor":
        real_compile = torch.compile
        torch.compile = lambda model, **options: real_compile(model, backend=args.compile_backend)
    results: dict = {
        "device": describe_device(torch.device(args.device)),
        "torch": torch.__version__,
    }
    for name in args.only or CHECKS:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as folder:
            try:
                results[name] = CHECKS[name](args.device, folder)
            except Exception as error:  # noqa: BLE001 - report it and run the other checks
                results[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"[:2000]}
        results[name]["check_seconds"] = round(time.perf_counter() - started, 1)
        print(f"{name}: ok={results[name]['ok']}", file=sys.stderr, flush=True)
    results["all_ok"] = all(
        check.get("ok") is not False for key, check in results.items() if key in CHECKS
    )
    print_json(results, args.json)


if __name__ == "__main__":
    main()
