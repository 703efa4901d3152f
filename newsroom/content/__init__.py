"""Reading one source: front matter and its rules, registries, Markdown, sanitising, links kept inside, the Release.

Nothing here knows Pelican's glue, the outputs or the tools; the content cache keys on this code alone.
"""
