"""The command line contract: train and sample, one-sentence errors, Ctrl-C in a real process."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from cnn_lib.dcgan.__main__ import main

TINY = [
    "--image-size",
    "16",
    "--generator-width",
    "4",
    "--discriminator-width",
    "4",
    "--threads",
    "1",
]
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    assert main(["train", "--max-steps", "3", "--out", str(out), "--no-progress", *TINY]) == 0
    return out


@pytest.mark.slow
def test_train_writes_checkpoint_metrics_and_pngs(trained):
    assert (trained / "checkpoint.pt").is_file() and list(trained.glob("samples_step*.png"))


def sample_seed_zero(checkpoint, out) -> int:
    """Run `sample --n 10 --seed 0` and return the CLI's exit code."""
    return main(
        ["sample", "--checkpoint", str(checkpoint), "--n", "10", "--seed", "0", "--out", str(out)]
    )


def test_sample_writes_float32_images_in_minus_one_to_one(trained, tmp_path, capsys):
    out = tmp_path / "samples.npy"
    assert sample_seed_zero(trained / "checkpoint.pt", out) == 0
    images = np.load(out)
    assert images.dtype == np.float32 and images.shape == (10, 1, 16, 16)
    assert images.min() >= -1 and images.max() <= 1
    again = tmp_path / "again.npy"
    sample_seed_zero(trained / "checkpoint.pt", again)
    assert np.array_equal(images, np.load(again))
    assert "10 images" in capsys.readouterr().out


def test_resume_flag_continues_from_the_out_folder(trained, capsys):
    assert (
        main(
            ["train", "--max-steps", "5", "--out", str(trained), "--resume", "--no-progress", *TINY]
        )
        == 0
    )
    assert "after 5 steps" in capsys.readouterr().out


def bad_checkpoint(tmp_path: Path, kind: str) -> str:
    path = tmp_path / f"{kind}.pt"
    if kind == "corrupt":
        path.write_bytes(b"not a checkpoint at all")
    elif kind == "foreign":
        torch.save({"state_dict": {}}, path)
    return str(path)


@pytest.mark.parametrize(
    "arguments, words",
    [
        (["train", "--dataset", "imagenet"], "dataset must be one of"),
        (["train", "--image-size", "48"], "power of two"),
        (["train", "--image-size", "256"], "power of two"),
        (
            ["train", "--dataset", "folder", "--data-root", "{tmp}", "--max-steps", "1"],
            "has no images",
        ),
        (["train", "--batch-size", "0"], "batch size"),
        (["train", "--resume", "--out", "{tmp}/none", "--max-steps", "1"], "no checkpoint"),
        (["sample", "--checkpoint", "{tmp}/missing.pt"], "no checkpoint at"),
        (["sample", "--checkpoint", "corrupt"], "corrupt or truncated"),
        (["sample", "--checkpoint", "foreign"], "not a cnn_lib DCGAN checkpoint"),
        (["sample", "--checkpoint", "{tmp}/missing.pt", "--n", "0"], "--n must be a positive"),
    ],
)
def test_bad_input_ends_with_one_sentence_and_exit_status_2(arguments, words, tmp_path, capsys):
    (tmp_path / "readme.txt").write_text("no images here")
    arguments = [a.replace("{tmp}", str(tmp_path)) for a in arguments]
    arguments = [
        bad_checkpoint(tmp_path, a) if a in ("corrupt", "foreign") else a for a in arguments
    ]
    assert main(arguments) == 2
    error = capsys.readouterr().err.strip()
    assert words in error and error.startswith("error: ") and len(error.splitlines()) == 1
    assert "Traceback" not in error


def test_out_of_gpu_memory_is_one_sentence_naming_the_batch_size(monkeypatch, capsys, tmp_path):
    import cnn_lib.dcgan.loop as train_module

    def out_of_memory(*args, **kwargs):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr(train_module, "train_dcgan", out_of_memory)
    assert main(["train", "--max-steps", "1", "--batch-size", "512", "--out", str(tmp_path)]) == 2
    assert "smaller --batch-size (for example 256)" in capsys.readouterr().err


@pytest.mark.slow
def test_ctrl_c_in_a_real_training_process_saves_and_exits_cleanly(tmp_path):
    command = [
        sys.executable,
        "-m",
        "cnn_lib.dcgan",
        "train",
        "--max-seconds",
        "120",
        "--out",
        str(tmp_path),
        "--no-progress",
        "--checkpoint-seconds",
        "1000",
        *TINY,
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert "training on" in process.stdout.readline()
    time.sleep(1.0)
    os.kill(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert "interrupted" in stdout and "Traceback" not in stderr
    assert (tmp_path / "checkpoint.pt").is_file()
