"""The order of releases and pages (Pelican's sort-key settings) and each release's neighbours."""

from __future__ import annotations

import os


def newest_first(article) -> tuple:
    """ARTICLE_ORDER_BY: ``Release.newest_first`` (a file with errors has no release and a placeholder date)."""
    return article.release.newest_first if article.release else (-article.date.timestamp(), 0, "")


def by_file_name(page) -> tuple:
    """PAGE_ORDER_BY: by file name as Pelican does, then by path, so equal names keep one order."""
    return (os.path.basename(page.source_path), page.source_path)


def link_neighbours(generator) -> None:
    """Receiver of ``article_generator_finalized``: each release's older (prev) and newer (next) neighbour."""
    articles = generator.articles
    for index, article in enumerate(articles):
        article.prev_article = articles[index + 1] if index + 1 < len(articles) else None
        article.next_article = articles[index - 1] if index > 0 else None
