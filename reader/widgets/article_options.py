"""A list whose options are articles: the article list and the related pane.

Both say the same thing when the reader picks a row (Enter or a click), so
both post the one :class:`ArticleOptions.Chosen` message and the screen
handles it once.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.widgets import OptionList


class ArticleOptions(OptionList):
    """An ``OptionList`` whose option ids are article ids."""

    @dataclass
    class Chosen(Message):
        """An article was chosen (Enter or click).

        Handled as ``on_article_options_chosen``; ``control`` is the list it was
        chosen in.
        """

        options: ArticleOptions
        """The list the article was chosen in."""
        article_id: str
        """The chosen article's id."""

        @property
        def control(self) -> ArticleOptions:
            return self.options

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Chosen(self, event.option.id))
