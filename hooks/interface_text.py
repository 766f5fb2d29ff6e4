"""Interface text in the page's language, and the language selector marks the language being read.

Material and Python-Markdown write a few strings that no configuration translates per language:
the search dialog has no accessible name at all (axe: aria-dialog-name), the ¶ after each heading is
titled "Permanent link" (toc's permalink_title is one string for the whole build), and the footer says
"Made with" (overrides/partials/copyright.html translates that one).
"""
import re

SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
INTERFACE_TEXT = {
    "en": {"search": "Search", "permalink": "Permanent link"},
    "zh": {"search": "搜索", "permalink": "本节链接"},
}
PERMALINK = re.compile(r'(<a class="headerlink" href="[^"]*" title=")Permanent link(")')
LANGUAGE_LINK = re.compile(r'<a href="(?P<href>[^"]*)" hreflang="(?P<lang>[^"]*)" class="md-select__link">')


def localize(output: str, lang: str) -> str:
    text = INTERFACE_TEXT.get(lang, INTERFACE_TEXT["en"])
    output = output.replace(SEARCH_DIALOG, SEARCH_DIALOG[:-1] + f' aria-label="{text["search"]}">', 1)
    output = PERMALINK.sub(lambda m: m.group(1) + text["permalink"] + m.group(2), output)

    def mark_current(match: re.Match) -> str:
        if match.group("lang") != lang:
            return match.group(0)
        return match.group(0)[:-1] + ' aria-current="true">'

    return LANGUAGE_LINK.sub(mark_current, output)


def on_post_page(output, page, config):
    return localize(output, config["theme"]["language"])
