"""Known XSS vectors and a checker that reads HTML the way a browser's parser would."""

import json
import re
from html.parser import HTMLParser

VECTORS = [
    # script elements
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script\x20type='text/javascript'>alert(1);</script>",
    "<<script>alert(1);//<</script>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    # event handlers
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=# onmouseover=\"alert('x')\">",
    "<body onload=alert(1)>",
    "<div onpointerover=alert(1)>hover</div>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<a href=https://ok.example onclick=alert(1)>ok</a>",
    "<b/onclick=alert(1)>bold</b>",
    '<p title="x" onmouseover="alert(1)">p</p>',
    # javascript:, vbscript:, data: URLs, plain and disguised
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;avascript&colon;alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="DATA:text/html,<script>alert(1)</script>">x</a>',
    "<img src=javascript:alert(1)>",
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    # SVG and MathML
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
    '<math href="javascript:alert(1)">x</math>',
    # broken and nested tags, comments, entities
    "<img src=\"x\" <script>alert(1)</script>",
    "<a href='x' <img src=x onerror=alert(1)>>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<!--><script>alert(1)</script>-->",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<style>@import 'https://evil.example/x.css';</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div style="width: expression(alert(1));">x</div>',
    # frames, objects, meta, base, forms
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<button formaction="javascript:alert(1)">go</button>',
    '<isindex action="javascript:alert(1)" type=image>',
    # Markdown link and image tricks
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](  javascript:alert(1)  )",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    '[click](javascript:alert(1) "title")',
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![img](javascript:alert(1))",
    '![img](x" onerror="alert(1))',
    "[a](https://ok.example/\"onmouseover=\"alert(1))",
    "[ref][evil]\n\n[evil]: javascript:alert(1)",
    "![ref][evil]\n\n[evil]: data:text/html,<script>alert(1)</script>",
    "<javascript:alert(1)>",
    '<https://ok.example/"onmouseover="alert(1)>',
    "[x](<javascript:alert(1)>)",
    "**[x](javascript&#58;alert(1))**",
    # template injection (must show as text, never be evaluated)
    "{{ 7|add:7 }} {% now 'Y' %} {% debug %}",
    "{{ settings.SECRET_KEY }}",
    "${7*7} #{7*7} <%= 7*7 %>",
]

# Script elements that browsers never run: structured data such as JSON-LD.
DATA_TYPES = {"application/ld+json", "application/json"}
DANGEROUS_SCHEME = re.compile(r"^(javascript|vbscript|data|livescript|mocha):", re.IGNORECASE)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "background", "poster", "srcdoc",
                  "lowsrc", "dynsrc", "codebase", "cite"}
# Elements that may run code or change how the page loads, whatever their attributes.
NEVER_ALLOWED = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "math", "style", "base",
                 "isindex", "noscript", "template"}
# Elements the site's own templates may use, but rendered text never may.
NOT_IN_TEXT = NEVER_ALLOWED | {"svg", "form", "button", "input", "textarea", "img", "video", "audio", "source",
                               "details", "body", "select", "meta", "link", "html", "head", "title"}


def browser_url(value):
    """A URL as a browser reads it: tabs and newlines dropped, edges trimmed."""
    return re.sub(r"[\t\n\r]", "", value).strip("".join(chr(c) for c in range(0x21)))


class _Finder(HTMLParser):
    def __init__(self, page_head_allowed):
        super().__init__(convert_charrefs=True)
        self.page_head_allowed = page_head_allowed
        self.found = []
        self.data_script = None  # the text of a JSON data block being read

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_data(self, data):
        if self.data_script is not None:
            self.data_script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self.data_script is not None:
            # A data block is safe only while it is data: text that broke out of the
            # JSON would leave it unparseable.
            try:
                json.loads("".join(self.data_script))
            except ValueError:
                self.found.append("a JSON data block that is not JSON")
            self.data_script = None

    def _check(self, tag, attrs):
        values = dict(attrs)
        own_script = tag == "script" and (values.get("src") or "").startswith("/static/")
        data_script = tag == "script" and values.get("type") in DATA_TYPES and "src" not in values
        if data_script and self.page_head_allowed:
            self.data_script = []
            own_script = True
        if not self.page_head_allowed and tag in NOT_IN_TEXT:
            self.found.append(f"<{tag}> element")
        elif tag in NEVER_ALLOWED and not own_script:
            self.found.append(f"<{tag}> element")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.found.append("<meta http-equiv=refresh>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            if name == "style":
                self.found.append(f"style= on <{tag}>")
            if name in URL_ATTRIBUTES and value is not None and DANGEROUS_SCHEME.match(browser_url(value)):
                self.found.append(f"{name}={value!r} on <{tag}>")
            if name in URL_ATTRIBUTES and value is not None and ":" in re.split(r"[/?#]", browser_url(value))[0]:
                scheme = browser_url(value).split(":", 1)[0].lower()
                if scheme not in {"http", "https", "mailto"}:
                    self.found.append(f"{name}={value!r} (scheme {scheme!r}) on <{tag}>")


def executable_constructs(html, *, page=False):
    """Everything in the HTML that could run script; page=True allows the site's own <head> tags."""
    finder = _Finder(page)
    finder.feed(html)
    finder.close()
    return finder.found
