"""Text is data, not markup (issue 8, item 6).

An article whose title and text hold <b>, <img src=...>, <a href=...>, <script> and an entity
written out (&amp;) is imported, annotated by keyboard, linked to an entity and reviewed by two
annotators. Every view then shows those characters literally and loads nothing: the title, the
article view and its span tooltips, the import summary, the span table, the article list and its
tooltips, the entities panel (table, tooltip, KWIC lines), the link picker (heading and candidate
tooltips), the find results and their tooltips, and the review table.

"Shown" is checked the way Qt draws: a label or tooltip in AutoText format is rendered as HTML
whenever Qt.mightBeRichText() says so, so each shown string goes through that rule; what is
rendered is inspected for image and link formats and painted with a document that records every
resource it asks for (the positive control proves that recorder sees an <img> load).
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6 import QtGui
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QImage, QPainter, QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QMessageBox,
    QToolTip,
    QWidget,
)

from annotator.core.model import Span
from annotator.ui.entity_dialogs import EntityEditDialog
from annotator.ui.link_picker import LinkPicker
from tests.ui.helpers import click_span, key, select_text
from tests.ui.test_find import choose

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
LEFT = Qt.MouseButton.LeftButton

IMG_URL = "http://127.0.0.1:9/x.png"
BOLD, IMG, LINK, SCRIPT, AMP = (
    "<b>bold</b>",
    f'<img src="{IMG_URL}">',
    '<a href="http://example.com">link</a>',
    "<script>alert(1)</script>",
    "&amp;",
)
MARKUP = [BOLD, IMG, LINK, SCRIPT, AMP]
TITLE = f"Judul {BOLD} {IMG} {LINK} {SCRIPT} {AMP} selesai"
BODY = f"Presiden {BOLD} bertemu {IMG} di {LINK} lalu {SCRIPT} {AMP} Kim Jong Un."
TEXT = f"{TITLE}\n{BODY}\n"
PERSON = f"Presiden {BOLD}"
NOTE = f"catatan {BOLD} {IMG}"


# -- what Qt draws -------------------------------------------------------------------
class RecordingDocument(QTextDocument):
    """A document that records every resource (image, style sheet) its content asks for."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[str] = []

    def loadResource(self, kind: int, url):  # noqa: ANN001, ANN201, N802
        self.requests.append(url.toString())
        return None


def render(rich: str) -> RecordingDocument:
    """Lay out and paint rich text as a QLabel or a tooltip does."""
    document = RecordingDocument()
    document.setHtml(rich)
    document.setTextWidth(600)
    image = QImage(640, 480, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    document.drawContents(painter)
    painter.end()
    return document


def markup_in(document: QTextDocument) -> list[tuple[str, str]]:
    """Images and links a document draws: none when its text is data."""
    found = []
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fmt = fragments.fragment().charFormat()
            if fmt.isImageFormat():
                found.append(("image", fmt.toImageFormat().name()))
            if fmt.isAnchor():
                found.append(("link", fmt.anchorHref()))
            fragments += 1
        block = block.next()
    return found


def shown(text: str, fmt: Qt.TextFormat = Qt.TextFormat.AutoText) -> str:
    """The characters a label or tooltip of format `fmt` draws for `text`; loads nothing."""
    rich = fmt == Qt.TextFormat.RichText or (
        fmt == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text)
    )
    if not rich:
        return text
    document = render(text)
    assert markup_in(document) == [], f"drawn as markup: {text!r}"
    assert document.requests == [], f"loads {document.requests} to draw {text!r}"
    return document.toPlainText()


def displayed(label: QLabel) -> str:
    """The characters a QLabel draws: its text as is, or what is left once it is rendered."""
    return shown(label.text(), label.textFormat())


def hover(widget: QWidget, pos: QPoint) -> str:
    """Rest the mouse at `pos` of `widget` and return what the tooltip that opens draws."""
    QToolTip.hideText()
    QApplication.sendEvent(
        widget, QHelpEvent(QEvent.Type.ToolTip, pos, widget.mapToGlobal(pos))
    )
    tips = [w for w in QApplication.topLevelWidgets()
            if w.objectName() == "qtooltip_label" and w.isVisible()]
    assert len(tips) == 1, "no tooltip opened"
    tip = tips[0]
    assert isinstance(tip, QLabel)
    return displayed(tip)


def hover_row(view: QAbstractItemView, row: int, column: int = 0) -> str:
    index = view.model().index(row, column)
    return hover(view.viewport(), view.visualRect(index).center())


def hover_item(view: QListWidget, row: int) -> str:
    return hover(view.viewport(), view.visualItemRect(view.item(row)).center())


