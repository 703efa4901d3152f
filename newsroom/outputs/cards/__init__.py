"""Social cards: a 1200×630 JPEG for every release, and one for the site.

A shared link shows up on Mastodon, Bluesky, Facebook, LinkedIn, X, WhatsApp
and Signal as a card. A release without a picture gets one drawn with its
title, number, date and department; a release with a picture gets a crop of
it (around a focal point from the front matter); lists and static pages share
the site's card.

Kept apart, as in mkdocs-material's social plugin, along the line the card
cache draws: ``layout`` (what a card is), ``glyphs`` (text fitting) and
``drawing`` (placing, drawing, encoding) make a card's bytes, and their code
is part of every card's fingerprint; ``cache`` (fingerprints, manifest,
files) and ``stage`` (the build stage: planning, the process pool, writing)
decide which cards are drawn, and changing them redraws none.
"""
