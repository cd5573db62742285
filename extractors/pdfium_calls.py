"""PDFium calls made with plain addresses instead of ctypes pointer objects.

The bindings (``pypdfium2.raw``) return every handle as a typed pointer object and check the
type of each handle passed in; for the calls made once per character or path segment (tens
of thousands on a page) that costs more than the call. These prototypes of the same C
functions take and give ``c_void_p`` (an int), built once per process.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

import pypdfium2.raw as pdfium_c


@dataclass(frozen=True, slots=True)
class SegmentCalls:
    """PDFium's path segment calls with segments as plain addresses (no ctypes pointer
    object made and checked for each of a page's tens of thousands of segments)."""

    get: Callable[[Any, int], int | None]
    kind: Callable[[int | None], int]
    point: Callable[[int | None, Any, Any], int]
    closes: Callable[[int | None], int]


def prototype(func: Any, restype: Any, *argtypes: Any) -> Any:
    address: Any = ctypes.cast(func, ctypes.c_void_p).value
    return ctypes.CFUNCTYPE(restype, *argtypes)(address)


@cache
def segment_calls() -> SegmentCalls:
    vp, fp = ctypes.c_void_p, ctypes.POINTER(ctypes.c_float)
    get = pdfium_c.FPDFPath_GetPathSegment
    return SegmentCalls(
        prototype(get, vp, *get.argtypes),
        prototype(pdfium_c.FPDFPathSegment_GetType, ctypes.c_int, vp),
        prototype(pdfium_c.FPDFPathSegment_GetPoint, ctypes.c_int, vp, fp, fp),
        prototype(pdfium_c.FPDFPathSegment_GetClose, ctypes.c_int, vp))


@cache
def text_object_address() -> Callable[[Any, int], int | None]:
    """``FPDFText_GetTextObject`` giving the object's address as an int (a key for the
    chars of one object without a ``ctypes.cast`` per char)."""
    func = pdfium_c.FPDFText_GetTextObject
    return cast(Callable[[Any, int], "int | None"],
                prototype(func, ctypes.c_void_p, *func.argtypes))