def cells(view: QAbstractItemView) -> list[list[str]]:
    model = view.model()
    return [
        [str(model.data(model.index(r, c)) or "") for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


# -- what a person does ----------------------------------------------------------------
def open_window(opener, qtbot, root: Path, annotator: str, seeds: Path | None):  # noqa: ANN001, ANN201
    window = opener.open(root, annotator=annotator, seeds=seeds, suggest=False)
    qtbot.waitUntil(window.isActiveWindow, timeout=10000)
    return window


def label_text(window, surface: str, digit: str, after: int = 0) -> Span:  # noqa: ANN001
    """Select `surface` (the first at or after `after`) by keyboard and press a label key."""
    start = window.view.text.index(surface, after)
    key(window, "Escape")  # no current span: a click next to its edge would drag the edge
    select_text(window, start, start + len(surface))
    key(window, digit)
    span = window.view.current_span
    assert span is not None and (span.start, span.end) == (start, start + len(surface))
    return span


def annotate(window, labels: dict[str, str]) -> dict[str, Span]:  # noqa: ANN001
    """Label each surface of the body with its key."""
    body = window.view.text.index(BODY)
    return {surface: label_text(window, surface, digit, body) for surface, digit in labels.items()}


def wait_propagation(window, qtbot) -> None:  # noqa: ANN001
    qtbot.wait(200)  # the knowledge-base change is debounced before propagation starts
    qtbot.waitUntil(lambda: not window.linking.propagation.running, timeout=30000)
    qtbot.wait(50)


def open_picker(window) -> LinkPicker:  # noqa: ANN001
    key(window, "L")
    pickers = [p for p in window.findChildren(LinkPicker) if p.isVisible()]
    assert len(pickers) == 1
    return pickers[0]


def test_the_probe_sees_markup_when_there_is_some(qapp) -> None:  # noqa: ANN001
    """Positive control: rendered as HTML, the title draws an image, a link, and loads."""
    document = render(TITLE)
    assert ("image", IMG_URL) in markup_in(document)
    assert ("link", "http://example.com") in markup_in(document)
    assert IMG_URL in document.requests
    assert BOLD not in document.toPlainText()


def test_article_text_is_shown_literally_in_every_view(opener, qtbot, tmp_path) -> None:  # noqa: ANN001
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "markup.txt").write_text(TEXT, encoding="utf-8")
    root = tmp_path / "project"
    window = open_window(opener, qtbot, root, "ayu", seeds)
    assert window.project.text(window.article_id) == TEXT
    assert window.project.info(window.article_id).title == TITLE

    # The article, its title and what the view's document draws.
    view = window.view
    assert view.toPlainText() == TEXT
    assert markup_in(view.document()) == []
    assert view.document().characterCount() == len(TEXT) + 1  # nothing hidden, nothing added
    assert window.title_label.textFormat() == Qt.TextFormat.PlainText
    assert displayed(window.title_label).startswith(TITLE)
    assert not view.viewport().grab().isNull()

    # Importing it again: the summary names the duplicate by its title, as it is.
    window.transfer.start_import([seeds])
    qtbot.waitUntil(lambda: "duplicate" in window.transfer.last_message, timeout=20000)
    box = next(b for b in window.findChildren(QMessageBox, "summaryBox") if b.isVisible())
    assert TITLE in shown(box.text(), box.textFormat())
    QTest.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=10000)
    window.activateWindow()  # back to the article, as a click on the window would
    qtbot.waitUntil(window.isActiveWindow, timeout=10000)

    # Spans over the tags, made by keyboard; the person span linked to a new entity (L, Enter).
    spans = annotate(window, {PERSON: "1", IMG: "5", LINK: "2", SCRIPT: "7", AMP: "4"})
    click_span(window, spans[PERSON])
    assert view.current_span == spans[PERSON]
    picker = open_picker(window)
    (heading,) = [w for w in picker.findChildren(QLabel) if w.text().startswith("Link")]
    assert heading.textFormat() == Qt.TextFormat.PlainText and PERSON in displayed(heading)
    QTest.keyClick(picker.search, Qt.Key.Key_Return)
    wait_propagation(window, qtbot)
    kb_id = view.current_span.kb_id
    entity = window.project.kb[kb_id]
    assert PERSON in entity.aliases and "bold</b>" in entity.name
    assert view.toPlainText() == TEXT and markup_in(view.document()) == []

    # The title's <b>bold</b> linked too: the picker offers the entity; its tooltip is literal.
    title_bold = label_text(window, BOLD, "1")
    picker = open_picker(window)
    offered = [picker.list.item(i) for i in range(picker.list.count())]
    row = next(i for i, item in enumerate(offered) if item.text().startswith(entity.name))
    assert PERSON in hover_item(picker.list, row)
    picker.list.setCurrentRow(row)
    QTest.keyClick(picker.search, Qt.Key.Key_Return)
    wait_propagation(window, qtbot)
    assert view.current_span is not None and view.current_span.kb_id == kb_id

    # Span tooltips: the HTML holds the escaped forms and draws the characters themselves.
    assert "&lt;b&gt;bold&lt;/b&gt;" in view.tooltip_for(view.current_span)
    for surface, made in [*spans.items(), (BOLD, title_bold)]:
        span = next(s for s in view.spans if (s.start, s.end) == (made.start, made.end))
        tooltip = view.tooltip_for(span)
        assert html.escape(surface) in tooltip
        assert surface in shown(tooltip, Qt.TextFormat.RichText)
        middle = view.point_for((span.start + span.end) // 2)
        assert surface in hover(view.viewport(), middle)  # the tooltip a resting mouse opens
    linked = next(s for s in view.spans if s.start == spans[PERSON].start)
    assert entity.name in shown(view.tooltip_for(linked), Qt.TextFormat.RichText)

    # The span table.
    table = cells(window.span_panel.table)
    shown_spans = {row[0] for row in table}
    assert {PERSON, IMG, LINK, SCRIPT, AMP, BOLD} <= shown_spans
    assert [row[2] for row in table if row[0] == PERSON] == [entity.name]  # entity column

    # The article list and its tooltip.
    articles = window.article_panel.table
    assert cells(articles)[0][0] == TITLE
    assert TITLE in hover_row(articles, 0)

    # The entities panel: table, tooltip (with a note typed into Edit…) and KWIC lines.
    key(window, "K", CTRL)
    panel = window.entities_panel
    assert window.side_tabs.currentWidget() is panel
    qtbot.waitUntil(lambda: panel.model.row_of(kb_id) >= 0, timeout=5000)
    entity_row = panel.model.row_of(kb_id)
    qtbot.mouseClick(
        panel.table.viewport(), LEFT,
        pos=panel.table.visualRect(panel.model.index(entity_row, 0)).center(),
    )
    assert cells(panel.table)[entity_row][:3] == [entity.name, "PER", ", ".join(entity.aliases)]
    qtbot.mouseClick(panel.edit_button, LEFT)
    dialog = next(d for d in window.findChildren(EntityEditDialog) if d.isVisible())
    dialog.note.setFocus()
    QTest.keyClicks(dialog.note, NOTE)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(  # the panel re-reads the knowledge base shortly after a change
        lambda: panel.model.entity_at_row(panel.model.row_of(kb_id)).note == NOTE, timeout=5000
    )
    qtbot.waitUntil(lambda: panel.mentions.rowCount() == 2, timeout=5000)
    entity_row = panel.model.row_of(kb_id)
    assert NOTE in hover_row(panel.table, entity_row)
    kwic = [
        [panel.mentions.item(r, c).text() for c in range(4)]
        for r in range(panel.mentions.rowCount())
    ]
    flat = TEXT.replace("\n", " ")
    for left, mention, right, title in kwic:
        assert mention in (PERSON, BOLD) and title == TITLE
        assert left + mention + right in flat
    assert sorted(mention for _, mention, _, _ in kwic) == sorted([PERSON, BOLD])
    assert any(right.startswith(' <img src="http') for _, _, right, _ in kwic)  # tags in context
    assert any(left.endswith(f"</script> {AMP} selesai ") for left, _, _, _ in kwic)

    # Find: results and their tooltips.
    key(window, "F", CTRL)
    find = window.desk.find_panel
    choose(qtbot, find.scope, "All articles")
    find.query.setFocus()
    find.query.selectAll()
    QTest.keyClicks(find.query, SCRIPT)
    with qtbot.waitSignal(find.searched):
        QTest.keyClick(find.query, Qt.Key.Key_Return)
    assert len(find.hits()) == 2
    for row in range(find.results.count()):
        assert f"«{SCRIPT}»" in find.results.item(row).text()
        assert TITLE in hover_item(find.results, row)
    opener.close(window)

    # Review: a second annotator labels differently; a reviewer compares the two.
    budi = open_window(opener, qtbot, root, "budi", None)
    annotate(budi, {PERSON: "2", IMG: "5", SCRIPT: "7"})
    opener.close(budi)
    rina = open_window(opener, qtbot, root, "rina", None)
    key(rina, "R", CTRL)
    assert rina.review.active and rina.review.annotators == ["ayu", "budi"]
    items = rina.review.panel.items_table
    texts = [items.item(r, 2).text() for r in range(items.rowCount())]
    assert {PERSON, IMG, LINK, SCRIPT, AMP, BOLD} <= set(texts)
    for r, item in enumerate(rina.review.items):
        assert texts[r] == TEXT[item.start : item.end].replace("\n", " ")
    assert rina.view.toPlainText() == TEXT and markup_in(rina.view.document()) == []
    assert displayed(rina.title_label).startswith(TITLE)
