"""Concerns under the protocol (D1-D3, D6) and Code of Conduct complaints (D4): the only code that
changes them."""
