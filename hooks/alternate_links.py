"""Drop the head's `<link rel="alternate" hreflang>` tags that make Material ask for missing sitemaps.

Material's JavaScript reads every `<link rel="alternate">` in the head and fetches `sitemap.xml`
relative to it: the feature is meant for Material's own `extra.alternate`, whose links point at each
language's root. mkdocs-static-i18n points them at the page itself in each language
(`/zh/monte-carlo/`), so every page asked for `/zh/monte-carlo/sitemap.xml` and `/monte-carlo/sitemap.xml`
and got two 404s, shown as console errors.

The tags are removed; nothing is lost:
- the language selector in the header has its own links (`.md-select__link`) and keeps working;
- search engines get the same hreflang pairs from `sitemap.xml`, where the i18n plugin writes
  `<xhtml:link rel="alternate" hreflang=…>` for every page;
- Material's click interception that used those sitemaps never worked here (the fetches failed).

Feeds (`rel="alternate" type="application/rss+xml"`) carry no hreflang and are kept.

The 404 page is rendered once, outside the pages, with the i18n plugin's alternates of whichever page
was built last: its head links are dropped as well, and its language selector is pointed at each
language's home instead of that arbitrary page.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

HREFLANG_LINK = re.compile(r'[ \t]*<link\b(?=[^>]*\brel="alternate")(?=[^>]*\bhreflang=)[^>]*>[ \t]*\n?', re.I)
SELECT_LINK = re.compile(r'<a href="[^"]*" hreflang="(?P<lang>[^"]*)" class="md-select__link">')
HEAD_END = "</head>"


def drop_hreflang_links(html: str) -> str:
    """Remove `<link rel="alternate" hreflang=…>` from the head; the body is left untouched."""
    end = html.find(HEAD_END)
    if end < 0:
        return html
    return HREFLANG_LINK.sub("", html[:end]) + html[end:]


def language_homes(config) -> dict[str, str]:
    """Locale -> absolute path of that language's home, from the i18n plugin's configuration."""
    root = urlsplit(config.get("site_url") or "/").path or "/"
    root = root if root.endswith("/") else root + "/"
    homes = {}
    i18n = config["plugins"].get("i18n")
    for language in getattr(getattr(i18n, "config", None), "languages", []) or []:
        homes[language.locale] = root if language.default else f"{root}{language.locale}/"
    return homes


def on_post_page(output: str, page, config) -> str:
    return drop_hreflang_links(output)


def on_post_template(output_content: str, template_name: str, config) -> str:
    if template_name != "404.html":
        return output_content
    homes = language_homes(config)

    def home(match: re.Match) -> str:
        lang = match.group("lang")
        if lang not in homes:
            return match.group(0)
        return f'<a href="{homes[lang]}" hreflang="{lang}" class="md-select__link">'

    return SELECT_LINK.sub(home, drop_hreflang_links(output_content))
