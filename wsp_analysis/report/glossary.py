"""The glossary: every abbreviation, shorthand symbol and statistical term a page uses, in plain words, each
linked from its first use on the page.

    terms = glossary.terms(partnership_glossary)        # national terms + the partnership's own
    used = glossary.used(page_text, terms)              # the terms the page uses, in glossary order
    html = glossary.link_first_uses(page_html, used)    # each first use a link to its entry
    glossary.unexplained(page_text, terms)              # abbreviations and named tests it lacks: []

A term is matched as a whole word: an abbreviation (RAG, S31, SHA-256) as typed, in its capitals; a phrase
(Fisher's exact test, percentage points) in any capitals. A partnership adds its own abbreviations in
partnership.yaml (glossary: {PQA: ...}); its meaning wins over a national one of the same name.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from wsp_analysis import format as fmt


@dataclass(frozen=True)
class Term:
    """A glossary entry: the `term` as the glossary lists it, what it `means`, and `also`: other forms the page
    may use (plurals, the test's short name), each matched like the term."""

    term: str
    means: str
    also: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        """The id of the term's entry on the page: "term-fisher-s-exact-test"."""
        return "term-" + (re.sub(r"[^a-z0-9]+", "-", self.term.lower()).strip("-") or "symbol")

    def pattern(self) -> re.Pattern:
        """The term or any of its other forms as a whole word: abbreviations (two or more capitals, or a capital
        and digits) and symbols in their own capitals, phrases in any."""
        forms = sorted((self.term, *self.also), key=len, reverse=True)
        exact = all(_is_abbreviation(f) or f.startswith("[") for f in forms)
        body = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms)
        return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", 0 if exact else re.IGNORECASE)


# An abbreviation: a word with two or more capitals (RAG, DoLS, SHA-256), but not a reference code (capitals
# run into a number of three or more digits, such as a review called DS2023: it names a case, it does not
# shorten words). A named test: "test" after a name (Fisher's exact test), after a hyphenated word
# (linear-by-linear trend test), or as z-test; "a test" and "the test" are plain words.
_ABBREVIATION = re.compile(r"(?<![\w-])(?![A-Z]+\d{3,}(?![\w-]))[A-Za-z0-9]*[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*(?:-\d+)?"
                           r"(?![\w-])")
_NAMED_TEST = re.compile(r"(?:\b(?!(?:A|An|The|This|That|Each|No|Any)\b)[A-Z][\w'’]*|\b\w+(?:-\w+)+)"
                         r"(?: [\w'’-]+){0,2}? (?<!\b[Aa] )(?<!\b[Aa]n )(?<!\b[Tt]he )(tests?)\b|\b\w+-(tests?)\b")


def _is_abbreviation(text: str) -> bool:
    """An abbreviation or code matched in its own capitals: no space, and two capitals or a capital and a digit."""
    return " " not in text and sum(c.isupper() for c in text) + any(c.isdigit() for c in text) >= 2


SYMBOL_TERMS = tuple(Term(s, meaning[:1].upper() + meaning[1:] + ".") for s, meaning in fmt.SYMBOLS.items())

