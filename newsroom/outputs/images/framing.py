"""Where a picture is cut to an aspect ratio: the largest box of that ratio, centred on the editor's ``image_focus``.

Shared by the share cards (1200:630) and the JSON-LD crops (16:9, 4:3, 1:1),
so both keep the same part of a picture.
"""

from __future__ import annotations


def focal_box(size: tuple[int, int], focus: tuple[float, float], ratio: tuple[int, int]) -> tuple[float, float, float, float]:
    """The largest ``ratio`` (across, down) box in a picture of ``size``, centred on the focus as far as the edges allow."""
    width, height = size
    across, down = ratio
    if width / height > across / down:
        crop_width, crop_height = height * across / down, height
    else:
        crop_width, crop_height = width, width * down / across
    left = min(max(focus[0] * width - crop_width / 2, 0), width - crop_width)
    top = min(max(focus[1] * height - crop_height / 2, 0), height - crop_height)
    return left, top, left + crop_width, top + crop_height
