"""The course's stylesheet, sent once per page.

Colours meet WCAG AA contrast on white (each pair is listed with its ratio);
right and wrong are also marked by a symbol and a word, never by colour
alone. Controls wrap instead of scrolling sideways on a 390-pixel phone.
"""

from __future__ import annotations

CSS = """
/* text #1f1f1f on #ffffff: 16.3:1 */
.peer-item, .peer-home, .peer-plan, .peer-progress-page { color: #1f1f1f; max-width: 46em; }
.peer-item { border-top: 1px solid #8a8a8a; padding: 0.75em 0 0.5em 0; margin: 0.5em 0; }
.peer-prompt { font-weight: 600; }
.peer-scenario { font-style: italic; }
/* #4d4d4d on white: 8.5:1 */
.peer-category, .peer-instruction { color: #4d4d4d; font-size: 0.9em; }
/* dark green #1b5e20 on white: 7.9:1; dark red #b71c1c: 6.6:1; brown #6d4c00: 7.6:1 */
.peer-correct { color: #1b5e20; font-weight: 600; }
.peer-incorrect { color: #b71c1c; font-weight: 600; }
.peer-partial, .peer-needs-comment { color: #6d4c00; font-weight: 600; }
.peer-error { color: #b71c1c; }
.peer-saved { color: #1b5e20; }
/* #3e2723 on #fff4e5: 13.4:1 */
.peer-notice { background: #fff4e5; color: #3e2723; border-left: 4px solid #8d6e00; padding: 0.5em 0.75em; }
.peer-privacy { background: #eef4fb; color: #0d2a4a; padding: 0.5em 0.75em; border-left: 4px solid #1d4f91; }
.peer-home a, .peer-item a, .peer-progress-page a { color: #0b4f9c; text-decoration: underline; }

/* Wrap long option labels and descriptions instead of scrolling sideways. */
.peer-item .widget-radio-box label, .peer-item .widget-checkbox label, .peer-item .widget-label,
.peer-item .widget-label-basic, .peer-item .widget-html-content {
  white-space: normal !important; height: auto !important; line-height: 1.35; overflow-wrap: anywhere;
}
.peer-item .widget-radio-box label { margin-bottom: 0.35em; }
/* HTML widgets inherit the one-line control height as line height; text needs less. */
.widget-html-content { line-height: 1.45 !important; white-space: normal; }
.peer-item .widget-inline-hbox, .peer-item .widget-radio { flex-wrap: wrap; }
.peer-item .widget-label { max-width: 100% !important; width: auto !important; }
.peer-item .widget-dropdown, .peer-item .widget-textarea { max-width: 100% !important; }
.peer-item .widget-dropdown > select { max-width: 100%; min-width: 0; }
.peer-item .widget-textarea textarea { min-width: 0; }
.jupyter-widgets.widget-container, .widget-box, .jp-OutputArea-output { max-width: 100%; }
.peer-item .widget-button { min-height: 2.2em; }

/* A visible focus ring for keyboard users. */
.peer-item input:focus-visible, .peer-item select:focus-visible, .peer-item textarea:focus-visible,
.peer-item button:focus-visible, .peer-home a:focus-visible { outline: 3px solid #1d4f91; outline-offset: 2px; }

@media (max-width: 480px) {
  .peer-item .widget-inline-hbox { display: flex; flex-direction: column; align-items: stretch; }
  .peer-item .widget-label { text-align: left !important; }
}

/* The certificate prints on its own. */
@media print {
  body * { visibility: hidden; }
  .peer-certificate, .peer-certificate * { visibility: visible; }
  /* fixed: out of the scrolling panels that would otherwise clip it */
  .peer-certificate { position: fixed; left: 0; right: 0; top: 0; margin: 0 auto; background: #ffffff; }
  .lm-Widget, .jp-OutputArea, .jp-OutputArea-child, .jp-OutputArea-output { contain: none !important; transform: none !important; }
}
.peer-certificate { border: 6px double #1d4f91; padding: 2em; text-align: center; color: #1f1f1f; max-width: 40em; }
"""


def style_html() -> str:
    return f"<style>{CSS}</style>"
