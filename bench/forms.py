"""The fields of an HTML form as a browser would post them (for the load benchmarks' writers)."""

import re
from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": {}})
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields[a["name"]] = a.get("value", "on")
            elif kind not in ("file", "submit", "button"):
                fields.setdefault(a["name"], a.get("value") or "")
        elif tag == "textarea" and a.get("name"):
            fields[a["name"]] = ""
        elif tag == "select" and a.get("name"):
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_endtag(self, tag):
        if tag == "select" and self._select and self.forms:
            chosen = [v for v, selected in self._options if selected and v]
            filled = [v for v, _ in self._options if v]
            self.forms[-1]["fields"][self._select] = (chosen or filled or [""])[0]
            self._select = None


def form_fields(html: str, field: str) -> dict[str, str]:
    """The fields of the first form that has `field`: hidden and text inputs with their values,
    checked boxes, each select's selected option (or its first non-empty one)."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if field in form["fields"]:
            return dict(form["fields"])
    raise LookupError(f"no form with a field {field!r}")


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
