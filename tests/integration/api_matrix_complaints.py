"""The API access matrix's rows for the complaints endpoints (tests/integration/api_matrix.py adds them)."""

from tests.integration.api_matrix import Cell

CELLS: list[Cell] = []
