"""Recipes, presets and notebook 07's own training step: the paper first, the fast recipe named."""

import json
from pathlib import Path

import pytest
import torch

from cnn_lib.dcgan import PRESETS, RECIPES, TrainConfig, preset_config, train_dcgan
from cnn_lib.dcgan.__main__ import main
from cnn_lib.dcgan.ablation import ablation_table, load_ablation
from cnn_lib.dcgan.checkpoint import load_checkpoint
from cnn_lib.dcgan.models import Discriminator, Generator, ModelConfig, sample_noise
from cnn_lib.dcgan.presets import QUICK_SECONDS, preset_table
from cnn_lib.dcgan.step import Precision, choose_precision, train_step

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "07_dcgan.ipynb"
TINY = dict(image_size=16, latent_dim=8, generator_width=4, discriminator_width=4, threads=1)


def notebook_train_step():
    """Return the ``train_step`` that notebook 07's cell defines (run from the notebook's source)."""
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    sources = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
    (source,) = [s for s in sources if "def train_step(" in s]
    namespace = {"torch": torch}
    exec(source, namespace)  # noqa: S102 - the notebook's own code, as the learner runs it
    return namespace["train_step"]


def two_models(seed: int = 0):
    torch.manual_seed(seed)
    config = ModelConfig(image_size=16, latent_dim=8, generator_width=4, discriminator_width=4)
    generator, discriminator = Generator(config), Discriminator(config)
    optimizers = [
        torch.optim.Adam(model.parameters(), 2e-4, betas=(0.5, 0.999))
        for model in (generator, discriminator)
    ]
    return generator, discriminator, optimizers


def test_the_notebooks_step_trains_exactly_as_the_librarys_step_with_the_papers_recipe():
    mine, theirs = two_models(), two_models()
    step = notebook_train_step()
    random = torch.Generator().manual_seed(1)
    for _ in range(3):
        real = torch.rand(8, 1, 16, 16, generator=random) * 2 - 1
        noise = sample_noise(8, 8, random)
        ours = step(mine[0], mine[1], mine[2][0], mine[2][1], real, noise)
        library = train_step(theirs[0], theirs[1], theirs[2], real, noise, Precision("cpu"))
        for name in ("loss_d", "loss_g", "d_real", "d_fake"):
            assert torch.equal(ours[name].float(), library[name])
    for model, twin in ((mine[0], theirs[0]), (mine[1], theirs[1])):
        for weight, twin_weight in zip(model.parameters(), twin.parameters(), strict=True):
            assert torch.equal(weight, twin_weight)


def test_train_dcgan_with_the_notebooks_step_trains_and_records_the_four_statistics(tmp_path):
    config = TrainConfig(dataset="digits", out=str(tmp_path), max_steps=4, batch_size=16, **TINY)
    result = train_dcgan(config, progress=False, log=lambda *a: None, step=notebook_train_step())
    assert result.steps == 4 and result.generator_ema is None
    assert len(result.history["loss_d"]) == 4
    assert all(0 < value < 1 for value in result.history["d_real"] + result.history["d_fake"])
    assert load_checkpoint(result.checkpoint)["config"]["recipe"] == "paper"


def test_a_step_of_your_own_refuses_the_fast_recipes_extras_in_one_sentence(tmp_path):
    config = TrainConfig.from_recipe("fast", out=str(tmp_path), max_steps=1, **TINY)
    with pytest.raises(ValueError, match="a step of your own trains the paper's recipe"):
        train_dcgan(config, progress=False, log=lambda *a: None, step=notebook_train_step())


