"""The classifier of notebook 05, in three files read in this order.

- ``data.py`` — the labelled digits (``digits``, ``mnist5k``, ``mnist``) split into train and
  test tensors (:func:`~cnn_lib.classifier.data.digit_split`);
- ``model.py`` — :class:`~cnn_lib.classifier.model.DigitsCNN`, conv → ReLU → pool twice and a
  fully connected head, and :func:`~cnn_lib.classifier.model.layer_outputs`;
- ``train.py`` — the training loop, accuracy, predictions and the confusion matrix.

The DCGAN lesson scores its digits with this classifier (:mod:`cnn_lib.dcgan.metrics`).
Import from the module that defines a name: ``from cnn_lib.classifier.model import DigitsCNN``.
"""
