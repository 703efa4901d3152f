"""What the site publishes, made from the releases: feeds, cards, social tags, sitemaps, search, redirects, compression."""
