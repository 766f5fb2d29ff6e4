"""Join source lines that break between two Chinese characters; no space around a Chinese link.

A browser renders a line break inside a paragraph as a space. Between Latin words that is right;
between two Chinese characters (or a character and Chinese punctuation) it shows as a stray gap.
Writers wrap their Markdown anyway, so the break is removed from the HTML, outside code and scripts.
Likewise `把 [得分函数](…) 用到` would show gaps around the link: Chinese text takes no space next to
Chinese text, linked or not (a space stays between Chinese and Latin text).
"""
import re

from html_regions import outside_protected

CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2014\u2018\u2019\u201c\u201d\u2026"
BREAK = re.compile(rf"(?<=[{CJK}])[ \t]*\n[ \t]*(?=[{CJK}])")
LINK_AFTER_CJK = re.compile(rf"(?<=[{CJK}])[ \t]+(?=<a\b[^>]*>[{CJK}])")
CJK_AFTER_LINK = re.compile(rf"(?<=[{CJK}]</a>)[ \t]+(?=[{CJK}])")


def join_cjk_lines(html: str) -> str:
    return outside_protected(html, lambda text: CJK_AFTER_LINK.sub("", LINK_AFTER_CJK.sub("", BREAK.sub("", text))))


def on_page_content(html, page, config, files):
    return join_cjk_lines(html)
