"""Choosing the device and the CPU threads: refusals that say what to do, counts that are restored."""

import pytest
import torch

from cnn_lib import device
from cnn_lib.device import describe_device, free_cpu_cores, pick_device, torch_threads


def test_pick_device_auto_gives_a_device_torch_can_allocate_on():
    chosen = pick_device("auto")
    assert torch.zeros(1, device=chosen).device.type == chosen.type
    assert describe_device(chosen).startswith(chosen.type)


def test_pick_device_refuses_an_unknown_name_and_lists_the_choices():
    with pytest.raises(ValueError, match="auto, cuda, mps, cpu"):
        pick_device("gpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA GPU")
def test_pick_device_cuda_without_a_gpu_says_how_to_get_one():
    with pytest.raises(ValueError, match="Change runtime type"):
        pick_device("cuda")


@pytest.mark.parametrize("count", [1, 2])
def test_torch_threads_sets_the_count_inside_and_restores_it_after_an_error(count):
    before = torch.get_num_threads()
    with pytest.raises(KeyError), torch_threads(count):
        assert torch.get_num_threads() == count
        raise KeyError("inside")
    assert torch.get_num_threads() == before


def test_torch_threads_none_leaves_the_count_alone():
    before = torch.get_num_threads()
    with torch_threads(None):
        assert torch.get_num_threads() == before


@pytest.mark.parametrize(
    "cores, load, free", [(2, 0.2, 2), (2, 1.4, 1), (2, 3.0, 1), (8, 2.6, 5), (None, 0.0, 1)]
)
def test_free_cpu_cores_subtracts_the_busy_cores_and_keeps_at_least_one(
    monkeypatch, cores, load, free
):
    monkeypatch.setattr(device.os, "cpu_count", lambda: cores)
    monkeypatch.setattr(device.os, "getloadavg", lambda: (load, load, load))
    assert free_cpu_cores() == free


def test_free_cpu_cores_without_a_load_average_uses_every_core(monkeypatch):
    monkeypatch.setattr(device.os, "cpu_count", lambda: 4)

    def no_load_average():
        raise OSError("no load average here")

    monkeypatch.setattr(device.os, "getloadavg", no_load_average)
    assert free_cpu_cores() == 4
