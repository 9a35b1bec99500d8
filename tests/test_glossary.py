"""The glossary: which terms a page uses, which abbreviations and named tests it lacks, and the link from each
term's first use (never inside a heading, a chart, a link, a caption or text hidden from assistive technology)."""
from __future__ import annotations

from wsp_analysis.publish.html import page_text, with_glossary
from wsp_analysis.report import glossary

TERMS = glossary.terms([("PQA", "the partnership's Performance and Quality Assurance sub-groups")])


def names(terms) -> list[str]:
    return [t.term for t in terms]


def test_abbreviations_and_named_tests_the_glossary_lacks_are_named():
    text = ("RAG ratings; CSPR / SAR; SCR W6; report to PQA; S31 Grant; DoLS training; (Fisher's exact test, p = 0.27); "
            "a Mann-Whitney test; Kappa test; XYZ; Practice review DS2023; A test of whether; the trend test")
    # W6 has one capital and DS2023 is a case's reference (capitals run into a year): neither abbreviates words
    assert glossary.unexplained(text, TERMS) == ["Mann-Whitney test", "Kappa test", "XYZ"]
    assert glossary.unexplained("PQA", glossary.terms()) == ["PQA"]  # only Walsall's glossary explains it


def test_the_terms_a_page_uses_and_the_terms_their_meanings_use():
    used = names(glossary.used("15 percentage points; Q3; [x]", TERMS))
    # "Q1 to Q4" explains Q3 and speaks of the financial year, which is then explained too
    assert used == ["[x]", "percentage points", "Q1 to Q4", "financial year"]
    assert names(glossary.used("CSPR", TERMS)) == ["CSPR"]
    assert names(glossary.used("cspr", TERMS)) == []  # an abbreviation in its own capitals only
    assert names(glossary.used("FISHER'S EXACT TEST", TERMS)) == ["Fisher's exact test"]  # a phrase in any


def test_a_partnership_term_replaces_a_national_one_of_the_same_name():
    local = glossary.terms([("RAG", "red, amber or green, our way")])
    assert dict((t.term, t.means) for t in local)["RAG"] == "Red, amber or green, our way."
    assert names(local).count("RAG") == 1


def test_each_term_is_linked_once_at_its_first_use_outside_headings_charts_and_captions():
    page = ('<html><body><h2>RAG</h2><nav><a href="x">RAG</a> RAG</nav>'
            '<p class="table-title" aria-hidden="true">RAG by line</p>'
            '<table><caption class="visually-hidden">RAG by line</caption></table>'
            '<svg><text>RAG</text></svg><p>The RAG rating &amp; the RAG again; Fisher&#x27;s exact test.</p>'
            '<dl class="glossary"><dt>RAG</dt></dl></body></html>')
    out = glossary.link_first_uses(page, glossary.used(page_text(page), TERMS))
    assert out.count('href="#term-rag"') == 1
    assert ('<p>The <a class="term" href="#term-rag">RAG</a> rating &amp; the RAG again; <a class="term" '
            'href="#term-fisher-s-exact-test">Fisher\'s exact test</a>.</p>') in out
    assert "<h2>RAG</h2>" in out and "<svg><text>RAG</text></svg>" in out and "<dt>RAG</dt>" in out


def test_the_page_gets_its_glossary_and_a_contents_entry():
    page = ('<html><body><nav><ol><li>x</li><!--wsp:glossary-contents--></ol></nav><main><p>[x] means RAG</p>'
            '<!--wsp:glossary--></main></body></html>')
    out = with_glossary(page)
    assert '<li><a href="#glossary">Glossary</a></li>' in out
    assert '<dt id="term-x">[x]</dt><dd>Not available (not published or not collected; it is not zero).</dd>' in out
    assert '<dt id="term-rag">RAG</dt>' in out and "<!--wsp:" not in out
    bare = with_glossary("<html><body><nav><!--wsp:glossary-contents--></nav><main>Nothing to explain."
                         "<!--wsp:glossary--></main></body></html>")
    assert "Glossary" not in bare and "<!--wsp:" not in bare
