#!/usr/bin/env bash
# trove plots show, plots diff, report: the HTML page and SVG files they
# write, checked in headless Chromium (the DOM it builds from the page, and a
# screenshot kept for people to look at) and by parsing the SVG files.
#
# Chromium (Debian package `chromium`, installed by scripts/setup-deps) is
# required: without it the browser checks fail, unless
# TROVE_TEST_ALLOW_NO_BROWSER=1, which skips them (the page itself is then
# parsed instead of the browser's DOM). The screenshot goes to
# $TROVE_TEST_ARTIFACTS, else to the scratch directory.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || { echo "skip: python3 is not installed"; exit 125; }
# The interpreter itself, not a wrapper (a pyenv shim takes a second a run).
PYTHON=$(python3 -S -c 'import sys; print(sys.executable)')
[ -x "$PYTHON" ] || PYTHON=python3

CHROMIUM=$(command -v chromium || true)
ARTIFACTS=${TROVE_TEST_ARTIFACTS:-$SCRATCH}
case "$ARTIFACTS" in /*) ;; *) ARTIFACTS=$PWD/$ARTIFACTS ;; esac

# commit MESSAGE: commits everything, each commit a minute after the last.
COMMIT_TIME=1700000000
commit() {
    COMMIT_TIME=$((COMMIT_TIME + 60))
    git add -A || fail "git add failed"
    GIT_AUTHOR_DATE="@$COMMIT_TIME +0000" GIT_COMMITTER_DATE="@$COMMIT_TIME +0000" \
        git commit -qm "$1" || fail "git commit failed"
}

expect_stderr_contains() {
    if ! grep -qF -- "$1" "$ERR"; then
        show_output
        fail "stderr does not contain '$1'"
    fi
}

# have_browser: true when chromium is installed. Without it, fails, or with
# TROVE_TEST_ALLOW_NO_BROWSER=1 says the browser checks are skipped and is
# false.
have_browser() {
    [ -z "$CHROMIUM" ] || return 0
    [ "${TROVE_TEST_ALLOW_NO_BROWSER:-}" = 1 ] ||
        fail "chromium is not installed (scripts/setup-deps installs it; TROVE_TEST_ALLOW_NO_BROWSER=1 skips the browser checks)"
    echo "    skip: browser checks: chromium is not installed (TROVE_TEST_ALLOW_NO_BROWSER=1)"
    return 1
}

# browse PAGE DOM [PNG]: headless Chromium loads the file PAGE (an absolute
# path) and dumps its DOM into DOM; with PNG it also takes a screenshot. Its
# stderr (D-Bus noise) is kept beside its fresh profile, shown on failure.
browse() {
    local page=$1 dom=$2 png=${3:-} profile status=0
    profile=$(mktemp -d "$SCRATCH/chromium-profile.XXXXXX") || fail "mktemp failed"
    local args=(--headless --no-sandbox --disable-gpu --disable-background-networking
        --user-data-dir="$profile" --no-first-run --hide-scrollbars ${BROWSE_ARGS[@]+"${BROWSE_ARGS[@]}"})
    [ -z "$png" ] || args+=(--screenshot="$png" --window-size="1200,1600")
    timeout 60 "$CHROMIUM" "${args[@]}" --dump-dom "file://$page" >"$dom" 2>"$profile.stderr" || status=$?
    if [ "$status" -ne 0 ] || [ ! -s "$dom" ]; then
        tail -n 20 "$profile.stderr" | sed 's/^/      chromium: /'
        fail "chromium exited $status and dumped $(wc -c <"$dom") bytes of DOM for $page"
    fi
    [ -z "$png" ] || [ -s "$png" ] || fail "chromium wrote no screenshot $png"
}

# page_dom DIR: sets DOM to a file holding the DOM of DIR/index.html as
# Chromium builds it (DIR.dom.html), or with the browser checks skipped, to
# the page itself.
page_dom() {
    if have_browser; then
        DOM=$PWD/$1.dom.html
        browse "$PWD/$1/index.html" "$DOM"
    else
        DOM=$PWD/$1/index.html
    fi
}

# check_layout DIR EXPECT: DIR/index.html as Chromium lays it out, checked by
# plotcheck layout (captions apart and inside their chart, axis titles,
# images decoded). The measuring script runs in a copy (DIR.measure.html)
# without the page's Content-Security-Policy, which would block it.
check_layout() {
    have_browser || return 0
    plotcheck inject "$1/index.html" "$PWD/$1.measure.html"
    BROWSE_ARGS=(--virtual-time-budget=5000 --window-size=1200,1600)
    browse "$PWD/$1.measure.html" "$PWD/$1.measured.html"
    BROWSE_ARGS=()
    plotcheck layout "$PWD/$1.measured.html" "$2"
}

# The checks over pages and SVG files, in Python (stdlib only).
cat >"$SCRATCH/plotcheck.py" <<'PYTHON_EOF'
"""plotcheck.py MODE ARGS: checks of trove's plot pages and SVG files.

  page DIR DOM EXPECT   DOM (a page as the browser dumped it, or the page
                        itself) holds one <svg> per chart of EXPECT, in order,
                        each as EXPECT says; so does DIR/<file>, and DIR
                        holds no other .svg file
  svg FILE EXPECT       the standalone SVG FILE is the chart EXPECT says
  valid FILE...         each FILE is XML whose root is an SVG <svg>
  selfcontained FILE    no script, no external resource, no URL but the
                        SVG namespace
  png FILE W H COLOUR...  a W x H PNG in which each #rrggbb COLOUR covers
                        at least 50 pixels

EXPECT is a Python expression, `counts(FILE, X, Y)` (the pairs of fields X
and Y of a CSV/TSV file, counted: {(x, y): n}) at hand. A chart:
  {"file": "loss.csv.svg", "title": ..., "x_label": ..., "y_label": ...,
   "legend": [...], "points": {label: n}, "matrices": {label: counts}}
x_label/y_label None: no such text. Keys left out are not checked. legend
is also the series' data-label attributes, in order. points: how many
points (line vertices, dots or bars) the series draws. matrices: the
counts each confusion matrix shows (pairs not named: 0), as (actual,
predicted): n, read from where the count sits (the column of the actual
class, the row of the predicted one).
"""
import csv
import html.parser
import os
import re
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

SVG_NS = "http://www.w3.org/2000/svg"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = dict(attrs)
        self.kids = []
        self.parent = parent

    def walk(self):
        yield self
        for kid in self.kids:
            if isinstance(kid, Node):
                yield from kid.walk()

    def text(self):
        """The text shown: a <title> child (a tooltip) is not."""
        return "".join(k if isinstance(k, str) else k.text() for k in self.kids
                       if isinstance(k, str) or k.tag != "title")

    def full(self):
        """The whole text: a shortened or wrapped text's <title>, else its text."""
        titles = [k for k in self.kids if isinstance(k, Node) and k.tag == "title"]
        return titles[0].text() if titles else self.text()

    def classes(self):
        return (self.attrs.get("class") or "").split()

    def find(self, tag=None, cls=None):
        return [n for n in self.walk() if n is not self
                and (tag is None or n.tag == tag)
                and (cls is None or cls in n.classes())]

    def children(self):
        return [k for k in self.kids if isinstance(k, Node)]


class TreeBuilder(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.kids.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.kids.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.kids.append(data)


def parse_html(text):
    builder = TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def local(name):
    return name.rsplit("}", 1)[-1]


def from_element(element, parent=None):
    node = Node(local(element.tag),
                {local(k).lower(): v for k, v in element.attrib.items()}, parent)
    if element.text:
        node.kids.append(element.text)
    for child in element:
        node.kids.append(from_element(child, node))
        if child.tail:
            node.kids.append(child.tail)
    return node


def parse_svg_file(path):
    """The root <svg> of a standalone SVG file, or an error message."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        return None, "%s is not XML: %s" % (path, e)
    if root.tag != "{%s}svg" % SVG_NS:
        return None, "%s: the root element is %s, not an SVG <svg>" % (path, root.tag)
    for attribute in ("width", "height", "viewBox"):
        if attribute not in root.attrib:
            return None, "%s: <svg> has no %s" % (path, attribute)
    return from_element(root), None


def number(text):
    return float(text)


def matrix_of(group, errors, where):
    """{(actual, predicted): count} of one confusion matrix's group."""
    labels = [t for g in group.find("g", "classes") for t in g.find("text")]
    if not labels:
        return None
    left = min(number(t.attrs["x"]) for t in labels)
    rows = [(number(t.attrs["y"]), t.text()) for t in labels if number(t.attrs["x"]) == left]
    columns = [(number(t.attrs["x"]), t.text()) for t in labels if number(t.attrs["x"]) != left]
    row_classes = [c for _, c in rows]
    column_classes = [c for _, c in columns]
    if sorted(row_classes) != sorted(column_classes) or len(set(row_classes)) != len(rows):
        errors.append("%s: the row classes %r are not the column classes %r"
                      % (where, row_classes, column_classes))
        return {}
    cells = {}
    for text in group.children():
        if text.tag != "text" or text.classes():
            continue  # the x-label and y-label have a class, counts have none
        x, y = number(text.attrs["x"]), number(text.attrs["y"])
        actual = min(columns, key=lambda c: abs(c[0] - x))[1]
        predicted = min(rows, key=lambda r: abs(r[0] - y))[1]
        if (actual, predicted) in cells:
            errors.append("%s: two counts in the cell %r" % (where, (actual, predicted)))
        try:
            cells[(actual, predicted)] = int(text.text())
        except ValueError:
            errors.append("%s: the count %r is not a whole number" % (where, text.text()))
    if len(cells) != len(rows) ** 2:
        errors.append("%s: %d counts for %d classes" % (where, len(cells), len(rows)))
    # Each caption sits above its own matrix.
    svg = group
    while svg.parent is not None and svg.tag != "svg":
        svg = svg.parent
    label = group.attrs.get("data-label")
    lo = min(x for x, _ in columns) - 1
    hi = max(x for x, _ in columns) + 1
    captions = [t for g in svg.find("g", "legend") for t in g.find("text") if t.full() == label]
    if not any(lo <= number(t.attrs["x"]) <= hi for t in captions):
        errors.append("%s: no caption %r above the matrix" % (where, label))
    return cells


def chart_info(svg, errors, where):
    info = {
        "title": [t.full() for t in svg.find("text", "title")],
        "x_label": [t.full() for t in svg.find("text", "x-label")],
        "y_label": [t.full() for t in svg.find("text", "y-label")],
        "legend": [t.full() for g in svg.find("g", "legend") for t in g.find("text")],
        "series": [g.attrs.get("data-label") for g in svg.find("g", "series")],
        "points": {},
        "matrices": {},
    }
    for group in svg.find("g", "series"):
        label = group.attrs.get("data-label")
        matrix = matrix_of(group, errors, "%s: matrix %r" % (where, label))
        if matrix is not None:
            info["matrices"][label] = matrix
            continue
        lines = group.find("polyline")
        if lines:  # smooth: the raw line, then the smoothed one; as many points
            info["points"][label] = len(lines[-1].attrs["points"].split())
        else:
            info["points"][label] = len(group.find("circle")) + len(group.find("rect"))
    return info


def check_chart(where, info, want, errors):
    def bad(what, got, expected):
        errors.append("%s: %s is %r, expected %r" % (where, what, got, expected))

    if "title" in want and info["title"] != [want["title"]]:
        bad("the title", info["title"], [want["title"]])
    for key in ("x_label", "y_label"):
        if key not in want:
            continue
        got = info[key]
        if want[key] is None:
            if got:
                bad("the " + key, got, "no such text")
        elif not got or any(text != want[key] for text in got):
            bad("the " + key, got, want[key])
    if "legend" in want:
        if info["legend"] != want["legend"]:
            bad("the legend", info["legend"], want["legend"])
        if info["series"] != want["legend"]:
            bad("the series (data-label)", info["series"], want["legend"])
    for label, count in want.get("points", {}).items():
        if info["points"].get(label) != count:
            bad("the number of points of %r" % label, info["points"].get(label), count)
    for label, counts in want.get("matrices", {}).items():
        got = info["matrices"].get(label)
        if got is None:
            errors.append("%s: no confusion matrix %r (matrices: %r)"
                          % (where, label, sorted(info["matrices"])))
            continue
        nonzero = {k: v for k, v in got.items() if v}
        if nonzero != counts:
            bad("the counts of %r" % label, sorted(nonzero.items()), sorted(counts.items()))
    if "matrices" in want and sorted(info["matrices"]) != sorted(want["matrices"]):
        bad("the matrices", sorted(info["matrices"]), sorted(want["matrices"]))


def counts(path, x, y):
    with open(path, newline="") as f:
        reader = csv.DictReader(f, delimiter="\t" if path.endswith(".tsv") else ",")
        result = {}
        for row in reader:
            key = (row[x], row[y])
            result[key] = result.get(key, 0) + 1
    return result


def expectation(text):
    return eval(text, {"counts": counts})


def check_page(directory, dom_path, want, errors):
    text = open(dom_path, encoding="utf-8").read()
    svgs = [n for n in parse_html(text).walk() if n.tag == "svg"]
    if len(svgs) != len(want):
        errors.append("%s: %d <svg> elements, expected %d" % (dom_path, len(svgs), len(want)))
    # An HTML parser keeps the case of viewBox only in SVG (foreign) content:
    # the browser took these for SVG.
    kept_case = len(re.findall(r'<svg\b[^>]*\sviewBox="', text))
    if kept_case != len(svgs):
        errors.append("%s: %d of %d <svg> elements kept viewBox as written (parsed as SVG)"
                      % (dom_path, kept_case, len(svgs)))
    for index, (svg, chart) in enumerate(zip(svgs, want)):
        where = "%s: <svg> %d (%s)" % (os.path.basename(dom_path), index + 1, chart.get("file"))
        if svg.attrs.get("xmlns") != SVG_NS:
            errors.append("%s: xmlns is %r" % (where, svg.attrs.get("xmlns")))
        page_info = chart_info(svg, errors, where)
        check_chart(where, page_info, chart, errors)
        if "file" in chart:
            path = os.path.join(directory, chart["file"])
            root, error = parse_svg_file(path)
            if error:
                errors.append(error)
                continue
            file_info = chart_info(root, errors, path)
            check_chart(path, file_info, chart, errors)
            if file_info != page_info:
                errors.append("%s differs from its chart in the page:\n  file %r\n  page %r"
                              % (path, file_info, page_info))
    files = sorted(f for f in os.listdir(directory) if f.endswith(".svg"))
    wanted = sorted(chart["file"] for chart in want if "file" in chart)
    if files != wanted:
        errors.append("%s holds the SVG files %r, expected %r" % (directory, files, wanted))


DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif|svg\+xml);base64,[A-Za-z0-9+/]*={0,2}$")


def check_self_contained(path, errors):
    text = open(path, encoding="utf-8").read()
    if re.search(r"<script", text, re.I):
        errors.append("%s has a <script" % path)
    for url in sorted(set(re.findall(r"[a-z][a-z0-9+.-]*://[^\s\"'<>)]*", text, re.I))):
        if url != SVG_NS:
            errors.append("%s names the URL %s" % (path, url))
    for element in re.findall(r"<(link|iframe|object|embed|video|audio|source|base)\b", text, re.I):
        errors.append("%s has a <%s> element" % (path, element))
    # Images only as data: URIs with a base64 image, nothing else loaded.
    for m in re.finditer(r"\b(src|href)\s*=\s*[\"']?([^\"'\s>]*)", text, re.I):
        if not (m.group(2).startswith("#") or DATA_IMAGE.match(m.group(2))):
            errors.append("%s refers to %s=%s" % (path, m.group(1), m.group(2)[:80]))
    if not re.search(r"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';", text):
        errors.append("%s has no Content-Security-Policy that forbids everything by default" % path)
    if re.search(r"url\s*\(|@import", text, re.I):
        errors.append("%s loads something from CSS (url( or @import)" % path)


def png_pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    width, height, depth, colour, _, _, interlace = header
    channels = {2: 3, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace:
        raise ValueError("an 8-bit RGB(A), non-interlaced PNG is expected; got depth %d, "
                         "colour type %d, interlace %d" % (depth, colour, interlace))
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytearray(stride)
    rows = []
    p = 0
    for _ in range(height):
        kind = raw[p]
        line = bytearray(raw[p + 1:p + 1 + stride])
        p += 1 + stride
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, previous))
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    pixels = b"".join(rows)
    if channels == 4:
        pixels = b"".join(pixels[i:i + 3] for i in range(0, len(pixels), 4))
    return width, height, pixels


def check_png(path, width, height, colours, errors):
    try:
        got_width, got_height, pixels = png_pixels(path)
    except (ValueError, OSError, zlib.error, TypeError, struct.error) as e:
        errors.append("%s: %s" % (path, e))
        return
    if (got_width, got_height) != (width, height):
        errors.append("%s is %dx%d, expected %dx%d" % (path, got_width, got_height, width, height))
    for colour in colours:
        wanted = bytes.fromhex(colour.lstrip("#"))
        found, start = 0, 0
        while found < 50:
            at = pixels.find(wanted, start)
            if at < 0:
                break
            if at % 3 == 0:
                found += 1
            start = at + 1
        if found < 50:
            errors.append("%s: the colour %s covers %d pixels, expected at least 50 "
                          "(the charts were not drawn?)" % (path, colour, found))


MEASURE_SCRIPT = """<script>
window.addEventListener("load", function () {
  function box(e) { var r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }
  function texts(svg, selector) {
    return Array.from(svg.querySelectorAll(selector)).map(function (t) {
      var title = t.querySelector("title");
      return {text: title ? title.textContent : t.textContent, box: box(t)};
    });
  }
  var out = {title: document.title, svgs: [], images: [], scripts: document.scripts.length - 1,
             hostile: document.querySelectorAll("[id=hostile-marker]").length};
  document.querySelectorAll("svg").forEach(function (svg) {
    var section = svg.closest("section");
    out.svgs.push({section: section ? section.id : "", box: box(svg),
      captions: texts(svg, "g.legend text"), x_labels: texts(svg, "text.x-label"),
      y_labels: texts(svg, "text.y-label"), titles: texts(svg, "text.title")});
  });
  document.querySelectorAll("img").forEach(function (img) {
    out.images.push({section: img.closest("section").id, label: img.closest("figure").dataset.label,
      complete: img.complete, width: img.naturalWidth, height: img.naturalHeight, box: box(img)});
  });
  var pre = document.createElement("pre");
  pre.id = "trove-measure";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


def inject(page, copy):
    """A copy of the page with a measuring script (which its policy would block)."""
    text = open(page, encoding="utf-8").read()
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n?', "", text)
    if "</body>" not in text:
        raise ValueError("%s has no </body>" % page)
    with open(copy, "w", encoding="utf-8") as f:
        f.write(text.replace("</body>", MEASURE_SCRIPT + "</body>"))


def intersect(a, b):
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


def inside(inner, outer):
    return (inner[0] >= outer[0] - 0.5 and inner[1] >= outer[1] - 0.5
            and inner[2] <= outer[2] + 0.5 and inner[3] <= outer[3] + 0.5)


def check_layout(dom_path, want, errors):
    """The page as the browser laid it out (see MEASURE_SCRIPT): no caption of
    a chart meets another and none leaves its <svg>, nor does any axis title
    or chart title; every chart has both axis titles; images decoded. want:
    {"svgs": count, "images": {section: [[label, width, height], ...]}}."""
    text = open(dom_path, encoding="utf-8").read()
    m = re.search(r'<pre id="trove-measure">(.*?)</pre>', text, re.S)
    if not m:
        errors.append("%s: the measuring script left no result" % dom_path)
        return
    import html as htmllib
    import json
    got = json.loads(htmllib.unescape(m.group(1)))
    if got["scripts"] != 0 or got["hostile"] != 0:
        errors.append("%s: %d scripts besides the measuring one, %d hostile elements"
                      % (dom_path, got["scripts"], got["hostile"]))
    if "svgs" in want and len(got["svgs"]) != want["svgs"]:
        errors.append("%s: %d charts, expected %d" % (dom_path, len(got["svgs"]), want["svgs"]))
    for svg in got["svgs"]:
        where = "%s: chart %s" % (os.path.basename(dom_path), svg["section"])
        for kind in ("x_labels", "y_labels"):
            if not svg[kind] or not all(t["text"].strip() for t in svg[kind]):
                errors.append("%s: no %s" % (where, kind.replace("_", "-")[:-1]))
        for kind in ("captions", "x_labels", "y_labels", "titles"):
            for t in svg[kind]:
                if not inside(t["box"], svg["box"]):
                    errors.append("%s: the %s %r %r leaves the svg %r"
                                  % (where, kind[:-1], t["text"], t["box"], svg["box"]))
        captions = svg["captions"]
        for i in range(len(captions)):
            for j in range(i + 1, len(captions)):
                if intersect(captions[i]["box"], captions[j]["box"]):
                    errors.append("%s: the captions %r and %r overlap (%r, %r)"
                                  % (where, captions[i]["text"], captions[j]["text"],
                                     captions[i]["box"], captions[j]["box"]))
    images = {}
    for image in got["images"]:
        images.setdefault(image["section"], []).append(image)
        if not image["complete"] or image["width"] <= 0:
            errors.append("%s: the image %s (%s) was not decoded"
                          % (dom_path, image["section"], image["label"]))
    for section, pictures in images.items():
        for a, b in zip(pictures, pictures[1:]):
            if not (b["box"][0] >= a["box"][2] - 0.5 or b["box"][1] >= a["box"][3] - 0.5):
                errors.append("%s: images of %s overlap" % (dom_path, section))
    if "images" in want:
        shown = {s: [[p["label"], p["width"], p["height"]] for p in pics]
                 for s, pics in images.items()}
        if shown != want["images"]:
            errors.append("%s: images %r, expected %r" % (dom_path, shown, want["images"]))


def write_png(path, width, height, colour):
    rgb = bytes.fromhex(colour.lstrip("#"))
    raw = b"".join(b"\x00" + rgb * width for _ in range(height))
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n"
                + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def write_jpeg(path):
    """An 8 x 8 grey baseline JPEG: one DC and one AC code, a single block."""
    table = bytes([1] + [0] * 15) + b"\x00"  # one code of length 1, for symbol 0
    data = (b"\xff\xd8"
            + b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + bytes([1] * 64)
            + b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 8, 8, 1) + b"\x01\x11\x00"
            + b"\xff\xc4" + struct.pack(">H", 20) + b"\x00" + table
            + b"\xff\xc4" + struct.pack(">H", 20) + b"\x10" + table
            + b"\xff\xda" + struct.pack(">HB", 8, 1) + b"\x01\x00" + b"\x00\x3f\x00"
            + b"\x3f" + b"\xff\xd9")
    open(path, "wb").write(data)


def write_gif(path):
    """A 1 x 1 GIF."""
    open(path, "wb").write(bytes.fromhex(
        "47494638396101000100800000ff000000ffffff21f90401000000002c"
        "00000000010001000002024401003b"))


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    errors = []
    if mode == "page":
        check_page(args[0], args[1], expectation(args[2]), errors)
    elif mode == "svg":
        root, error = parse_svg_file(args[0])
        if error:
            errors.append(error)
        else:
            check_chart(args[0], chart_info(root, errors, args[0]), expectation(args[1]), errors)
    elif mode == "valid":
        if not args:
            errors.append("no SVG files")
        for path in args:
            error = parse_svg_file(path)[1]
            if error:
                errors.append(error)
    elif mode == "selfcontained":
        check_self_contained(args[0], errors)
    elif mode == "png":
        check_png(args[0], int(args[1]), int(args[2]), args[3:], errors)
    elif mode == "inject":
        inject(args[0], args[1])
    elif mode == "layout":
        check_layout(args[0], expectation(args[1]), errors)
    elif mode == "write-png":
        write_png(args[0], int(args[1]), int(args[2]), args[3])
    elif mode == "write-jpeg":
        write_jpeg(args[0])
    elif mode == "write-gif":
        write_gif(args[0])
    else:
        errors.append("unknown mode " + mode)
    for error in errors:
        print("      " + error)
    sys.exit(1 if errors else 0)


main()
PYTHON_EOF

# plotcheck MODE ARGS...: see plotcheck.py.
plotcheck() {
    "$PYTHON" -S "$SCRATCH/plotcheck.py" "$@" || fail "plotcheck $1 ${2:-} failed"
}

# snapshot DIR: every file under DIR with its hash.
snapshot() {
    (cd "$1" && find . -type f | sort | xargs -r sha256sum)
}

# The data of the plots of show_in_browser and diff_overlays_revisions.
write_loss() { # N: epochs 1..N
    local i
    echo "epoch,loss" >loss.csv
    for ((i = 1; i <= $1; i++)); do echo "$i,$(awk "BEGIN { print 1 / $i }")"; done >>loss.csv
}

# 1. Every kind of plot in the page, as the browser sees it.
show_in_browser() {
    new_repo r
    write_loss 4
    cat >pr.json <<'EOF'
[
  {"iteration": 0, "precision": 0.5, "recall": 0.25},
  {"iteration": 1, "precision": 0.625, "recall": 0.375},
  {"iteration": 2, "precision": 0.75, "recall": 0.5},
  {"iteration": 3, "precision": 0.8, "recall": 0.625},
  {"iteration": 4, "precision": 0.85, "recall": 0.75}
]
EOF
    cat >cm.csv <<'EOF'
actual,predicted
cat,cat
cat,cat
cat,cat
cat,dog
dog,dog
dog,dog
dog,cat
bird,bird
bird,cat
bird,cat
cat,bird
EOF
    mkdir logs
    printf 'epoch\tlr\tval_acc\n1\t0.1\t0.5\n2\t0.05\t0.75\n3\t0.025\t0.8\n' >logs/history.tsv
    cat >trove.yaml <<'EOF'
plots:
  - loss.csv:
      x: epoch
      y: loss
      title: Training loss
      x_label: Epoch
      y_label: Cross-entropy loss
  - pr.json:
      x: iteration
      y: [precision, recall]
      title: Precision and recall
      y_label: score
  - cm.csv:
      template: confusion
      x: actual
      y: predicted
  - logs/history.tsv
EOF
    expect_ok trove plots show -o out
    expect_stdout_equals "file://$PWD/out/index.html"
    local f
    for f in index.html loss.csv.svg pr.json.svg cm.csv.svg logs_history.tsv.svg; do
        expect_true test -s "out/$f"
    done
    plotcheck selfcontained out/index.html

    local dom=$PWD/out.dom.html shot=$ARTIFACTS/test_plots-show_in_browser.png browsed=0
    if have_browser; then
        mkdir -p "$ARTIFACTS" || fail "cannot create $ARTIFACTS"
        rm -f "$shot"
        browse "$PWD/out/index.html" "$dom" "$shot"
        browsed=1
    else
        dom=$PWD/out/index.html
    fi
    plotcheck page out "$dom" '[
        {"file": "loss.csv.svg", "title": "Training loss", "x_label": "Epoch",
         "y_label": "Cross-entropy loss", "legend": ["loss"], "points": {"loss": 4}},
        {"file": "pr.json.svg", "title": "Precision and recall", "x_label": "iteration",
         "y_label": "score", "legend": ["precision", "recall"],
         "points": {"precision": 5, "recall": 5}},
        {"file": "cm.csv.svg", "title": "cm.csv", "x_label": "actual", "y_label": "predicted",
         "legend": ["predicted"],
         "matrices": {"predicted": counts("cm.csv", "actual", "predicted")}},
        {"file": "logs_history.tsv.svg", "title": "logs/history.tsv", "x_label": "step",
         "y_label": "val_acc", "legend": ["val_acc"], "points": {"val_acc": 3}}]'
    if [ "$browsed" = 1 ]; then
        # What the browser kept is self-contained too; the screenshot shows
        # the first series' blue and the second's orange.
        plotcheck selfcontained "$dom"
        plotcheck png "$shot" 1200 1600 '#4e79a7' '#f28e2b'
        echo "    screenshot: $shot"
    fi
}

# 2. plots diff: one series per revision, one matrix per revision.
diff_overlays_revisions() {
    new_repo r
    cat >trove.yaml <<'EOF'
plots:
  - loss.csv:
      x: epoch
      y: loss
      title: Loss
  - cm.csv:
      template: confusion
      x: actual
      y: predicted
EOF
    write_loss 3
    printf 'actual,predicted\ncat,cat\ncat,dog\ndog,dog\n' >cm.csv
    commit one
    git tag v1
    cp cm.csv ../cm-v1.csv
    write_loss 4
    printf 'actual,predicted\ncat,cat\ncat,cat\ndog,cat\ndog,dog\nbird,bird\n' >cm.csv
    # pr.json starts here: v1 has no series of it.
    printf '[{"precision": 0.5, "recall": 0.25}, {"precision": 0.75, "recall": 0.5}]\n' >pr.json
    cat >>trove.yaml <<'EOF'
  - pr.json:
      y: [precision, recall]
EOF
    commit two
    cp cm.csv ../cm-head.csv
    write_loss 5
    printf 'actual,predicted\ncat,cat\ndog,dog\ndog,dog\nfish,dog\nbird,cat\n' >cm.csv
    printf '[{"precision": 0.5, "recall": 0.25}, {"precision": 0.75, "recall": 0.5}, {"precision": 0.8, "recall": 0.6}]\n' >pr.json

    expect_ok trove plots diff v1 HEAD workspace -o d
    expect_stdout_equals "file://$PWD/d/index.html"
    plotcheck selfcontained d/index.html
    page_dom d
    plotcheck page d "$DOM" '[
        {"file": "loss.csv.svg", "title": "Loss", "x_label": "epoch", "y_label": "loss",
         "legend": ["v1", "HEAD", "workspace"],
         "points": {"v1": 3, "HEAD": 4, "workspace": 5}},
        {"file": "cm.csv.svg", "title": "cm.csv", "x_label": "actual", "y_label": "predicted",
         "legend": ["v1", "HEAD", "workspace"],
         "matrices": {"v1": counts("../cm-v1.csv", "actual", "predicted"),
                      "HEAD": counts("../cm-head.csv", "actual", "predicted"),
                      "workspace": counts("cm.csv", "actual", "predicted")}},
        {"file": "pr.json.svg", "title": "pr.json", "x_label": "step",
         "legend": ["HEAD: precision", "HEAD: recall", "workspace: precision", "workspace: recall"],
         "points": {"HEAD: precision": 2, "HEAD: recall": 2,
                    "workspace: precision": 3, "workspace: recall": 3}}]'

    # Captions apart and inside their chart, every axis titled.
    check_layout d '{"svgs": 3, "images": {}}'

    # Every matrix has every class of any revision (fish, bird), in the
    # same order, so that revisions line up cell by cell.
    grep -c '>fish</text>' d/cm.csv.svg | grep -qx 6 || fail "fish is not a class of each of the 3 matrices"

    # HEAD and the workspace by default; one revision: it and the workspace.
    expect_ok trove plots diff -o default
    plotcheck svg default/loss.csv.svg '{"legend": ["HEAD", "workspace"], "points": {"HEAD": 4, "workspace": 5}}'
    plotcheck svg default/cm.csv.svg '{"legend": ["HEAD", "workspace"],
        "matrices": {"HEAD": counts("../cm-head.csv", "actual", "predicted"),
                     "workspace": counts("cm.csv", "actual", "predicted")}}'
    expect_ok trove plots diff v1 -o one
    plotcheck svg one/loss.csv.svg '{"legend": ["v1", "workspace"], "points": {"v1": 3, "workspace": 5}}'
    expect_ok trove plots diff v1 HEAD -o two --targets loss.csv
    plotcheck svg two/loss.csv.svg '{"legend": ["v1", "HEAD"], "points": {"v1": 3, "HEAD": 4}}'
    [ "$(cd two && echo *)" = "index.html loss.csv.svg" ] || fail "--targets loss.csv wrote: $(cd two && echo *)"
}

# 3. Every SVG written is XML with an SVG root, whatever the data: every
# template, markup characters and non-ASCII text, categories, long labels.
svg_files_are_valid_xml() {
    new_repo r
    printf 'x,y\n1,2\n2,4\n3,1\n4,3\n' >scatter.csv
    cat >bar.yaml <<'EOF'
- model: "baseline <v1> & friends"
  score: 0.5
- model: "a very long model name that has to be slanted under the axis"
  score: 0.75
- model: "Über-Modell — α/β"
  score: 0.25
EOF
    {
        echo "t,noisy"
        for ((i = 0; i < 200; i++)); do echo "$i,$(((i * 37) % 17))"; done
    } >smooth.csv
    printf '[{"label": 10, "guess": 2}, {"label": 2, "guess": 2}, {"label": 0, "guess": 10}, {"label": 0, "guess": 0}]\n' >conf.json
    printf 'step,"odd ""name"" <&>"\n0,1\n1,oops\n2,3\n' >odd.csv
    printf 'only\n5\n' >single.csv
    printf 'a,b\n' >empty.csv
    cat >trove.yaml <<'EOF'
plots:
  - scatter.csv:
      template: scatter
  - bar.yaml:
      template: bar
      x: model
      y: score
  - smooth.csv:
      template: smooth
      title: "Smoothed <noise> & \"quotes\" 'too'"
  - conf.json:
      template: confusion
      x: label
      y: guess
  - odd.csv:
      x: step
      x_label: "Schritt — ü"
  - single.csv
  - empty.csv
EOF
    commit one
    printf 'x,y\n1,3\n2,2\n' >scatter.csv
    printf '[{"label": 1, "guess": 1}]\n' >conf.json
    expect_ok trove plots show -o show
    expect_ok trove plots diff -o diff
    expect_ok trove report -o rep
    local files=()
    mapfile -t files < <(find show diff rep -name '*.svg' | sort)
    [ "${#files[@]}" -eq 21 ] || fail "expected 3 x 7 SVG files, found ${#files[@]}: ${files[*]}"
    plotcheck valid "${files[@]}"
    # The text comes back as written.
    plotcheck svg show/smooth.csv.svg "{\"title\": \"Smoothed <noise> & \\\"quotes\\\" 'too'\", \"legend\": [\"noisy\"], \"points\": {\"noisy\": 200}}"
    plotcheck svg show/odd.csv.svg '{"x_label": "Schritt — ü", "y_label": "odd \"name\" <&>", "legend": ["odd \"name\" <&>"], "points": {"odd \"name\" <&>": 2}}'
    plotcheck svg show/bar.yaml.svg '{"x_label": "model", "y_label": "score", "legend": ["score"], "points": {"score": 3}}'
    grep -qF '>Über-Modell — α/β</text>' show/bar.yaml.svg || fail "the category Über-Modell — α/β is not in bar.yaml.svg"
    plotcheck svg show/conf.json.svg '{"matrices": {"guess": {("1", "1"): 1}}}'
    plotcheck svg diff/conf.json.svg '{"legend": ["HEAD", "workspace"],
        "matrices": {"HEAD": {("10", "2"): 1, ("2", "2"): 1, ("0", "10"): 1, ("0", "0"): 1},
                     "workspace": {("1", "1"): 1}}}'
    plotcheck svg show/single.csv.svg '{"legend": ["only"], "points": {"only": 1}}'
    plotcheck svg show/empty.csv.svg '{"legend": ["b"], "points": {"b": 0}}'
    plotcheck selfcontained show/index.html
    plotcheck selfcontained diff/index.html
    # Every axis of every chart has a title, and no text leaves its chart.
    check_layout show '{"svgs": 7, "images": {}}'
    check_layout diff '{"svgs": 7, "images": {}}'
}

# The markdown sections of the report on stdout: checks tables and images.
expect_report() {
    "$PYTHON" -S - "$OUT" "$1" <<'EOF' || { show_output; fail "the report is not as expected"; }
import ast, re, sys
def die(message):
    print("      " + message.replace("\n", "\n      "))
    sys.exit(1)
text = open(sys.argv[1]).read()
want = ast.literal_eval(sys.argv[2])
lines = text.splitlines()
if not lines or not lines[0].startswith("# "):
    die("the report does not start with a # heading")
sections, name = {}, None
order = []
for line in lines[1:]:
    if line.startswith("## "):
        name = line[3:].strip()
        order.append(name)
        sections[name] = []
    elif name is not None:
        sections[name].append(line)
if order != ["Metrics", "Params", "Plots"]:
    die("sections %r, expected Metrics, Params, Plots" % order)

def table(section):
    body = [l for l in sections[section] if l.strip()]
    if not body:
        die("%s: no table" % section)
    rows = []
    for n, line in enumerate(body):
        if not (line.startswith("|") and line.endswith("|") and len(line) > 1):
            die("%s: line %r is not a table row" % (section, line))
        rows.append([c.strip() for c in re.split(r"(?<!\\)\|", line[1:-1])])
    if len(body) < 2 or not all(re.fullmatch(r":?-{3,}:?", c) for c in rows[1]):
        die("%s: no separator row under the header" % section)
    if len({len(r) for r in rows}) != 1:
        die("%s: rows with different numbers of cells" % section)
    return [rows[0]] + rows[2:]

for section in ("Metrics", "Params"):
    got = table(section)
    if got != want[section]:
        die("%s table:\n got  %r\n want %r" % (section, got, want[section]))
images = [l for l in sections["Plots"] if l.strip()]
got = [re.fullmatch(r"!\[([^\]]*)\]\(([^)\s]+)\)", l) for l in images]
if not all(got):
    die("Plots: not all lines are image links: %r" % images)
got = [list(m.groups()) for m in got]
if got != want["Plots"]:
    die("Plots:\n got  %r\n want %r" % (got, want["Plots"]))
EOF
}

# 4. report --md: metrics and params tables, the plots as image links to
# SVG files.
report_markdown() {
    new_repo r
    cat >trove.yaml <<'EOF'
metrics:
  - metrics.json
plots:
  - loss.csv:
      x: epoch
      y: loss
      title: Loss curve
  - cm.csv:
      template: confusion
      x: actual
      y: predicted
EOF
    echo '{"acc": 0.5, "loss": 0.25}' >metrics.json
    echo 'lr: 0.1' >params.yaml
    write_loss 3
    printf 'actual,predicted\na,a\na,b\n' >cm.csv
    commit one
    cp cm.csv ../cm-one.csv
    echo '{"acc": 0.75, "loss": 0.125}' >metrics.json
    echo 'lr: 0.01' >params.yaml
    write_loss 4
    commit two
    echo '{"acc": 0.875, "loss": 0.0625}' >metrics.json
    echo 'lr: 0.001' >params.yaml
    write_loss 5
    printf 'actual,predicted\na,a\nb,b\nb,b\n' >cm.csv

    expect_ok trove report HEAD~1 --md -o rep
    expect_report '{
        "Metrics": [["Path", "Metric", "HEAD~1", "workspace", "Change"],
                    ["metrics.json", "acc", "0.5", "0.875", "0.375"],
                    ["metrics.json", "loss", "0.25", "0.0625", "-0.1875"]],
        "Params": [["Path", "Param", "HEAD~1", "workspace"],
                   ["params.yaml", "lr", "0.1", "0.001"]],
        "Plots": [["Loss curve", "rep/loss.csv.svg"], ["cm.csv", "rep/cm.csv.svg"]]}'
    plotcheck valid rep/loss.csv.svg rep/cm.csv.svg
    plotcheck svg rep/loss.csv.svg '{"title": "Loss curve", "x_label": "epoch", "y_label": "loss",
        "legend": ["HEAD~1", "workspace"], "points": {"HEAD~1": 3, "workspace": 5}}'
    plotcheck svg rep/cm.csv.svg '{"legend": ["HEAD~1", "workspace"],
        "matrices": {"HEAD~1": counts("../cm-one.csv", "actual", "predicted"),
                     "workspace": counts("cm.csv", "actual", "predicted")}}'

    # The links work from where the report was made, and from a directory
    # given as an absolute path.
    expect_ok trove report HEAD~1 HEAD --md -o "$PWD/../abs"
    expect_output_contains "![Loss curve]($(cd .. && pwd -P)/abs/loss.csv.svg)"
    plotcheck svg ../abs/loss.csv.svg '{"legend": ["HEAD~1", "HEAD"], "points": {"HEAD~1": 3, "HEAD": 4}}'
}

# 5. Errors exit 1, say what is wrong and where, and leave a previous page
# as it was.
errors() {
    new_repo r
    printf 'epoch,train_loss\n1,0.5\n2,0.25\n' >loss.csv
    printf 'actual,predicted\na,a\n' >cm.csv
    cat >trove.yaml <<'EOF'
plots:
  - loss.csv:
      x: epoch
      y: train_loss
  - cm.csv:
      template: confusion
      x: actual
      y: predicted
EOF
    commit one
    cp trove.yaml ../good.yaml
    expect_ok trove plots show -o out
    local before
    before=$(snapshot out)
    # unchanged OUT: the page of the last good run is as it was, and no new
    # output directory appeared.
    unchanged() {
        [ "$(snapshot out)" = "$before" ] || fail "a failed run changed out/: $(snapshot out)"
        [ ! -e fresh ] || fail "a failed run wrote $(find fresh -type f | tr '\n' ' ')"
    }

    # A row with the wrong number of cells: the file and its line.
    printf 'epoch,train_loss\n1,0.5\n2,0.25,9\n3,0.125\n' >loss.csv
    expect_fail 1 trove plots show -o out
    expect_stderr_contains "loss.csv:3"
    unchanged
    expect_fail 1 trove plots show -o fresh
    unchanged
    expect_fail 1 trove plots diff -o out
    expect_stderr_contains "loss.csv:3"
    unchanged
    git checkout -q -- loss.csv

    # An unknown template: its name and where trove.yaml declares it.
    sed -i 's/template: confusion/template: pie/' trove.yaml
    expect_fail 1 trove plots show -o out
    expect_stderr_contains "'pie'"
    grep -qE 'trove\.yaml:(5|6)(:[0-9]+)?:' "$ERR" || { show_output; fail "stderr does not name trove.yaml:5 or :6"; }
    unchanged
    expect_fail 1 trove plots show -o fresh
    unchanged
    # In a stage's plots too.
    cat >trove.yaml <<'EOF'
stages:
  evaluate:
    cmd: cp loss.csv eval.csv
    deps: [loss.csv]
    plots:
      - eval.csv:
          cache: false
          template: histogram
EOF
    expect_fail 1 trove plots show -o out
    expect_stderr_contains "'histogram'"
    grep -qE 'trove\.yaml:[0-9]+(:[0-9]+)?:' "$ERR" || { show_output; fail "stderr does not name a trove.yaml position"; }
    unchanged
    cp ../good.yaml trove.yaml

    # A y field the data lacks: the field, and the fields there are.
    sed -i 's/y: train_loss/y: val_loss/' trove.yaml
    expect_fail 1 trove plots show -o out
    expect_stderr_contains "val_loss"
    expect_stderr_contains "loss.csv"
    expect_stderr_contains "epoch"
    expect_stderr_contains "train_loss"
    unchanged
    expect_fail 1 trove plots show -o fresh
    unchanged
    cp ../good.yaml trove.yaml

    # A revision git does not know.
    expect_fail 1 trove plots diff no-such-rev -o out
    expect_stderr_contains "no-such-rev"
    unchanged
    expect_fail 1 trove plots diff HEAD no-such-rev -o fresh
    expect_stderr_contains "no-such-rev"
    unchanged
    expect_fail 1 trove report no-such-rev --md -o fresh
    expect_stderr_contains "no-such-rev"
    unchanged

    # Nothing to plot.
    printf 'stages: {}\n' >trove.yaml
    expect_fail 1 trove plots show -o out
    expect_stderr_contains "no plots"
    unchanged
    expect_fail 1 trove plots diff -o out
    expect_stderr_contains "no plots"
    unchanged
    rm trove.yaml
    expect_fail 1 trove plots show -o fresh
    expect_stderr_contains "no plots"
    unchanged
    expect_true test -f out/index.html
}

# 6. A data file trove.yaml does not declare, named on the command line:
# plotted alone, with the default fields.
target_not_declared() {
    new_repo r
    printf 'epoch,loss\n1,0.5\n' >loss.csv
    printf 'plots:\n  - loss.csv:\n      x: epoch\n      title: Declared\n' >trove.yaml
    printf 'a,b,score\n1,2,0.5\n2,3,0.75\n3,4,0.625\n' >data.csv
    expect_ok trove plots show data.csv -o out
    expect_stdout_equals "file://$PWD/out/index.html"
    # --open hands the page to $BROWSER.
    printf '#!/bin/sh\necho "$1" >"%s/opened"\n' "$PWD" >../browser
    chmod +x ../browser
    BROWSER=$PWD/../browser expect_ok trove plots show data.csv -o out --open
    for _ in $(seq 50); do [ -s opened ] && break; sleep 0.1; done
    expect_file_equals opened "$PWD/out/index.html"
    plotcheck page out out/index.html '[{"file": "data.csv.svg", "title": "data.csv", "x_label": "step",
        "y_label": "score", "legend": ["score"], "points": {"score": 3}}]'

    # A declared plot named: with its options. Both, in the order named.
    expect_ok trove plots show data.csv loss.csv -o both
    plotcheck page both both/index.html '[
        {"file": "data.csv.svg", "title": "data.csv", "legend": ["score"]},
        {"file": "loss.csv.svg", "title": "Declared", "x_label": "epoch", "y_label": "loss",
         "legend": ["loss"], "points": {"loss": 1}}]'

    # Relative to the current directory, the page too; the default directory.
    mkdir sub
    printf 'v\n1\n2\n' >sub/d.csv
    (
        cd sub || exit 1
        expect_ok trove plots show d.csv
        expect_stdout_equals "file://$PWD/trove_plots/index.html"
        plotcheck page trove_plots trove_plots/index.html '[{"file": "sub_d.csv.svg",
            "title": "sub/d.csv", "x_label": "step", "y_label": "v", "points": {"v": 2}}]'
    ) || exit 1

    # plots diff --targets an undeclared file.
    commit one
    printf 'a,b,score\n1,2,0.5\n' >data.csv
    expect_ok trove plots diff --targets data.csv -o diff
    plotcheck page diff diff/index.html '[{"file": "data.csv.svg",
        "legend": ["HEAD", "workspace"], "points": {"HEAD": 3, "workspace": 1}}]'

    # A file that is nowhere is an error naming it, not an empty chart.
    expect_fail 1 trove plots show no-such.csv -o missing
    expect_stderr_contains "no-such.csv"
    expect_false test -e missing/index.html
}

# 7. A plot trove caches (git ignores it) read at old revisions from the
# cache, by the id each revision's trove.lock records.
cached_plot_at_old_revision() {
    new_repo r
    cat >trove.yaml <<'EOF'
stages:
  evaluate:
    cmd: mkdir -p eval && seq 0 $(cat n.txt) | awk 'BEGIN { print "fpr,tpr" } { print $1 / 10 "," $1 * $1 / 100 }' >eval/points.csv
    deps: [n.txt]
    plots:
      - eval/points.csv:
          x: fpr
          y: tpr
          title: ROC
          x_label: False positive rate
          y_label: True positive rate
EOF
    echo 3 >n.txt
    expect_ok trove repro
    expect_true test -f eval/points.csv
    expect_true git check-ignore -q eval/points.csv
    commit one
    [ -z "$(git ls-files eval/points.csv)" ] || fail "eval/points.csv is in git"
    git cat-file -e HEAD:trove.lock || fail "trove.lock is not committed"
    echo 5 >n.txt
    expect_ok trove repro
    commit two

    # Not from the work tree: the file is gone from it.
    rm -f eval/points.csv
    expect_ok trove plots diff HEAD~1 HEAD -o d
    plotcheck page d d/index.html '[{"file": "eval_points.csv.svg", "title": "ROC",
        "x_label": "False positive rate", "y_label": "True positive rate",
        "legend": ["HEAD~1", "HEAD"], "points": {"HEAD~1": 4, "HEAD": 6}}]'
    [ -z "$(git status --porcelain --untracked-files=no)" ] ||
        fail "plots diff changed the repository: $(git status --porcelain --untracked-files=no)"
}

# 8. Images declared as plots (top level, a stage's plots, found in a plot
# directory) are embedded in the page as data: URIs, never parsed as data,
# one per revision side by side in a diff; an SVG image only as an <img>.
images_embedded() {
    new_repo r
    mkdir -p pics shots/sub
    plotcheck write-png pics/curve.png 40 30 '#e15759'
    plotcheck write-jpeg pics/photo.jpg
    plotcheck write-gif pics/anim.gif
    # Markup a page must never take in as its own.
    cat >pics/hostile.svg <<'EOF'
<svg xmlns="http://www.w3.org/2000/svg" width="50" height="20"><script>document.title = "pwned"</script><rect id="hostile-marker" width="50" height="20" fill="#59a14f"/></svg>
EOF
    plotcheck write-png shots/one.png 12 10 '#4e79a7'
    plotcheck write-png shots/sub/two.png 14 10 '#f28e2b'
    echo "not a plot" >shots/notes.txt
    cat >trove.yaml <<'EOF'
plots:
  - pics/curve.png
  - pics/photo.jpg
  - pics/anim.gif
  - pics/hostile.svg:
      title: Hostile SVG
  - shots
stages:
  evaluate:
    cmd: mkdir -p eval && cp pics/curve.png eval/confusion.png
    deps: [pics/curve.png]
    plots:
      - eval/confusion.png
EOF
    expect_ok trove repro
    expect_ok trove plots show -o out
    expect_stdout_equals "file://$PWD/out/index.html"
    plotcheck selfcontained out/index.html
    # The pictures as they are, named as DVC names them; no SVG chart.
    local f
    for f in pics/curve.png pics/photo.jpg pics/anim.gif pics/hostile.svg shots/one.png shots/sub/two.png eval/confusion.png; do
        expect_same_bytes "$f" "out/workspace_${f//\//_}"
    done
    [ "$(cd out && echo *.svg)" = "workspace_pics_hostile.svg" ] || fail "image plots wrote SVG charts: $(ls out)"
    [ ! -e out/workspace_shots_notes.txt ] || fail "a text file in a plot directory was taken for an image"
    check_layout out '{"svgs": 0, "images": {
        "pics_curve.png": [["workspace", 40, 30]], "pics_photo.jpg": [["workspace", 8, 8]],
        "pics_anim.gif": [["workspace", 1, 1]], "pics_hostile.svg": [["workspace", 50, 20]],
        "shots_one.png": [["workspace", 12, 10]], "shots_sub_two.png": [["workspace", 14, 10]],
        "eval_confusion.png": [["workspace", 40, 30]]}}'
    if have_browser; then
        grep -q '<title>Plots</title>' out.measured.html || fail "the SVG image changed the page's title"
    fi
    grep -qF '<h2>Hostile SVG</h2>' out/index.html || fail "the image plot's title is not its heading"

    # plots diff: one picture per revision, side by side; the stage's image
    # at HEAD comes from the cache.
    commit one
    plotcheck write-png pics/curve.png 60 30 '#76b7b2'
    expect_ok trove repro
    expect_ok trove plots diff -o d
    plotcheck selfcontained d/index.html
    git show HEAD:pics/curve.png >../curve-head.png
    expect_same_bytes ../curve-head.png d/HEAD_pics_curve.png
    expect_same_bytes pics/curve.png d/workspace_pics_curve.png
    expect_same_bytes ../curve-head.png d/HEAD_eval_confusion.png
    expect_same_bytes eval/confusion.png d/workspace_eval_confusion.png
    check_layout d '{"svgs": 0, "images": {
        "pics_curve.png": [["HEAD", 40, 30], ["workspace", 60, 30]],
        "pics_photo.jpg": [["HEAD", 8, 8], ["workspace", 8, 8]],
        "pics_anim.gif": [["HEAD", 1, 1], ["workspace", 1, 1]],
        "pics_hostile.svg": [["HEAD", 50, 20], ["workspace", 50, 20]],
        "shots_one.png": [["HEAD", 12, 10], ["workspace", 12, 10]],
        "shots_sub_two.png": [["HEAD", 14, 10], ["workspace", 14, 10]],
        "eval_confusion.png": [["HEAD", 40, 30], ["workspace", 60, 30]]}}'

    # A report links each revision's picture.
    expect_ok trove report --md -o rep
    expect_output_contains "![pics/curve.png (HEAD)](rep/HEAD_pics_curve.png)"
    expect_output_contains "![pics/curve.png (workspace)](rep/workspace_pics_curve.png)"
    expect_same_bytes pics/curve.png rep/workspace_pics_curve.png
    # A target inside a plot directory.
    expect_ok trove plots show shots/sub/two.png -o one
    [ "$(cd one && echo *)" = "index.html workspace_shots_sub_two.png" ] || fail "plots show shots/sub/two.png wrote: $(cd one && echo *)"
}

# dvclive_layout DIR N: the files dvclive writes under DIR (metrics,
# params, step-indexed TSVs in nested folders, sklearn plots, an image) and
# a dvc.yaml with the entries dvclive adds; the TSVs get N steps.
dvclive_layout() {
    local dir=$1 n=$2 i
    mkdir -p "$dir/plots/metrics/train" "$dir/plots/metrics/eval" "$dir/plots/sklearn" "$dir/plots/images"
    printf '{"step": %d, "train": {"loss": 0.25}}\n' "$((n - 1))" >"$dir/metrics.json"
    printf 'epochs: %d\n' "$n" >"$dir/params.yaml"
    printf 'step\tloss\n' >"$dir/plots/metrics/train/loss.tsv"
    printf 'step\taccuracy\n' >"$dir/plots/metrics/train/accuracy.tsv"
    for ((i = 0; i < n; i++)); do
        printf '%d\t%s\n' "$i" "$(awk "BEGIN { print 1 / ($i + 1) }")" >>"$dir/plots/metrics/train/loss.tsv"
        printf '%d\t%s\n' "$i" "$(awk "BEGIN { print 1 - 1 / ($i + 2) }")" >>"$dir/plots/metrics/train/accuracy.tsv"
    done
    printf 'step\tloss\n0\t0.5\n' >"$dir/plots/metrics/eval/loss.tsv"
    printf '[\n    {\n        "actual": "0",\n        "predicted": "0"\n    },\n    {\n        "actual": "1",\n        "predicted": "0"\n    },\n    {\n        "actual": "1",\n        "predicted": "1"\n    }\n]' >"$dir/plots/sklearn/confusion_matrix.json"
    printf '{\n    "roc": [\n        {"fpr": 0.0, "tpr": 0.0, "threshold": 1.5},\n        {"fpr": 0.0, "tpr": 0.5, "threshold": 0.5},\n        {"fpr": 1.0, "tpr": 1.0, "threshold": 0.1}\n    ]\n}' >"$dir/plots/sklearn/roc.json"
    plotcheck write-png "$dir/plots/images/confusion.png" 16 16 '#b07aa1'
    cat >dvc.yaml <<EOF
metrics:
- $dir/metrics.json
plots:
- $dir/plots/metrics:
    x: step
- $dir/plots/images
- $dir/plots/sklearn/confusion_matrix.json:
    template: confusion
    x: actual
    y: predicted
    title: Confusion Matrix
    x_label: True Label
    y_label: Predicted Label
- $dir/plots/sklearn/roc.json:
    template: simple
    x: fpr
    y: tpr
    title: Receiver operating characteristic (ROC)
    x_label: False Positive Rate
    y_label: True Positive Rate
params:
- $dir/params.yaml
EOF
}

# 9. A directory declared as a plot draws one plot per data file in it,
# recursively, with the directory entry's options; dvclive's layout and the
# dvc.yaml entries it adds work as dvclive writes them.
directory_plots() {
    new_repo r
    dvclive_layout dvclive 5
    echo "notes" >dvclive/plots/metrics/README.txt
    expect_ok trove plots show --file dvc.yaml -o out
    plotcheck selfcontained out/index.html
    page_dom out
    plotcheck page out "$DOM" '[
        {"file": "dvclive_plots_metrics_eval_loss.tsv.svg", "title": "dvclive/plots/metrics/eval/loss.tsv",
         "x_label": "step", "y_label": "loss", "legend": ["loss"], "points": {"loss": 1}},
        {"file": "dvclive_plots_metrics_train_accuracy.tsv.svg", "x_label": "step",
         "y_label": "accuracy", "legend": ["accuracy"], "points": {"accuracy": 5}},
        {"file": "dvclive_plots_metrics_train_loss.tsv.svg", "x_label": "step",
         "y_label": "loss", "legend": ["loss"], "points": {"loss": 5}},
        {"file": "dvclive_plots_sklearn_confusion_matrix.json.svg", "title": "Confusion Matrix",
         "x_label": "True Label", "y_label": "Predicted Label",
         "matrices": {"predicted": {("0", "0"): 1, ("1", "0"): 1, ("1", "1"): 1}}},
        {"file": "dvclive_plots_sklearn_roc.json.svg", "title": "Receiver operating characteristic (ROC)",
         "x_label": "False Positive Rate", "y_label": "True Positive Rate", "points": {"tpr": 3}}]'
    expect_same_bytes dvclive/plots/images/confusion.png out/workspace_dvclive_plots_images_confusion.png
    # dvc.yaml is found without --file.
    expect_ok trove plots show -o found
    expect_same_bytes out/index.html found/index.html
    check_layout out '{"svgs": 5, "images": {"dvclive_plots_images_confusion.png": [["workspace", 16, 16]]}}'

    # The directory's options apply to each file: a scatter, here.
    sed 's/^    x: step$/    x: step\n    template: scatter\n    y_label: value/' dvc.yaml >scatter.yaml
    expect_ok trove plots show --file scatter.yaml dvclive/plots/metrics/train/loss.tsv -o one
    plotcheck page one one/index.html '[{"file": "dvclive_plots_metrics_train_loss.tsv.svg",
        "x_label": "step", "y_label": "value", "points": {"loss": 5}}]'
    grep -c '<circle' one/dvclive_plots_metrics_train_loss.tsv.svg | grep -qx 5 || fail "the directory's template: scatter did not apply"

    # A diff: each revision's files (HEAD's from git); a file only one
    # revision has is drawn with that revision's series alone.
    rm dvclive/plots/metrics/eval/loss.tsv
    commit one
    dvclive_layout dvclive 7
    rm dvclive/plots/metrics/train/accuracy.tsv
    expect_ok trove plots diff --file dvc.yaml -o d
    plotcheck page d d/index.html '[
        {"file": "dvclive_plots_metrics_eval_loss.tsv.svg", "legend": ["workspace"], "points": {"workspace": 1}},
        {"file": "dvclive_plots_metrics_train_accuracy.tsv.svg", "legend": ["HEAD"], "points": {"HEAD": 5}},
        {"file": "dvclive_plots_metrics_train_loss.tsv.svg", "legend": ["HEAD", "workspace"],
         "points": {"HEAD": 5, "workspace": 7}},
        {"file": "dvclive_plots_sklearn_confusion_matrix.json.svg", "legend": ["HEAD", "workspace"]},
        {"file": "dvclive_plots_sklearn_roc.json.svg", "legend": ["HEAD", "workspace"]}]'
    check_layout d '{"svgs": 5, "images": {"dvclive_plots_images_confusion.png": [["HEAD", 16, 16], ["workspace", 16, 16]]}}'

    git checkout -q -- dvclive/plots/metrics/train/accuracy.tsv

    # --file names a file that is not there.
    expect_fail 1 trove plots show --file nope.yaml -o missing
    expect_stderr_contains "nope.yaml"
    # A directory with nothing to plot in it.
    mkdir notes
    echo "text" >notes/readme.txt
    expect_fail 1 trove plots show notes -o missing
    expect_stderr_contains "plot 'notes': the directory holds no data file"
    expect_false test -e missing
    # An undeclared directory named: every data file under it.
    expect_ok trove plots show dvclive/plots/metrics/train -o train
    [ "$(cd train && echo *)" = "dvclive_plots_metrics_train_accuracy.tsv.svg dvclive_plots_metrics_train_loss.tsv.svg index.html" ] ||
        fail "plots show of a directory wrote: $(cd train && echo *)"
}

# 10. Confusion matrices side by side: captions (revisions, long file
# paths) never overlap and stay inside the chart, wrapped or shortened with
# the whole text in a <title>; every axis of every chart has a title.
confusion_side_by_side() {
    new_repo r
    local a=evaluation/results/split-train/confusion_matrix_for_the_training_split.json
    local b=evaluation/results/split-test/confusion_matrix_for_the_test_split_of_the_data.json
    local long=experiment/with-a-rather-long-branch-name-for-the-captions
    mkdir -p "$(dirname "$a")" "$(dirname "$b")"
    printf '[{"actual": "cat", "predicted": "cat"}, {"actual": "dog", "predicted": "cat"}]\n' >"$a"
    printf '[{"actual": "cat", "predicted": "dog"}, {"actual": "dog", "predicted": "dog"}]\n' >"$b"
    printf 'epoch,loss,acc\n1,0.5,0.6\n2,0.25,0.7\n' >loss.csv
    cat >trove.yaml <<EOF
plots:
  - Both splits:
      template: confusion
      x: actual
      y:
        $a: predicted
        $b: predicted
  - $b:
      template: confusion
      x: actual
      y: predicted
  - loss.csv:
      x: epoch
      y: [loss, acc]
EOF
    commit one
    git checkout -q -b "$long"
    printf '[{"actual": "cat", "predicted": "cat"}, {"actual": "dog", "predicted": "dog"}]\n' >"$a"
    commit two
    printf '[{"actual": "dog", "predicted": "dog"}]\n' >"$a"
    expect_ok trove plots diff main HEAD workspace -o d
    plotcheck page d d/index.html "[
        {\"file\": \"Both_splits.svg\", \"x_label\": \"actual\", \"y_label\": \"predicted\",
         \"legend\": [\"main: $a: predicted\", \"main: $b: predicted\",
                      \"HEAD: $a: predicted\", \"HEAD: $b: predicted\",
                      \"workspace: $a: predicted\", \"workspace: $b: predicted\"]},
        {\"file\": \"${b//\//_}.svg\", \"x_label\": \"actual\", \"y_label\": \"predicted\",
         \"legend\": [\"main\", \"HEAD\", \"workspace\"]},
        {\"file\": \"loss.csv.svg\", \"x_label\": \"epoch\", \"y_label\": \"loss, acc\"}]"
    check_layout d '{"svgs": 3, "images": {}}'
    # A long revision name as a caption.
    expect_ok trove plots diff main "$long" -o long
    check_layout long '{"svgs": 3, "images": {}}'
    plotcheck svg "long/${b//\//_}.svg" "{\"legend\": [\"main\", \"$long\"]}"
}

# 11. The real thing: the DVC repository written by DVC 3.64 and dvclive
# (../shared/corpus/dvc-repos/dvc3.tar.gz, unpacked here). trove draws every
# plot DVC draws (expected/plots-show.json), in DVC's order, with as many
# points and the same counts, and embeds the pictures DVC copies
# (expected/plots-show/), byte for byte.
dvc3_fixture() {
    local corpus=${TROVE_SOURCE_DIR:-}/../shared/corpus/dvc-repos
    if [ -z "${TROVE_SOURCE_DIR:-}" ] || [ ! -f "$corpus/dvc3.tar.gz" ]; then
        echo "    skip: no DVC fixtures at $corpus (TROVE_SOURCE_DIR/../shared/corpus/dvc-repos)"
        return 0
    fi
    tar xzf "$corpus/dvc3.tar.gz" || fail "cannot unpack $corpus/dvc3.tar.gz"
    local expected=$PWD/dvc3/expected
    cd dvc3/repo || fail "no dvc3/repo"
    trove init -q || fail "trove init failed in the DVC repository"
    expect_ok trove plots show --file dvc.yaml -o "$PWD/../show"
    # Found without --file too, the same page.
    expect_ok trove plots show -o "$PWD/../found"
    cd .. || exit 1
    expect_same_bytes show/index.html found/index.html
    plotcheck selfcontained show/index.html
    "$PYTHON" -S - "$expected/plots-show.json" show <<'EOF' || fail "trove's plots are not DVC's"
import json, os, re, sys
dvc = json.load(open(sys.argv[1]))["data"]
page = open(os.path.join(sys.argv[2], "index.html"), encoding="utf-8").read()
ids = re.findall(r'<section id="([^"]*)">', page)
def safe(path):
    return re.sub(r"[^A-Za-z0-9.-]", "_", path)
errors = []
if ids != [safe(path) for path in dvc]:
    errors.append("plots %r, DVC draws %r" % (ids, [safe(path) for path in dvc]))
for path, entries in dvc.items():
    for entry in entries:
        if entry["type"] == "image":
            ours = os.path.join(sys.argv[2], "workspace_" + safe(path))
            theirs = os.path.join(os.path.dirname(sys.argv[1]), entry["url"])
            if not os.path.exists(ours) or open(ours, "rb").read() != open(theirs, "rb").read():
                errors.append("%s: not the picture DVC shows, %s" % (ours, theirs))
            continue
        values = entry["content"]["data"]["values"]
        svg = open(os.path.join(sys.argv[2], safe(path) + ".svg"), encoding="utf-8").read()
        if "confusion" in path:
            pairs = {}
            for v in values:
                pairs[(v["actual"], v["predicted"])] = pairs.get((v["actual"], v["predicted"]), 0) + 1
            shown = sorted(int(n) for n in re.findall(r'fill="(?:white|#333)">(\d+)</text>', svg))
            if shown != sorted(pairs.values()):
                errors.append("%s: counts %r, DVC's %r" % (path, shown, sorted(pairs.values())))
        else:
            line = re.search(r'<polyline[^>]*points="([^"]*)"', svg)
            n = len(line.group(1).split()) if line else 0
            if n != len(values):
                errors.append("%s: %d points, DVC draws %d" % (path, n, len(values)))
for e in errors:
    print("      " + e)
sys.exit(1 if errors else 0)
EOF
    check_layout show '{"svgs": 5, "images": {
        "eval_plots_confusion.png": [["workspace", 64, 64]],
        "eval_dvclive_plots_images_confusion.png": [["workspace", 32, 32]]}}'
}

# 12. A plot directory and an image inside a cached output directory (a
# stage's `eval` out), read at old revisions from the cache through the
# lock and the directory's manifest, with the work tree's copy gone.
plots_inside_cached_output() {
    new_repo r
    cp "$SCRATCH/plotcheck.py" .
    cat >trove.yaml <<'EOF'
stages:
  evaluate:
    cmd: >-
      rm -rf eval && mkdir -p eval/live/plots/metrics/train &&
      seq 0 $(cat n.txt) | awk 'BEGIN { print "step\tloss" } { print $1 "\t" 1 / ($1 + 1) }' >eval/live/plots/metrics/train/loss.tsv &&
      python3 -S plotcheck.py write-png eval/confusion.png $(cat n.txt) 4 '#4e79a7'
    deps: [n.txt, plotcheck.py]
    outs: [eval]
plots:
  - eval/live/plots/metrics:
      x: step
  - eval/confusion.png
EOF
    echo 3 >n.txt
    expect_ok trove repro
    commit one
    echo 5 >n.txt
    expect_ok trove repro
    commit two
    rm -rf eval
    expect_ok trove plots diff HEAD~1 HEAD -o d
    plotcheck page d d/index.html '[{"file": "eval_live_plots_metrics_train_loss.tsv.svg",
        "x_label": "step", "y_label": "loss", "legend": ["HEAD~1", "HEAD"], "points": {"HEAD~1": 4, "HEAD": 6}}]'
    check_layout d '{"svgs": 1, "images": {"eval_confusion.png": [["HEAD~1", 3, 4], ["HEAD", 5, 4]]}}'
    [ ! -e eval ] || fail "plots diff checked eval out"
}

test_case show_in_browser
test_case diff_overlays_revisions
test_case svg_files_are_valid_xml
test_case report_markdown
test_case errors
test_case target_not_declared
test_case cached_plot_at_old_revision
test_case images_embedded
test_case directory_plots
test_case confusion_side_by_side
test_case dvc3_fixture
test_case plots_inside_cached_output
finish
