"""The API's JSON renderer: DRF's JSON, written by orjson (issue 23).

orjson writes the same JSON as DRF's renderer for what the API answers (strings, numbers, lists and
objects the serializers made) several times faster. Whatever orjson does not write the way DRF's
encoder does goes to DRF's own code: dates and times, decimals, lazy translation strings, querysets
and generators through ``rest_framework.utils.encoders.JSONEncoder.default``; indented output (an
``indent=`` in the Accept header, the browsable API), ASCII-only output (``UNICODE_JSON = False``) and
anything orjson refuses (keys that are not strings, integers beyond 64 bits) through DRF's renderer.
One difference remains: a NaN or infinite float, which DRF refuses with an error (STRICT_JSON, the
default), orjson writes as null. No figure of the register can be one.
"""

import orjson
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder

from api.compiled import plain_drf_in_use

# Dates, times and dataclasses go to DRF's encoder: orjson would write them in its own formats.
OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
# DRF escapes these two so that the JSON is also valid JavaScript; orjson writes them as UTF-8.
LINE_SEPARATOR, PARAGRAPH_SEPARATOR = "\u2028".encode(), "\u2029".encode()


class JSONRenderer(renderers.JSONRenderer):
    """``application/json``, and ``application/problem+json`` for the errors (their responses name
    the content type; the renderer is the same)."""

    encoder_default = JSONEncoder().default

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if (
            data is None
            or self.ensure_ascii
            or plain_drf_in_use()
            or self.get_indent(accepted_media_type, renderer_context or {}) is not None
        ):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            written = orjson.dumps(data, default=self.encoder_default, option=OPTIONS)
        except orjson.JSONEncodeError:
            # DRF's renderer writes it (non-string keys, big integers) or raises its own error.
            return super().render(data, accepted_media_type, renderer_context)
        if b"\xe2\x80" in written:  # the UTF-8 of U+2028 and U+2029 starts so
            written = written.replace(LINE_SEPARATOR, b"\\u2028").replace(PARAGRAPH_SEPARATOR, b"\\u2029")
        return written
