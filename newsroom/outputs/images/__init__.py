"""Release images: derivatives in WebP and JPEG without metadata (``encoding``), cached (``cache``), planned and written (``stage``)."""