STATISTICS = (
    Term("percentage points", "The difference between two percentages: from 35% to 20% is a fall of 15 percentage "
         "points. A relative change is written as a percent instead (that fall is 43% of the 35%).",
         ("percentage point",)),
    Term("95% interval", "The range the true figure could plausibly lie in, given how few cases it comes from: "
         "when 4 of 20 audits have a grade, the true share could be anywhere from 8% to 42%. The fewer the cases, "
         "the wider the range.",
         ("95% intervals",)),
    Term("Wilson score interval", "The method used for the 95% intervals of shares: it stays sensible for small "
         "counts and for shares near 0% or 100%.", ("Wilson score",)),
    Term("p-value", "How often a difference at least this large would turn up by chance alone if nothing had "
         "really changed. Below 0.05 the report calls a change larger than chance alone would be likely to "
         "produce; otherwise the change could be chance.", ("p-values", "p")),
    Term("Fisher's exact test", "A test of whether the mix of grades differs between two years by more than "
         "chance alone would be likely to produce. It is exact, so it suits a year of about 20 audits."),
    Term("linear-by-linear trend test", "A test of whether grades have moved steadily in one direction, better "
         "or worse, over several years, by more than chance alone would be likely to produce. It needs each "
         "year's counts, for at least three years.", ("trend test",)),
    Term("two-proportion z-test", "A test of whether two shares, such as this year's and last year's attendance "
         "rate, differ by more than chance alone would be likely to produce."),
    Term("Wilcoxon signed-rank test", "A test of whether delegates rate their own knowledge higher after a course "
         "than before it, by more than chance alone would be likely to produce, comparing each delegate with "
         "themselves.", ("Wilcoxon",)),
    Term("effect size", "How large a change is, as well as whether it is more than chance: here the rank-biserial "
         "r, from 0 (no change) to 1 (every delegate rated themselves higher).", ("rank-biserial r",)),
    Term("process limits", "The range a measure is expected to vary within when nothing special is happening: the "
         "mean plus or minus 2.66 times the average change from one point to the next (NHS Making Data Count).",
         ("process limit",)),
    Term("XmR chart", "A chart of a measure over time with its process limits: X for the values, mR for the moving "
         "range, the change from one point to the next (NHS Making Data Count).", ("XmR",)),
    Term("special cause variation", "A change too large or too steady to be ordinary variation: something "
         "specific is likely to have caused it (NHS Making Data Count).", ("special cause",)),
)

ABBREVIATIONS = (
    Term("RAG", "Red, amber, green: how far spending is from its budget, against thresholds the partnership "
         "chose locally (they are stated with the budget table)."),
    Term("CSPR", "Child Safeguarding Practice Review: a local review of a serious child safeguarding case, to "
         "learn how agencies can work together better. It replaced the serious case review in 2019."),
    Term("SAR", "Safeguarding Adults Review: a review of a case where an adult with care and support needs died "
         "or was seriously harmed, and agencies could have worked together better (Care Act 2014, section 44)."),
    Term("SCR", "Serious Case Review: the review of a serious child safeguarding case before 2019, when the "
         "Child Safeguarding Practice Review replaced it."),
    Term("CSA", "Child sexual abuse."),
    Term("CAMHS", "Child and Adolescent Mental Health Services."),
    Term("ICB", "Integrated Care Board: the NHS body that plans and pays for health services in an area; one of "
         "the three statutory safeguarding partners."),
    Term("NHS", "National Health Service."),
    Term("DoLS", "Deprivation of Liberty Safeguards: the legal process for depriving a person who lacks mental "
         "capacity of their liberty in a care home or hospital."),
    Term("S31", "Section 31 grant: a grant from central government to a local authority, under section 31 of "
         "the Local Government Act 2003."),
    Term("SARC", "Sexual Assault Referral Centre."),
    Term("MASH", "Multi-Agency Safeguarding Hub."),
    Term("YJS", "Youth Justice Service."),
    Term("GP", "General practitioner: a family doctor."),
    Term("OpenDocument", "The open standard for office files: tables.ods opens in most spreadsheet programs, free "
         "ones included."),
    Term("CPython", "The standard implementation of the Python programming language, which ran the calculations."),
    Term("SHA-256", "A fingerprint of a file's contents: change one character of the file and its fingerprint "
         "changes, so anyone can check that the data files are the ones the report was made from."),
    Term("Q1 to Q4", "The quarters of the financial year: Q1 is April to June, Q2 July to September, Q3 October "
         "to December and Q4 January to March.", ("Q1", "Q2", "Q3", "Q4")),
    Term("financial year", "April to March: 2023-24 runs from 1 April 2023 to 31 March 2024.",
         ("financial years",)),
)

NATIONAL = SYMBOL_TERMS + STATISTICS + ABBREVIATIONS


def terms(local=()) -> tuple[Term, ...]:
    """The national terms with a partnership's own (`local`: (term, meaning) pairs from partnership.yaml) in
    glossary order: symbols, statistics, abbreviations; a local term replaces a national one of the same name."""
    mine = {t: Term(t, m if m.endswith(".") else m[:1].upper() + m[1:] + ".") for t, m in local}
    out = [mine.pop(t.term, t) for t in NATIONAL]
    return tuple(out + sorted(mine.values(), key=lambda t: t.term.lower()))


