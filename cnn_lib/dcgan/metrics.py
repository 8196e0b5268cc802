"""How good are generated digits? Three numbers from a digit classifier trained on real ones.

- confident share: the fraction of samples the classifier labels with probability ≥ 0.9
  (a blob between two digits gets a hesitant answer);
- class coverage: entropy of the predicted-class histogram divided by log 10, 1.0 when all
  ten digits are equally common (a generator that collapsed to a few digits scores low);
- Fréchet distance: between Gaussians fitted to the classifier's hidden features of generated
  and of held-out real digits (the idea of FID, with a digit network instead of Inception),
  reported beside the floor, the same distance between two sets of real digits.

The classifier is the course's ``DigitsCNN`` trained with ``cnn_lib.classifier.train`` on the
training split of the same data set the GAN learned from, and judged against that data
set's held-out split: ``digits`` at 8×8 (generated images of any size are area-averaged
down to 8×8), ``mnist5k`` and ``mnist`` at 32×32, the frame in which LeNet read MNIST and
the GAN's own default size, so 32-pixel samples go in untouched and other sizes need one
resize (64 → 32 by area averaging; 28 → 32 by padding with background, as the real ones).
Data sets without digit labels have no such classifier: :func:`digits_reference` says so.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
import torch.nn.functional as F

CLASSIFIER_SIZE = 8  # the digits classifier's input size
CONFIDENCE_THRESHOLD = 0.9
# Trained this long, the classifier labels about 93 % of held-out real digits with confidence
# ≥ 0.9 (after 15 epochs only 75 %): the threshold then asks "does it look like a real digit?"
# instead of measuring a hesitant classifier. The report states the real share beside it.
CLASSIFIER_EPOCHS = 60
CLASSIFIER_SIZES = {"digits": CLASSIFIER_SIZE, "mnist5k": 32, "mnist": 32}
# mnist5k: 12 epochs on its 4,000 training digits take about 17 s on one CPU thread and label
# about 95 % of the 1,000 held-out digits with confidence ≥ 0.9 (8 epochs: 92 %, 4: 87 %).
# mnist: 60,000 training digits, so a few epochs see more digits than mnist5k's twelve.
CLASSIFIER_EPOCHS_BY_DATASET = {"digits": CLASSIFIER_EPOCHS, "mnist5k": 12, "mnist": 3}
_FRAMED_SIZE, _NATIVE_MNIST_SIZE = 32, 28


@dataclass
class DigitsReference:
    """The metrics' yardstick: a digit classifier and its data set's real digits in [0, 1].

    The images are (N, 1, image_size, image_size), the classifier's input size for ``dataset``.
    """

    classifier: torch.nn.Module
    train_images: torch.Tensor
    held_out_images: torch.Tensor
    held_out_labels: torch.Tensor
    held_out_accuracy: float
    dataset: str = "digits"
    image_size: int = CLASSIFIER_SIZE


@dataclass
class QualityReport:
    """The quality of a set of generated digits, with the real-vs-real floor for scale."""

    frechet_distance: float
    floor: float
    ratio: float
    confident_share: float
    coverage: float
    samples: int
    real_confident_share: float

    def to_dict(self) -> dict[str, float]:
        """Return the report as a dict of rounded numbers (for JSON)."""
        return {
            key: round(value, 4) if isinstance(value, float) else value
            for key, value in asdict(self).items()
        }


def digits_reference(
    dataset: str = "digits",
    epochs: int | None = None,
    seed: int = 0,
    device: str | torch.device = "cpu",
    root: str = "data",
) -> DigitsReference:
    """Return a DigitsCNN trained on ``dataset``'s training split, with the split's real images.

    ``dataset`` is one of the digit data sets (digits, mnist5k, mnist); ``epochs=None``
    uses :data:`CLASSIFIER_EPOCHS_BY_DATASET`. The classifier is returned on the CPU.
    """
    from cnn_lib.classifier.train import train_digits_classifier
    from cnn_lib.dcgan.data import DIGIT_DATASETS

    if dataset not in DIGIT_DATASETS:
        raise ValueError(
            f"Dataset {dataset!r} has no digit labels, and these quality metrics need labelled "
            f"digits ({', '.join(DIGIT_DATASETS)})."
        )
    epochs = CLASSIFIER_EPOCHS_BY_DATASET[dataset] if epochs is None else epochs
    size = CLASSIFIER_SIZES[dataset]
    classifier, history, split = train_digits_classifier(
        size, epochs, device=device, seed=seed, dataset=dataset, root=root
    )
    return DigitsReference(
        classifier.cpu().eval(),
        split.train_images,
        split.test_images,
        split.test_labels,
        history["test_accuracy"][-1],
        dataset,
        size,
    )


def to_classifier_input(images: torch.Tensor, size: int = CLASSIFIER_SIZE) -> torch.Tensor:
    """Return images in [−1, 1] of any size as a classifier's input: ``size`` pixels, values in [0, 1].

    Larger images are area-averaged, so a generator's fine detail is judged the way the
    classifier's images record it; smaller ones are enlarged bilinearly; 28-pixel MNIST
    digits are padded to a 32-pixel frame, the way the real ones were.
    """
    images = torch.as_tensor(images, dtype=torch.float32)
    if images.ndim != 4 or images.shape[1] != 1:
        raise ValueError(f"images must have shape (N, 1, H, W), got {tuple(images.shape)}.")
    side = images.shape[-1]
    if side == _NATIVE_MNIST_SIZE and size == _FRAMED_SIZE:
        border = (_FRAMED_SIZE - _NATIVE_MNIST_SIZE) // 2
        images = F.pad(images, (border,) * 4, value=-1.0)
    elif side > size:
        images = F.adaptive_avg_pool2d(images, size)
    elif side < size:
        images = F.interpolate(images, size=(size, size), mode="bilinear", align_corners=False)
    return ((images + 1) / 2).clamp(0, 1)


def as_generated(real: torch.Tensor, image_size: int, dataset: str = "digits") -> torch.Tensor:
    """Return a reference's real digits in [0, 1] the way the GAN saw them: in [−1, 1] at ``image_size``.

    ``real`` are at the classifier's size for ``dataset`` (8 for digits, the 32-pixel frame
    for MNIST digits, which 28 pixels crop back to the native digits).
    """
    from cnn_lib.dcgan.data import TensorImages, resize_to_unit_range

    if dataset != "digits" and image_size == _NATIVE_MNIST_SIZE:
        border = (real.shape[-1] - _NATIVE_MNIST_SIZE) // 2
        real = real[..., border : border + _NATIVE_MNIST_SIZE, border : border + _NATIVE_MNIST_SIZE]
    # Through the same uint8 store as training batches, so real and generated take one path.
    stored = TensorImages(resize_to_unit_range(real, image_size)).images
    return stored.float() / 127.5 - 1


@torch.no_grad()
def classify(classifier: torch.nn.Module, images: torch.Tensor) -> tuple[torch.Tensor, np.ndarray]:
    """Return (class probabilities (N, 10), hidden features (N, F) as float64) for images in [−1, 1].

    ``classifier`` is a DigitsCNN; images of any size are brought to its ``image_size``.
    """
    inputs = to_classifier_input(images, getattr(classifier, "image_size", CLASSIFIER_SIZE))
    classifier.eval()
    features = torch.cat([classifier.embed(chunk) for chunk in inputs.split(512)])
    # The last layer maps the features to the logits, so the network runs once, not twice.
    probabilities = classifier.layers[-1](features).softmax(1)
    return probabilities, features.double().numpy()


def confident_share(probabilities: torch.Tensor, threshold: float = CONFIDENCE_THRESHOLD) -> float:
    """Return the fraction of rows whose largest class probability is at least ``threshold``."""
    return (probabilities.max(1).values >= threshold).float().mean().item()


def class_coverage(probabilities: torch.Tensor) -> float:
    """Return the entropy of the predicted-class histogram divided by log(classes): 1 = all equally often."""
    classes = probabilities.shape[1]
    counts = np.bincount(probabilities.argmax(1).numpy(), minlength=classes)
    shares = counts[counts > 0] / counts.sum()
    return float(-(shares * np.log(shares)).sum() / np.log(classes))


def frechet_distance(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """Return ‖μa − μb‖² + tr(Σa + Σb − 2(ΣaΣb)^½) between Gaussians fitted to two feature sets."""
    features_a, features_b = np.asarray(features_a, np.float64), np.asarray(features_b, np.float64)
    if features_a.ndim != 2 or features_b.ndim != 2 or features_a.shape[1] != features_b.shape[1]:
        raise ValueError("features must be two (N, F) arrays with the same F.")
    if min(len(features_a), len(features_b)) < 2:
        raise ValueError("each feature set needs at least 2 rows to estimate a covariance.")
    mean_a, mean_b = features_a.mean(0), features_b.mean(0)
    cov_a, cov_b = np.cov(features_a, rowvar=False), np.cov(features_b, rowvar=False)
    # tr((ΣaΣb)^½) is the sum of square roots of ΣaΣb's eigenvalues, which are real and ≥ 0
    # for covariance matrices (up to rounding, hence the clip).
    eigenvalues = np.linalg.eigvals(cov_a @ cov_b).real.clip(min=0)
    return float(
        ((mean_a - mean_b) ** 2).sum()
        + np.trace(cov_a)
        + np.trace(cov_b)
        - 2 * np.sqrt(eigenvalues).sum()
    )


def real_floor(reference: DigitsReference, count: int, image_size: int) -> float:
    """Return the Fréchet distance between ``count`` real training digits and the held-out ones."""
    held_out = as_generated(reference.held_out_images, image_size, reference.dataset)
    return _floor(reference, count, image_size, classify(reference.classifier, held_out)[1])


def _floor(reference, count, image_size, held_out_features) -> float:
    train = as_generated(reference.train_images[:count], image_size, reference.dataset)
    return frechet_distance(classify(reference.classifier, train)[1], held_out_features)


def quality_report(images: torch.Tensor, reference: DigitsReference) -> QualityReport:
    """Return the confident share, class coverage and Fréchet distance of ``images``, with real yardsticks.

    ``images`` are generated digits (N, 1, H, W) in [−1, 1] at any size. The floor is the
    Fréchet distance between real training and held-out digits, both taken through the
    GAN's path at this size; the real confident share is the classifier's confident share
    on the held-out digits.
    """
    images = torch.as_tensor(images, dtype=torch.float32)
    count = min(len(images), len(reference.train_images))
    probabilities, features = classify(reference.classifier, images[:count])
    held_out = as_generated(reference.held_out_images, images.shape[-1], reference.dataset)
    real_probabilities, real_features = classify(reference.classifier, held_out)
    distance = frechet_distance(features, real_features)
    floor = _floor(reference, count, images.shape[-1], real_features)
    return QualityReport(
        distance,
        floor,
        distance / floor,
        confident_share(probabilities),
        class_coverage(probabilities),
        count,
        confident_share(real_probabilities),
    )
