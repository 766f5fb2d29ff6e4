"""One Chinese term per concept: every zh page, the zh code notes, the Chinese names the en glossary gives
and the Chinese text of the figures and tables drawn at build time use the term the zh glossary gives,
never a variant a reader could take for a second concept.

Only prose is searched: display and inline math, code blocks and inline code keep their symbols
(`g_{\\text{vanilla}}`, a script's printed output, `vanilla_variance.py`).
"""
from __future__ import annotations

import ast
import re

import pytest

from conftest import ROOT

ZH = ROOT / "docs" / "zh"
SNIPPETS = ROOT / "snippets"

# concept: (the term the site uses, the variants it replaces)
TERMS = {
    "episode": ("回合", r"(?<!全)局(?!部)|(?<!屏)幕"),          # 局, 幕, 分幕式 (episodic: 回合制)
    "switched actions": ("动作互换", r"动作反转|反转的短走廊"),
    "one-hot": ("独热", r"(?<!独热（)one-hot"),                # the English only in brackets after 独热
    "vanilla": ("朴素", r"(?<!朴素（)(?<!朴素的（)vanilla|原始估计量|原始策略梯度"),  # 朴素（vanilla） at first use
    "naive average": ("直接平均", r"朴素平均|错误的朴素"),        # 朴素 is taken by "vanilla"
    "standard error": ("标准误差", r"标准误(?!差)"),
    "horizon": ("回合长度", r"时间跨度"),
    "actor-critic": ("演员-评论家", r"(?<!演员-评论家（)(?<!演员-评论家\*\*（)(?<!soft )actor-critic"),   # a method's own name stays
    "clip (PPO)": ("裁剪", r"截断(?=（clip）)|截断的比率|(?<=PPO 的)截断|(?<=去掉)截断"),  # 截断 is truncation
    "performance difference": ("性能差异", r"性能差分"),       # 差分 is a finite difference
    "backward induction": ("逆向归纳", r"逆推"),
    "reward": ("奖励", r"报酬|支付"),
}
VARIANT = {concept: re.compile(pattern, re.I) for concept, (_, pattern) in TERMS.items()}
# the terms a reader may want to look up (the other two are phrases of one page)
GLOSSARY_CONCEPTS = ("episode", "one-hot", "vanilla", "standard error", "actor-critic", "performance difference")

NOT_PROSE = re.compile(
    r"^[ \t]*(```|~~~).*?^[ \t]*\1[ \t]*$"   # fenced code, indented in a box too (and notebook code cells)
    r"|^---\n.*?\n---\n"                # front matter
    r"|\$\$.*?\$\$|\$[^$\n]+\$"         # display and inline math
    r"|`[^`\n]*`"                       # inline code
    r"|\{\s*#[^}]*\}|\]\([^)\s]*\)"     # heading ids and link targets
    r"|<!--.*?-->"                      # formula labels
    r"|^English: [^\n]*",               # the English name of a zh glossary entry
    re.S | re.M,
)


def prose(markdown: str) -> str:
    return NOT_PROSE.sub(" ", markdown)


def zh_figure_text(path) -> list[str]:
    """The Chinese strings of a snippet's TEXT["zh"] table (plot labels, captions, table headers)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "TEXT" for t in node.targets):
            return list(strings_in(ast.literal_eval(node.value).get("zh", {})))
    return []


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings_in(item)


def zh_texts() -> dict[str, str]:
    texts = {f"docs/zh/{p.name}": prose(p.read_text(encoding="utf-8")) for p in sorted(ZH.glob("*.md"))}
    notes = (ZH / ".code-notes.yml").read_text(encoding="utf-8")
    texts["docs/zh/.code-notes.yml"] = "\n".join(line.split(":", 2)[-1] for line in notes.splitlines()
                                                if not line.lstrip().startswith("#"))   # values, not keys
    english_glossary = (ROOT / "docs" / "en" / "glossary.md").read_text(encoding="utf-8")   # each entry's Chinese name
    texts["docs/en/glossary.md (中文：)"] = "\n".join(line for line in english_glossary.splitlines() if line.startswith("中文："))
    for path in sorted([*SNIPPETS.glob("*.py"), *(ROOT / "page_results").glob("*.py")]):
        if strings := zh_figure_text(path):
            texts[f"snippets/{path.name} (TEXT['zh'])"] = "\n".join(strings)
    return texts


def variants_in(text: str) -> dict[str, list[str]]:
    found = {concept: sorted(set(m.group(0) for m in pattern.finditer(text))) for concept, pattern in VARIANT.items()}
    return {concept: words for concept, words in found.items() if words}


@pytest.mark.parametrize("concept", TERMS)
def test_zh_pages_use_one_term_for(concept):
    term = TERMS[concept][0]
    found = {where: variants_in(text).get(concept) for where, text in zh_texts().items()}
    found = {where: words for where, words in found.items() if words}
    assert found == {}, f"{concept} is 「{term}」 on every zh page; these use another word"


def test_the_zh_glossary_gives_the_chosen_terms():
    glossary = (ZH / "glossary.md").read_text(encoding="utf-8")
    assert [concept for concept in GLOSSARY_CONCEPTS if TERMS[concept][0] not in glossary] == []


def test_a_rejected_variant_is_caught_in_prose_but_not_in_math_or_code():
    """The check has teeth, and it reads prose only."""
    text = "玩一局游戏，取 one-hot 向量。$g_{\\text{vanilla}}$ 与 `vanilla_variance.py` 不算。\n```text\nVar vanilla\n```\n"
    assert variants_in(prose(text)) == {"episode": ["局"], "one-hot": ["one-hot"]}
    assert variants_in(prose("每个回合取独热（one-hot）向量")) == {}
    # code fenced inside a folded box (an exercise's solution) is code too
    assert variants_in(prose('??? success "解答"\n    ```python\n    --8<-- "exercises/vanilla_variance.py:x"\n    ```\n')) == {}
