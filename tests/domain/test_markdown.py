"""Markdown is rendered then sanitised (security.md 17): nothing executable survives, in any casing,
entity encoding or whitespace trick. The output is parsed the way a browser would read it."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from committees.markdown import ALLOWED_TAGS, render_markdown

PAYLOADS = [
    # script tags
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<ScRiPt src=//evil.example/x.js></ScRiPt>",
    "<script/src=data:,alert(1)></script>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    "<script\n>alert(1)</script\n>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<template><script>alert(1)</script></template>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    # event handlers
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<body onload=alert(1)>",
    "<div onmouseover=\"alert(1)\">x</div>",
    "<a href=\"https://ok.example\" onclick=\"alert(1)\">x</a>",
    "<span dir=\"rtl\" lang=\"en\" onclick=alert(1)>x</span>",
    "<p/onpointerenter=alert(1)>x</p>",
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=\"alert(1)\"></video>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<x onclick=alert(1)>x</x>",
    "<abbr title=\"&quot; onmouseover=alert(1) x=&quot;\">x</abbr>",
    # dangerous URLs in raw HTML
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\"&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)\">x</a>",
    "<a href=\"&#0000106avascript:alert(1)\">x</a>",
    "<a href=\"javascript&colon;alert(1)\">x</a>",
    "<a href=\"java&#x09;script:alert(1)\">x</a>",
    "<a href=\"java&#10;script:alert(1)\">x</a>",
    "<a href=\"java\tscript:alert(1)\">x</a>",
    "<a href=\" javascript:alert(1)\">x</a>",
    "<a href=\"\x01javascript:alert(1)\">x</a>",
    "<a href=\"&#x2028;javascript:alert(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<a href=\"DATA:text/html,<script>alert(1)</script>\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"VBScript:msgbox(1)\">x</a>",
    "<img src=\"javascript:alert(1)\">",
    "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
    # svg and math
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"1\" y=\"1\">x</text></a></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math href=\"javascript:alert(1)\">x</math>",
    # frames, styles, meta, objects, forms, base
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<IFRAME SRC=\"https://evil.example\"></IFRAME>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<p style=\"x:expression(alert(1))\">x</p>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0; URL=https://evil.example\">",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button>x</button></form>",
    "<button formaction=\"javascript:alert(1)\">x</button>",
    "<base href=\"javascript:alert(1)//\">",
    "<link rel=stylesheet href=\"javascript:alert(1)\">",
    # Markdown link and image syntax
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](javascript&#x3A;alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](<javascript:alert(1)>)",
    "[x](java\tscript:alert(1))",
    "[x](%6Aavascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "[x][ref]\n\n[ref]: JaVaScRiPt:alert(1) \"title\"",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    "![x](x\" onerror=\"alert(1))",
    "![x](https://evil.example/x.png)",
    "[x](https://ok.example \"t\\\" onmouseover=\\\"alert(1)\")",
    "**[bold](javascript:alert(1))**",
    "| a |\n|---|\n| <script>alert(1)</script> |",
    "> <img src=x onerror=alert(1)>",
    "- <svg onload=alert(1)>",
    "```\n</code><script>alert(1)</script>\n```",
    "Text with `<script>alert(1)</script>` in code",
]

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "background", "poster", "xlink:href", "srcset",
                  "cite", "longdesc", "content"}
SAFE_SCHEMES = ("http:", "https:", "mailto:")


class Tags(HTMLParser):
    """Collects (tag, attributes) as a browser would see them, entities decoded."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str]]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, [(name, value or "") for name, value in attrs]))

    handle_startendtag = handle_starttag


def _scheme(value: str) -> str:
    """The scheme a browser would see (WHATWG URL parsing): leading and trailing C0 controls and spaces
    are stripped, tabs and newlines anywhere are removed; a space inside makes it a relative URL."""
    squeezed = re.sub(r"[\t\n\r]", "", value.strip("".join(map(chr, range(0x21))))).lower()
    match = re.match(r"^([a-z][a-z0-9+.\-]*):", squeezed)
    return match.group(1) + ":" if match else ""


def problems(html: str) -> list[str]:
    found = []
    if re.search(r"<\s*/?\s*(script|iframe|svg|math|style|meta|object|embed|form|base|link|img|input)\b", html, re.I):
        found.append("forbidden tag text")
    parser = Tags()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.found:
        if tag not in ALLOWED_TAGS:
            found.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc", "http-equiv"}:
                found.append(f"attribute {name} on <{tag}>")
            if name in URL_ATTRIBUTES:
                scheme = _scheme(value)
                if scheme and scheme not in SAFE_SCHEMES:
                    found.append(f"{name}={value!r} on <{tag}>")
    return found


def test_there_are_at_least_fifty_payloads():
    assert len(PAYLOADS) >= 50
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_nothing_executable_survives(payload):
    html = render_markdown(payload)
    assert not problems(html), f"{payload!r} -> {html!r}: {problems(html)}"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitising_is_stable(payload):
    """Rendering the output again (as if stored and re-rendered) stays clean too."""
    html = render_markdown(render_markdown(payload))
    assert not problems(html)


def test_the_checker_catches_what_it_must():
    assert problems("<script>alert(1)</script>")
    assert problems('<a href="java&#x09;script:alert(1)">x</a>')
    assert problems('<a href=" &#1;JavaScript:alert(1)">x</a>')
    assert problems('<a href="java&#10;script:alert(1)">x</a>')
    assert problems('<a href="x" onclick="y">x</a>')
    assert problems('<p style="x">x</p>')
    assert problems("<svg></svg>")
    assert not problems('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>')
    assert not problems('<a href="https://ok.example" rel="nofollow noopener noreferrer">x</a>')


def test_ordinary_markdown_still_works():
    html = render_markdown("# Title\n\nSome **bold** and *em*, a [link](https://ok.example/x?a=1&b=2) and "
                           "[mail](mailto:info@example.org).\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html and "<em>em</em>" in html
    assert 'href="https://ok.example/x?a=1&amp;b=2"' in html
    assert 'href="mailto:info@example.org"' in html
    assert "<li>one</li>" in html and "<table>" in html
    assert 'rel="nofollow noopener noreferrer"' in html


def test_relative_links_are_kept():
    assert 'href="/committees"' in render_markdown("[committees](/committees)")


def test_text_that_looks_like_html_is_escaped_not_dropped():
    html = render_markdown("Use `<script>` tags? Never: 1 < 2 & 3 > 2")
    assert "&lt;script&gt;" in html
    assert "1 &lt; 2 &amp; 3 &gt; 2" in html


def test_empty_input():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""