def test_a_step_of_your_own_trains_in_fp32_where_only_fp16_with_a_scaler_would_do(monkeypatch):
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: (7, 5))
    assert choose_precision(torch.device("cuda"), scaler_allowed=False).name == "fp32"
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: (8, 0))
    assert choose_precision(torch.device("cuda"), scaler_allowed=False).dtype == torch.bfloat16


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_is_a_valid_run_of_its_recipe_at_its_size(name):
    preset = PRESETS[name]
    config = preset_config(name, quick=False)
    assert (config.dataset, config.image_size, config.recipe) == (
        preset.dataset,
        preset.image_size,
        preset.recipe,
    )
    assert config.max_seconds == preset.minutes * 60
    assert (config.generator_width, config.discriminator_width) == (preset.width, preset.width)
    assert config.batch_size == preset.batch_size
    # Apart from the size knobs, a preset is its recipe exactly.
    for key, value in RECIPES[preset.recipe].items():
        if key not in ("generator_width", "discriminator_width", "batch_size"):
            assert getattr(config, key) == value, key
    quick = preset_config(name, quick=True)
    assert quick.max_seconds == QUICK_SECONDS and quick.generator_width <= preset.width
    assert (quick.dataset, quick.image_size, quick.recipe) == (
        config.dataset,
        config.image_size,
        config.recipe,
    )


def test_the_notebooks_default_run_is_the_paper_on_real_digits_on_a_cpu():
    config = preset_config("cpu", quick=False)
    assert (config.recipe, config.dataset, config.image_size) == ("paper", "mnist5k", 32)
    assert 60 <= config.max_seconds <= 600
    assert all(preset.recipe == "paper" for name, preset in PRESETS.items() if name != "cpu-fast")


def test_an_unknown_run_name_lists_the_presets_in_one_sentence():
    with pytest.raises(ValueError, match="RUN must be one of cpu, "):
        preset_config("gpu-please")


def test_the_preset_table_has_one_row_per_preset_naming_dataset_and_recipe():
    rows = preset_table().splitlines()[2:]
    assert len(rows) == len(PRESETS)
    for row, (name, preset) in zip(rows, PRESETS.items(), strict=True):
        assert f"`{name}`" in row and f"`{preset.dataset}`" in row and preset.recipe in row


def test_the_cli_recipe_flag_picks_the_recipe_and_single_options_change_one_setting(tmp_path):
    out = tmp_path / "fast"
    arguments = ["train", "--max-steps", "2", "--no-progress", "--image-size", "16"]
    sizes = ["--generator-width", "4", "--discriminator-width", "4", "--threads", "1"]
    assert main([*arguments, *sizes, "--recipe", "fast", "--out", str(out)]) == 0
    stored = load_checkpoint(out / "checkpoint.pt")["config"]
    assert stored["recipe"] == "fast" and stored["ema_decay"] == RECIPES["fast"]["ema_decay"]
    assert stored["generator_width"] == 4  # the option changed one setting of the recipe
    out = tmp_path / "paper"
    assert main([*arguments, *sizes, "--batch-size", "8", "--out", str(out)]) == 0
    stored = load_checkpoint(out / "checkpoint.pt")["config"]
    assert stored["recipe"] == "paper" and stored["batch_size"] == 8
    assert stored["latent_dim"] == 100 and stored["lr_generator"] == 2e-4


def test_the_cli_refuses_an_unknown_recipe_in_one_sentence(tmp_path, capsys):
    assert main(["train", "--recipe", "fastest", "--max-steps", "1", "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err.strip()
    assert error == "error: recipe must be one of paper, fast, got 'fastest'."


def test_the_stored_ablation_has_the_paper_then_one_row_per_fast_change():
    from cnn_lib.dcgan.config import FAST_STEPS

    ablation = load_ablation()
    names = [row["row"] for row in ablation["rows"]]
    assert names[0].startswith("paper's recipe")
    assert names[1:] == [f"+ {name}" for name in FAST_STEPS]
    table = ablation_table().splitlines()
    assert len([line for line in table if line.startswith("| +")]) == len(FAST_STEPS)


def test_a_missing_ablation_file_says_how_to_measure_it(tmp_path):
    with pytest.raises(ValueError, match="python -m benchmarks.dcgan_quality --ablation"):
        ablation_table(tmp_path / "none.json")
