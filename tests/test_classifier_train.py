"""The training helpers: the digit splits, the loop, evaluation, predictions and confusion counts."""

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from cnn_lib.classifier.data import digit_split
from cnn_lib.classifier.model import DigitsCNN
from cnn_lib.classifier.train import (
    accuracy,
    confusion_matrix,
    evaluate,
    predict,
    predict_proba,
    train_classifier,
    train_digits_classifier,
)
from cnn_lib.device import torch_threads


@pytest.fixture(scope="module")
def trained():
    """The notebook-05 configuration (16×16, 15 epochs), trained once for the module."""
    return train_digits_classifier(image_size=16, epochs=15)


def test_digit_split_of_digits_is_stratified_fixed_and_in_unit_range():
    split = digit_split()
    assert split.train_images.shape == (1437, 1, 8, 8)
    assert split.test_images.shape == (360, 1, 8, 8)
    assert split.train_images.dtype == torch.float32
    assert 0 <= split.train_images.min() and split.train_images.max() <= 1
    counts = torch.bincount(split.test_labels, minlength=10)
    assert counts.min() >= 35 and counts.max() <= 37  # each digit ~10% of the test set
    assert torch.equal(digit_split().test_labels, split.test_labels)


def test_digit_split_of_digits_upsamples_to_the_image_size():
    split = digit_split(image_size=32)
    assert split.test_images.shape == (360, 1, 32, 32)
    assert torch.equal(split.test_labels, digit_split().test_labels)


def test_digit_split_of_digits_rejects_a_test_fraction_outside_zero_one():
    with pytest.raises(ValueError, match="test_fraction"):
        digit_split(test_fraction=1.5)


def test_mnist5k_split_is_stratified_fixed_and_native_28_pixels():
    split = digit_split("mnist5k")
    assert split.dataset == "mnist5k"
    assert split.train_images.shape == (4000, 1, 28, 28)
    assert split.test_images.shape == (1000, 1, 28, 28)
    assert 0 <= split.train_images.min() and split.train_images.max() <= 1
    assert torch.bincount(split.test_labels).tolist() == [100] * 10
    assert torch.bincount(split.train_labels).tolist() == [400] * 10
    assert torch.equal(digit_split("mnist5k").test_images, split.test_images)


def test_mnist5k_split_at_32_is_the_native_split_framed_with_background():
    native, framed = digit_split("mnist5k"), digit_split("mnist5k", 32)
    assert framed.test_images.shape == (1000, 1, 32, 32)
    assert torch.equal(framed.test_images[..., 2:30, 2:30], native.test_images)
    assert torch.equal(framed.test_labels, native.test_labels)
    assert framed.test_images.sum() == pytest.approx(native.test_images.sum().item(), rel=1e-5)


def test_digit_split_rejects_a_dataset_without_digit_labels():
    with pytest.raises(ValueError, match="dataset must be one of digits, mnist5k, mnist"):
        digit_split("cifar10")


@pytest.mark.slow  # trains a classifier
def test_trained_classifier_reaches_95_percent_on_held_out_digits(trained):
    model, history, split = trained
    assert accuracy(model, split.test) >= 0.95
    assert history["test_accuracy"][-1] == pytest.approx(accuracy(model, split.test))


@pytest.mark.slow  # trains a classifier
def test_classifier_at_32_pixels_reaches_95_percent():
    model, history, split = train_digits_classifier(image_size=32, epochs=8)
    assert history["test_accuracy"][-1] >= 0.95


def test_classifier_on_mnist5k_trains_on_its_split_at_the_size_asked():
    model, history, split = train_digits_classifier(image_size=32, epochs=1, dataset="mnist5k")
    assert split.dataset == "mnist5k" and split.train_images.shape[1:] == (1, 32, 32)
    assert model.image_size == 32 and history["test_accuracy"][-1] >= 0.8


def test_history_has_one_entry_per_epoch_and_loss_falls(trained):
    _, history, _ = trained
    assert history["epoch"] == list(range(1, 16))
    for key in ["train_loss", "train_accuracy", "test_loss", "test_accuracy"]:
        assert len(history[key]) == 15
    assert history["train_loss"][-1] < history["train_loss"][0] / 3


def test_train_classifier_accepts_a_dataloader_and_is_reproducible():
    split = digit_split()
    train = DataLoader(TensorDataset(*split.train), 64, shuffle=True)
    losses = []
    for _ in range(2):
        torch.manual_seed(1)
        model = DigitsCNN()
        losses.append(
            train_classifier(model, digit_split().train, epochs=1, progress=False)["train_loss"]
        )
    assert losses[0] == losses[1]
    history = train_classifier(DigitsCNN(), train, epochs=1, progress=False)
    assert set(history) == {"epoch", "train_loss", "train_accuracy"}


def test_train_classifier_restores_the_thread_count():
    before = torch.get_num_threads()
    split = digit_split()
    train_classifier(
        DigitsCNN(), (split.test_images[:64], split.test_labels[:64]), 1, progress=False
    )
    assert torch.get_num_threads() == before
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


@pytest.mark.parametrize(
    "kwargs, word", [({"epochs": 0}, "epochs"), ({"lr": 0.0}, "lr"), ({"device": "tpu"}, "device")]
)
def test_train_classifier_rejects_bad_arguments(kwargs, word):
    split = digit_split()
    options = {"epochs": 1, "progress": False} | kwargs
    with pytest.raises(ValueError, match=word):
        train_classifier(DigitsCNN(), split.test, **options)


def test_train_classifier_rejects_mismatched_images_and_labels():
    split = digit_split()
    with pytest.raises(ValueError, match="labels"):
        train_classifier(DigitsCNN(), (split.test_images, split.test_labels[:5]), 1, progress=False)


def test_evaluate_matches_a_hand_computed_loss_and_accuracy():
    torch.manual_seed(0)
    model = DigitsCNN()
    images, labels = digit_split().test
    logits = model.eval()(images).detach()
    scores = evaluate(model, (images, labels), batch_size=50)
    assert scores["loss"] == pytest.approx(
        nn.functional.cross_entropy(logits, labels).item(), rel=1e-5
    )
    assert scores["accuracy"] == pytest.approx((logits.argmax(1) == labels).float().mean().item())


def test_predictions_are_the_most_probable_class(trained):
    model, _, split = trained
    probabilities = predict_proba(model, split.test_images, batch_size=100)
    assert probabilities.shape == (360, 10)
    assert torch.allclose(probabilities.sum(1), torch.ones(360), atol=1e-5)
    assert torch.equal(predict(model, split.test_images), probabilities.argmax(1))


def test_confusion_matrix_counts_true_rows_and_predicted_columns():
    matrix = confusion_matrix([0, 1, 1, 2, 2, 2], [0, 1, 2, 2, 2, 0], num_classes=3)
    assert matrix.tolist() == [[1, 0, 0], [0, 1, 1], [1, 0, 2]]
    assert matrix.dtype == np.int64


def test_confusion_matrix_of_the_trained_model_has_the_test_set_on_its_rows(trained):
    model, _, split = trained
    matrix = confusion_matrix(split.test_labels, predict(model, split.test_images))
    assert matrix.sum(1).tolist() == torch.bincount(split.test_labels).tolist()
    assert np.trace(matrix) / matrix.sum() == pytest.approx(accuracy(model, split.test))


def test_confusion_matrix_rejects_different_lengths():
    with pytest.raises(ValueError, match="same shape"):
        confusion_matrix([0, 1], [0])
