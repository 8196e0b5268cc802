"""Checkpoints: atomic writes, weights_only loading, prefix stripping, clear errors."""

import pytest
import torch
from torch import nn

from cnn_lib.dcgan import checkpoint as checkpoint_module
from cnn_lib.dcgan.checkpoint import load_checkpoint, save_checkpoint, strip_prefixes, unwrap
from cnn_lib.dcgan.models import Generator, ModelConfig
from cnn_lib.dcgan.sampling import generator_from_checkpoint

TINY = ModelConfig(image_size=16, generator_width=4, discriminator_width=4)


def test_checkpoint_round_trips_through_weights_only_load(tmp_path):
    state = {
        "step": 3,
        "config": {"dataset": "digits"},
        "weights": torch.arange(4.0),
        "rng": [1, 2],
    }
    path = save_checkpoint(tmp_path / "checkpoint.pt", state)
    raw = torch.load(path, weights_only=True)
    assert (
        raw["step"] == 3 and raw["rng"] == [1, 2] and torch.equal(raw["weights"], torch.arange(4.0))
    )
    assert load_checkpoint(path)["config"] == {"dataset": "digits"}


def test_a_crash_while_saving_keeps_the_previous_checkpoint_and_leaves_no_temporary(
    tmp_path, monkeypatch
):
    path = save_checkpoint(tmp_path / "checkpoint.pt", {"step": 1})

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(checkpoint_module.torch, "save", crash)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(path, {"step": 2})
    assert load_checkpoint(path)["step"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["checkpoint.pt"]


def test_strip_prefixes_removes_compile_and_ddp_prefixes():
    state = {"module._orig_mod.0.weight": 1, "_orig_mod.module.1.bias": 2, "2.weight": 3}
    assert strip_prefixes(state) == {"0.weight": 1, "1.bias": 2, "2.weight": 3}


def test_a_generator_saved_with_prefixed_keys_loads_into_a_plain_model(tmp_path):
    generator = Generator(TINY)
    prefixed = {f"module._orig_mod.{k}": v for k, v in generator.state_dict().items()}
    state = {"model": TINY.to_dict(), "generator": strip_prefixes(prefixed), "generator_ema": {}}
    path = save_checkpoint(tmp_path / "checkpoint.pt", state)
    loaded = generator_from_checkpoint(path)
    noise = torch.randn(2, TINY.latent_dim, 1, 1)
    assert torch.equal(loaded(noise), generator.eval()(noise))


def test_unwrap_finds_the_module_inside_wrappers():
    inner = nn.Linear(2, 2)

    class Wrapper(nn.Module):
        def __init__(self, module):
            super().__init__()
            self.module = module

    assert unwrap(Wrapper(Wrapper(inner))) is inner


def test_missing_checkpoint_is_reported_in_one_sentence(tmp_path):
    with pytest.raises(ValueError, match="no checkpoint at"):
        load_checkpoint(tmp_path / "nothing.pt")


def test_truncated_checkpoint_is_reported_as_corrupt(tmp_path):
    path = save_checkpoint(tmp_path / "checkpoint.pt", {"weights": torch.zeros(1000)})
    path.write_bytes(path.read_bytes()[:500])
    with pytest.raises(ValueError, match="corrupt or truncated"):
        load_checkpoint(path)


def test_foreign_checkpoint_is_refused(tmp_path):
    torch.save({"state_dict": torch.zeros(2)}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="not a cnn_lib DCGAN checkpoint"):
        load_checkpoint(tmp_path / "other.pt")


class Pickled:
    """A class torch.load(weights_only=True) refuses to unpickle."""


def test_checkpoint_with_python_objects_is_not_unpickled(tmp_path):
    torch.save({"format": checkpoint_module.FORMAT, "thing": Pickled()}, tmp_path / "objects.pt")
    with pytest.raises(ValueError, match="Python objects"):
        load_checkpoint(tmp_path / "objects.pt")
