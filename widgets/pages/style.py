"""The course's stylesheet, sent once per page.

Colours meet WCAG AA contrast on white (each pair is listed with its ratio);
right and wrong are also marked by a symbol and a word, never by colour
alone. Text is at least 16 px in lines of about 80 characters; targets are at
least 24 px; controls wrap instead of scrolling sideways on a 390-pixel
phone. Lessons print whole; a page with a certificate prints only that.
"""

from __future__ import annotations

CSS = """
/* Reading: text of at least 16 px, lines of about 80 characters at most (37em of 16 px text). */
.jp-RenderedHTMLCommon, .jp-RenderedMarkdown, .peer-item, .peer-home, .peer-plan, .peer-progress-page {
  font-size: 16px; line-height: 1.55;
}
.jp-RenderedMarkdown, .peer-item, .peer-home, .peer-plan, .peer-progress-page,
.peer-page-progress-box, .jp-RenderedMarkdown p, .jp-RenderedMarkdown li, .jp-RenderedMarkdown blockquote,
.jp-RenderedMarkdown table, .jp-RenderedMarkdown h1, .jp-RenderedMarkdown h2, .jp-RenderedMarkdown h3 {
  max-width: 37em; }
/* text #1f1f1f on #ffffff: 16.3:1 */
.peer-item, .peer-home, .peer-plan, .peer-progress-page { color: #1f1f1f; }

/* A question: heading, scenario, then its controls grouped under the question. */
.peer-item { border-top: 1px solid #8a8a8a; padding: 0.75em 0 0.5em 0; margin: 0.75em 0; scroll-margin-top: 4em; }
.peer-item-heading { font-size: 1em; margin: 0 0 0.4em 0; color: #4d4d4d; font-weight: 600; }
.peer-fieldset { border: 0; margin: 0; padding: 0; min-width: 0; }
.peer-prompt { font-weight: 600; padding: 0; margin-bottom: 0.5em; white-space: normal; }
.peer-scenario { font-style: italic; }
/* #4d4d4d on white: 8.5:1 */
.peer-category, .peer-instruction, .peer-item-heading { color: #4d4d4d; }
.peer-category { font-size: 0.95em; }
/* Each option is a whole-row target of at least 24 px, wrapping on any width. */
.peer-option { display: flex; align-items: flex-start; gap: 0.6em; min-height: 28px; padding: 0.2em 0;
  cursor: pointer; overflow-wrap: anywhere; }
.peer-option input { width: 20px; height: 20px; margin: 0.15em 0 0 0; flex: none; accent-color: #1d4f91; }
/* Matching: each term above its own full-width list, on every screen. */
.peer-match { display: flex; flex-direction: column; gap: 0.25em; margin: 0.5em 0; }
.peer-term { font-weight: 600; }
.peer-match select, .peer-text textarea { width: 100%; max-width: 100%; box-sizing: border-box; font: inherit;
  color: #1f1f1f; background: #ffffff; border: 1px solid #6b6b6b; border-radius: 3px; }
.peer-match select { min-height: 36px; padding: 0.3em; }
.peer-text { display: flex; flex-direction: column; gap: 0.25em; margin: 0.5em 0; }
.peer-text-label { font-weight: 600; }
.peer-text textarea { padding: 0.4em; resize: vertical; }
.peer-check { font: inherit; min-height: 36px; padding: 0.3em 1em; margin: 0.4em 0; color: #ffffff;
  background: #1d4f91; border: 2px solid #1d4f91; border-radius: 4px; cursor: pointer; }
.peer-check:hover { background: #163d70; }
/* dark green #1b5e20 on white: 7.9:1; dark red #b71c1c: 6.6:1; brown #6d4c00: 7.6:1 */
.peer-correct { color: #1b5e20; font-weight: 600; }
.peer-incorrect { color: #b71c1c; font-weight: 600; }
.peer-partial, .peer-needs-comment { color: #6d4c00; font-weight: 600; }
.peer-error { color: #b71c1c; }
.peer-saved { color: #1b5e20; }
.peer-status { min-height: 1.4em; margin: 0.25em 0 0 0; }
.peer-feedback:empty { display: none; }
/* #3e2723 on #fff4e5: 13.4:1 */
.peer-notice { background: #fff4e5; color: #3e2723; border-left: 4px solid #8d6e00; padding: 0.5em 0.75em; }
.peer-privacy { background: #eef4fb; color: #0d2a4a; padding: 0.5em 0.75em; border-left: 4px solid #1d4f91; }
.peer-home a, .peer-item a, .peer-progress-page a { color: #0b4f9c; text-decoration: underline; }

/* "n of N questions answered", kept in view while the learner scrolls. */
.peer-page-progress-box { position: sticky; top: 0; z-index: 2; background: #ffffff; padding: 0.3em 0;
  border-bottom: 1px solid #c4c4c4; }
.peer-page-progress { margin: 0; font-weight: 600; color: #1f1f1f; }
.peer-page-progress-box progress { width: 100%; height: 8px; accent-color: #1d4f91; }

/* A visible focus ring for keyboard users: #1d4f91 on white is 8.6:1. */
.peer-item input:focus-visible, .peer-item select:focus-visible, .peer-item textarea:focus-visible,
.peer-item button:focus-visible, .peer-home a:focus-visible, .peer-home button:focus-visible,
.peer-home input:focus-visible, .peer-progress-page a:focus-visible, .peer-progress-page input:focus-visible,
.jupyter-widgets button:focus-visible, .jupyter-widgets input:focus-visible, .jupyter-widgets select:focus-visible,
.jp-RenderedMarkdown a:focus-visible { outline: 3px solid #1d4f91; outline-offset: 2px; }
.peer-check:focus-visible { outline-color: #0d2a4a; }

/* Stock widgets elsewhere on the pages (home, progress) wrap rather than scroll sideways. */
.widget-html-content { line-height: 1.45 !important; white-space: normal; }
.jupyter-widgets.widget-container, .widget-box, .jp-OutputArea-output { max-width: 100%; }

@media print {
  /* A lesson prints whole: no scrolling panel clips it, controls show their state. */
  html, body, body * { overflow: visible !important; }
  .lm-Widget, .jp-OutputArea, .jp-OutputArea-child, .jp-OutputArea-output { contain: none !important;
    transform: none !important; height: auto !important; max-height: none !important; }
  .peer-check, .peer-page-progress-box, #peer-live { display: none !important; }
  .peer-item { break-inside: avoid; }
  /* A page that holds a certificate prints the certificate alone. */
  body:has(.peer-certificate) * { visibility: hidden; }
  body:has(.peer-certificate) .peer-certificate, body:has(.peer-certificate) .peer-certificate * { visibility: visible; }
  body:has(.peer-certificate) .peer-certificate { position: fixed; left: 0; right: 0; top: 0; margin: 0 auto;
    background: #ffffff; }
}
.peer-certificate { border: 6px double #1d4f91; padding: 2em; text-align: center; color: #1f1f1f; max-width: 40em; }
"""


def style_html() -> str:
    return f"<style>{CSS}</style>"
