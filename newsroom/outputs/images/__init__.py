"""Release images: WebP and JPEG derivatives without metadata (``encoding``), cached (``cache``), made and written (``stage``)."""
