"""Freezing a policy page's content into the HTML kept with a version."""

import hashlib


def render_body(page):
    """The body of ``page`` as HTML, links expanded, as a customer reads it."""
    return "\n".join(str(child.render()).strip() for child in page.body)


def content_hash(title, body_html):
    """SHA-256 of what a customer accepts: the title, a blank line, then the body HTML."""
    return hashlib.sha256(f"{title}\n\n{body_html}".encode()).hexdigest()