def used(text: str, glossary: tuple[Term, ...]) -> list[Term]:
    """The terms `text` uses, and the terms their meanings use in turn, in glossary order."""
    found, todo = set(), [text]
    while todo:
        chunk = todo.pop()
        for t in glossary:
            if t.term not in found and t.pattern().search(chunk):
                found.add(t.term)
                todo.append(t.means)
    return [t for t in glossary if t.term in found]


def unexplained(text: str, glossary: tuple[Term, ...]) -> list[str]:
    """Every abbreviation (two or more capitals, or a capital and digits: RAG, DoLS, S31, SHA-256) and named test
    in `text` that no glossary term covers, once each, in order of first use. [] when the glossary explains the
    page."""
    covered = [m.span() for t in glossary for m in t.pattern().finditer(text)]
    inside = lambda span: any(a <= span[0] and span[1] <= b for a, b in covered)  # noqa: E731
    found = [(m.start(), m.group(0)) for m in _ABBREVIATION.finditer(text) if not inside(m.span())]
    # a named test is explained when a glossary term covers its word "test" (the words before may be the
    # sentence's: "A linear-by-linear trend test needs ...")
    found += [(m.start(), m.group(0)) for m in _NAMED_TEST.finditer(text)
              if not inside(m.span(1) if m.group(1) else m.span(2))]
    return list(dict.fromkeys(word for _, word in sorted(found)))


# --- the page ------------------------------------------------------------------------------------------------

# Never linked inside: links and headings, charts, code, the glossary itself (a <dl>), the contents and downloads
# (<nav>: lists of links), and a table's caption (the
# page shows it as a title hidden from assistive technology, which reads the caption: no link is focusable there
# yet unseen, or seen yet hidden from a screen reader). An element with aria-hidden="true" is skipped too.
_SKIP = ("a", "h1", "h2", "h3", "h4", "h5", "h6", "svg", "code", "style", "title", "script", "dl", "caption", "nav")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>|<!--.*?-->", re.S)


def link_first_uses(page: str, glossary: list[Term]) -> str:
    """The page with the first use of each term in its body text made a link to the term's entry. Headings,
    links, charts, code and the glossary itself (a <dl>) are left as they are: a heading or a chart's text is
    never a link."""
    start = page.find("<body")
    if start < 0 or not glossary:
        return page
    todo = {t.term: t for t in glossary}
    out, pos, skip = [page[:start]], start, []
    for m in _TAG.finditer(page, start):
        text = page[pos:m.start()]
        out.append(_link(text, todo) if not skip and todo and text.strip() else text)
        out.append(m.group(0))
        pos = m.end()
        closing, name, empty = m.group(1), (m.group(2) or "").lower(), m.group(3)
        if (name in _SKIP or 'aria-hidden="true"' in m.group(0) or name in skip) and not empty:
            if closing and skip and skip[-1] == name:
                skip.pop()
            elif not closing:
                skip.append(name)
    out.append(page[pos:])
    return "".join(out)


def _link(escaped: str, todo: dict[str, Term]) -> str:
    """One run of escaped text with the first use of each remaining term linked (the term removed from `todo`)."""
    text = html.unescape(escaped)
    hits = []
    for name, t in list(todo.items()):
        m = t.pattern().search(text)
        if m and not any(a < m.end() and m.start() < b for a, b, _ in hits):
            hits.append((m.start(), m.end(), t))
            del todo[name]
    if not hits:
        return escaped
    out, pos = [], 0
    for a, b, t in sorted(hits, key=lambda h: h[0]):
        out.append(html.escape(text[pos:a], quote=False))
        out.append(f'<a class="term" href="#{t.anchor}">{html.escape(text[a:b], quote=False)}</a>')
        pos = b
    out.append(html.escape(text[pos:], quote=False))
    return "".join(out)


def section(glossary: list[Term]) -> str:
    """The glossary as the page shows it: a definition list, each term with the id its links point to."""
    items = "".join(f'<div><dt id="{t.anchor}">{html.escape(t.term)}</dt><dd>{html.escape(t.means)}</dd></div>'
                    for t in glossary)
    return (f'<section class="report-section glossary-section" aria-labelledby="glossary"><h2 id="glossary">Glossary'
            f'</h2><p>Abbreviations, symbols and statistical terms used in this report, in plain words.</p>'
            f'<dl class="glossary">{items}</dl></section>')
