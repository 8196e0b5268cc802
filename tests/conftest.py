"""Shared test setup: the ``slow`` marker for tests owned by the DCGAN lesson, until they carry it.

``make test-quick`` runs ``-m "not slow and not browser"``. Tests in files this part of the
repository may mark do so with ``@pytest.mark.slow`` beside the test; the DCGAN lesson's files
are being rewritten at the same time, so their slow tests (each over ~3 s here) are marked from
this list instead. Temporary: once those files carry the marks, this list goes (see the layout
issue's follow-ups).
"""

from __future__ import annotations

import pytest

# Test function names (not paths, so a file move keeps them marked).
SLOW_ELSEWHERE = {
    "test_ctrl_c_in_a_real_training_process_saves_and_exits_cleanly",
    "test_train_writes_checkpoint_metrics_and_pngs",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if getattr(item, "originalname", None) in SLOW_ELSEWHERE:
            item.add_marker(pytest.mark.slow)
