"""Where lifecycle data comes from: the bundled snapshot, a file, or AWS."""

from checker.feed.loader import FeedError, load_bundled_feed, load_feed, validate_feed_document
from checker.feed.model import Feed, FeedModel, Schedule

__all__ = [
    "Feed",
    "FeedError",
    "FeedModel",
    "Schedule",
    "load_bundled_feed",
    "load_feed",
    "validate_feed_document",
]
