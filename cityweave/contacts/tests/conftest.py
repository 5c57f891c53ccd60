from pathlib import Path

import pytest

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def sample():
    """The bytes of a sample file in tests/samples/ by name."""

    def read(name: str) -> bytes:
        return (SAMPLES / name).read_bytes()

    return read
