"""Material's search dialog has no accessible name (axe: aria-dialog-name); give it one in the page's language."""

SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
DIALOG_NAME = {"en": "Search", "zh": "搜索"}


def on_post_page(output, page, config):
    name = DIALOG_NAME.get(config["theme"]["language"], "Search")
    return output.replace(SEARCH_DIALOG, SEARCH_DIALOG[:-1] + f' aria-label="{name}">', 1)
