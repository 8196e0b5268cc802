"""The GPU-facing scripts run here too, at toy sizes: the throughput benchmark times the product's step."""

import torch

import benchmarks.dcgan_throughput as throughput
from cnn_lib.dcgan.loop import TrainingLoop
from cnn_lib.dcgan.models import ModelConfig


def toy_sizes(monkeypatch) -> None:
    model = ModelConfig(
        image_size=16, channels=3, latent_dim=100, generator_width=4, discriminator_width=4
    )
    monkeypatch.setattr(throughput, "IMAGE_SIZE", 16)
    monkeypatch.setattr(throughput, "BATCH_SIZE", 8)
    monkeypatch.setattr(throughput, "MODEL", model)


def test_the_throughput_benchmark_steps_the_training_loop_with_the_recipes_settings(
    monkeypatch, tmp_path
):
    toy_sizes(monkeypatch)
    steps = []
    real_step = TrainingLoop.step
    monkeypatch.setattr(
        TrainingLoop, "step", lambda loop, real: steps.append(real.shape) or real_step(loop, real)
    )
    images = torch.randint(0, 256, (32, 3, 16, 16), dtype=torch.uint8)
    ours = throughput.Ours("fast", images, torch.device("cpu"), False, False, str(tmp_path))
    for _ in range(5):  # past the end of the 4-batch epoch
        ours.step()
    assert steps == [(8, 3, 16, 16)] * 5 and ours.run.step == 5
    config = ours.run.config
    assert (config.recipe, config.batch_size, config.generator_width) == ("fast", 8, 4)
    assert config.r1_gamma > 0 and config.translate_pixels > 0 and config.ema_decay > 0
    assert "cluster head" in ours.extras() and not ours.compiled
