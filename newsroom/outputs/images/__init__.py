"""Release images: derivatives in a few widths, WebP and JPEG, without metadata (``encoding``), cached (``cache``), planned and written by ``stage``."""
