/* evenhand: selecting a passage of the article fills in the bias-report form.
 *
 * The article's text runs are <span class="t" data-o="N">, N being the character offset of
 * the run in the article (Python string index = Unicode code points). A selection is
 * mapped back to [start, end) offsets through them; labels the page adds (speaker tags,
 * "not analysed") are not article text and are skipped. Without this script the form still
 * works: the reader pastes the passage and the server finds it. */
(function () {
  "use strict";
  var root = document.querySelector("#article-view .article");
  var form = document.getElementById("bias-form");
  if (!root || !form) return;
  var startField = document.getElementById("f-start");
  var endField = document.getElementById("f-end");
  var quoteField = document.getElementById("f-quote");
  var status = document.getElementById("sel-status");
  var floatButton = document.getElementById("float-report");
  var runs = Array.prototype.slice.call(root.querySelectorAll(".t[data-o]"));

  function cpLength(s) { return Array.from(s).length; }

  // The article's text rebuilt from the runs, as code points; gaps (line breaks,
  // paragraph breaks) become spaces.
  var chars = [];
  runs.forEach(function (run) {
    var at = +run.getAttribute("data-o");
    var cps = Array.from(run.textContent);
    while (chars.length < at) chars.push(" ");
    for (var i = 0; i < cps.length; i++) chars[at + i] = cps[i];
  });

  function runOf(node) {
    var el = node && node.nodeType === 3 ? node.parentElement : null;
    return el && el.classList.contains("t") && el.hasAttribute("data-o") ? el : null;
  }

  // The offset of a selection boundary: inside a run, exact; elsewhere, the start of the
  // first run after it (for a start) or the end of the last run before it (for an end).
  function offsetOf(node, offset, isStart) {
    var run = runOf(node);
    if (run) return +run.getAttribute("data-o") + cpLength(node.data.slice(0, offset));
    var point = document.createRange();
    point.setStart(node, offset);
    var found = null, i;
    if (isStart) {
      for (i = 0; i < runs.length; i++) {
        if (point.comparePoint(runs[i].firstChild, 0) >= 0) { found = runs[i]; break; }
      }
      return found ? +found.getAttribute("data-o") : null;
    }
    for (i = runs.length - 1; i >= 0; i--) {
      var text = runs[i].firstChild;
      if (point.comparePoint(text, text.length) <= 0) { found = runs[i]; break; }
    }
    return found ? +found.getAttribute("data-o") + cpLength(found.textContent) : null;
  }

  function current() {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    var range = sel.getRangeAt(0);
    // a selection reaching past the article (a triple click ends in the next block) is
    // clamped to the article's text
    if (!range.intersectsNode(root)) return null;
    var start = offsetOf(range.startContainer, range.startOffset, true);
    var end = offsetOf(range.endContainer, range.endOffset, false);
    if (start === null || end === null || end <= start) return null;
    var text = chars.slice(start, end).join("");
    // trim white space at both ends, keeping the offsets in step
    var lead = text.length - text.replace(/^\s+/, "").length;
    var trail = text.length - text.replace(/\s+$/, "").length;
    if (lead + trail >= text.length) return null;
    return { start: start + lead, end: end - trail, text: text.slice(lead, text.length - trail),
             rect: range.getBoundingClientRect() };
  }

  function show(selected) {
    startField.value = selected.start;
    endField.value = selected.end;
    quoteField.value = selected.text;
    status.textContent = "Passage selected: characters " + selected.start + "–" + selected.end + ".";
    floatButton.hidden = false;
    floatButton.style.top = (window.scrollY + selected.rect.bottom + 8) + "px";
    floatButton.style.left = (window.scrollX + selected.rect.left) + "px";
  }

  var timer = null;
  document.addEventListener("selectionchange", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var selected = current();
      if (selected) show(selected); else floatButton.hidden = true;
    }, 120);
  });
  // Typing a passage by hand: the server looks it up, so the offsets no longer apply.
  quoteField.addEventListener("input", function () {
    startField.value = "";
    endField.value = "";
    status.textContent = "";
  });
  floatButton.addEventListener("click", function () {
    floatButton.hidden = true;
    document.getElementById("report-bias").scrollIntoView({ behavior: "smooth", block: "start" });
    document.getElementById("f-category").focus({ preventScroll: true });
  });
})();
