"""A browser without JavaScript, in a few lines: it reads forms from HTML and posts them back.

It knows no field names, page numbers or questionnaire: it sees fieldsets with a legend, the
hint and error under it, radio buttons, check boxes and text boxes with their labels, the
submit buttons, and links. Posting a form sends what a browser sends: the checked boxes, the
text boxes and the name and value of the button pressed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag


@dataclass
class Option:
    """One radio button or check box."""

    name: str
    value: str
    label: str = ""
    checked: bool = False


@dataclass
class Fieldset:
    """One question as the page shows it."""

    id: str
    classes: set[str]
    legend: str = ""
    hint: str = ""
    options: list[Option] = field(default_factory=list)
    text_name: str | None = None
    text: str = ""
    multiple: bool = False  # check boxes rather than radio buttons

    @property
    def name(self) -> str:
        """The field name its inputs post under."""
        if self.text_name is not None:
            return self.text_name
        return self.options[0].name

    @property
    def kind(self) -> str:
        """ "radio", "checkbox" or "text"."""
        if self.text_name is not None:
            return "text"
        return "checkbox" if self.multiple else "radio"

    @property
    def optional(self) -> bool:
        """Whether the legend says the question may be left blank."""
        return "（选填）" in self.legend

    @property
    def invalid(self) -> bool:
        """Whether the page marks the question as needing a change."""
        return "invalid" in self.classes

    def shown(self) -> str | list[str] | None:
        """What the page shows as answered: checked values, or the text box's content."""
        if self.kind == "text":
            return self.text or None
        picked = [o.value for o in self.options if o.checked]
        if self.kind == "checkbox":
            return picked or None
        return picked[0] if picked else None


@dataclass
class Button:
    """A submit button."""

    name: str | None
    value: str
    text: str = ""


@dataclass
class Page:
    """What a page holds: its heading, form, questions, buttons and links."""

    h1: str = ""
    action: str | None = None
    fieldsets: list[Fieldset] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, text)
    alert: str = ""
    ids: set[str] = field(default_factory=set)

    def button(self, text: str) -> Button:
        """The submit button labelled ``text``."""
        for button in self.buttons:
            if button.text == text:
                return button
        raise AssertionError(f"no button {text!r}: {[b.text for b in self.buttons]}")

    def link(self, text: str) -> str:
        """The href of the link whose text is ``text``."""
        for href, label in self.links:
            if label == text:
                return href
        raise AssertionError(f"no link {text!r}: {[t for _, t in self.links]}")

    def form_data(self, button: Button) -> dict[str, list[str]]:
        """What a browser posts when ``button`` is pressed (name → values, in page order)."""
        data: dict[str, list[str]] = {}
        for fieldset in self.fieldsets:
            if fieldset.kind == "text":
                data.setdefault(fieldset.name, []).append(fieldset.text)
            else:
                for option in fieldset.options:
                    if option.checked:
                        data.setdefault(option.name, []).append(option.value)
        if button.name:
            data.setdefault(button.name, []).append(button.value)
        return data

    @property
    def post_path(self) -> str:
        """Where the form posts, without the fragment (which a browser keeps to itself)."""
        assert self.action is not None, "the page has no form"
        return urldefrag(self.action)[0]

    @property
    def fragment(self) -> str:
        """The fragment of the form's action: where the answer to the post will land."""
        assert self.action is not None, "the page has no form"
        return urldefrag(self.action)[1]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._stack: list[str] = []  # open elements whose text is collected
        self._fieldset: Fieldset | None = None
        self._option: Option | None = None
        self._button: Button | None = None
        self._link: list[str] | None = None
        self._alert_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.page.ids.add(a["id"])
        if a.get("role") == "alert":
            self._alert_depth = 1
        elif self._alert_depth and tag == "div":
            self._alert_depth += 1
        if tag == "form":
            self.page.action = a.get("action", "")
        elif tag == "fieldset":
            self._fieldset = Fieldset(a.get("id", ""), set(a.get("class", "").split()))
            self.page.fieldsets.append(self._fieldset)
        elif tag == "legend" or (tag == "p" and "hint" in a.get("class", "").split()):
            self._stack.append("legend" if tag == "legend" else "hint")
        elif tag == "input" and a.get("type") in ("radio", "checkbox") and self._fieldset:
            self._option = Option(a["name"], a.get("value", "on"), checked="checked" in a)
            self._fieldset.options.append(self._option)
            self._fieldset.multiple = a["type"] == "checkbox"
        elif tag == "textarea" and self._fieldset:
            self._fieldset.text_name = a["name"]
            self._stack.append("textarea")
        elif tag == "button":
            self._button = Button(a.get("name"), a.get("value", ""))
            self.page.buttons.append(self._button)
        elif tag == "a":
            self._link = [a.get("href", ""), ""]
        elif tag == "h1":
            self._stack.append("h1")

    def handle_endtag(self, tag: str) -> None:
        if self._alert_depth and tag == "div":
            self._alert_depth -= 1
        if tag == "fieldset":
            self._fieldset = None
        elif tag == "label":
            self._option = None
        elif tag == "button":
            self._button = None
        elif tag == "a" and self._link is not None:
            self.page.links.append((self._link[0], self._link[1].strip()))
            self._link = None
        elif tag in ("legend", "p", "textarea", "h1") and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if self._alert_depth:
            self.page.alert += data
        if self._link is not None:
            self._link[1] += data
        if self._button is not None:
            self._button.text += data.strip()
        if self._option is not None:
            self._option.label += data.strip()
        if not self._stack:
            return
        where = self._stack[-1]
        if where == "h1":
            self.page.h1 += data
        elif self._fieldset is not None and where == "legend":
            self._fieldset.legend += data
        elif self._fieldset is not None and where == "hint":
            self._fieldset.hint += data
        elif self._fieldset is not None and where == "textarea":
            self._fieldset.text += data


def read_page(html: str) -> Page:
    """The form, questions, buttons and links of an HTML page."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    for fieldset in reader.page.fieldsets:
        fieldset.legend = fieldset.legend.strip()
        fieldset.hint = fieldset.hint.strip()
    return reader.page
