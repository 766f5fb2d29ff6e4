"""What every exercise checker shares: calling the reader's function safely and printing a verdict.

Shown at the top of every checker block of the pages' exercise sections, so that a checker copied
alone, under the reader's function, runs in a fresh interpreter. A verdict is printed in the page's
language (`lang="en"` or `"zh"`); the checker returns True only when every check passed.
"""

# --8<-- [start:checking]
import numpy as np


def say(lang, en, zh):
    """The message in the page's language."""
    return zh if lang == "zh" else en


class Wrong(Exception):
    """The reader's answer is wrong; the message says why, in the page's language."""


def answer(fn, name, args, shape, lang):
    """fn(*args) as a float array of the given shape, or Wrong saying plainly what is off."""
    if fn is None:
        raise Wrong(say(lang, f"no function named {name} was found: paste your function above this code",
                        f"没有找到名为 {name} 的函数：请把你的函数粘贴在这段代码的上方"))
    if not callable(fn):
        raise Wrong(say(lang, f"expected the function {name} itself, got {type(fn).__name__} {fn!r:.40}",
                        f"需要传入函数 {name} 本身，收到的却是 {type(fn).__name__} {fn!r:.40}"))
    try:
        value = fn(*args)
    except Exception as error:  # the reader's error, reported without the checker's traceback
        raise Wrong(say(lang, f"{name} raised {type(error).__name__}: {error}",
                        f"{name} 抛出了异常 {type(error).__name__}：{error}")) from None
    if value is None or value is Ellipsis:
        raise Wrong(say(lang, f"{name} returned nothing: is its body still `...`?",
                        f"{name} 没有返回值：函数体是不是还是 `...`？"))
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().numpy()
    try:
        value = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(say(lang, f"{name} returned {type(value).__name__}, not numbers",
                        f"{name} 返回的是 {type(value).__name__}，不是数值")) from None
    if value.shape != tuple(shape):
        raise Wrong(say(lang, f"{name} returned shape {value.shape}, expected {tuple(shape)}",
                        f"{name} 返回的形状是 {value.shape}，应为 {tuple(shape)}"))
    if not np.all(np.isfinite(value)):
        raise Wrong(say(lang, f"{name} returned NaN or infinity", f"{name} 返回了 NaN 或无穷大"))
    return value


def compare_with_exact(got, expected, mistakes, tolerance, lang):
    """Wrong unless got ≈ expected; names the typical mistake whose value got matches, if any.

    mistakes: [((english, chinese), value that mistake gives)], tried in order; tolerance: a number or
    one per entry (from the estimator's standard error when the answer is random)."""
    if np.allclose(got, expected, rtol=0, atol=tolerance):
        return
    for (en, zh), value in mistakes:
        if np.shape(value) == np.shape(got) and np.allclose(got, value, rtol=0, atol=tolerance):
            raise Wrong(say(lang, f"this looks like {en}", f"看起来是{zh}"))
    expected, got = (np.array2string(np.asarray(v, dtype=float), precision=4, suppress_small=True) for v in (expected, got))
    raise Wrong(say(lang, f"expected {expected}, got {got}", f"应为 {expected}，得到的是 {got}"))


def verdict(title, checks, lang):
    """Run checks [(what is checked, function raising Wrong)] in order, print one line each, and stop
    at the first failure. True when all passed."""
    for what, check in checks:
        try:
            check()
        except Wrong as wrong:
            print(f"✗ {what}{say(lang, ': ', '：')}{wrong}")
            print(say(lang, f"Not yet: {title}.", f"还没有通过：{title}。"))
            return False
        print(f"✓ {what}")
    print(say(lang, f"All checks passed: {title}.", f"全部通过：{title}。"))
    return True
# --8<-- [end:checking]
