/* evenhand "Report bias" button for a publisher's article pages.
 *
 *   <script src="https://EVENHAND/embed.js" data-article="42"
 *           data-target="#story-body" async></script>
 *
 * data-article: the article's id in evenhand; data-target (optional): a CSS selector for
 * the element holding the article text, where a reader's selection becomes the reported
 * passage (default: the whole page). The button and its form live in a shadow root, so the
 * page's styles do not reach them and theirs do not leak out. Reports are sent as JSON to
 * POST /api/articles/{id}/bias-reports on the evenhand server, which must list the page's
 * origin in EVENHAND_CORS_ORIGINS. All text is inserted with textContent, never as HTML. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var article = script.getAttribute("data-article");
  if (!article || !/^\d+$/.test(article)) {
    console.warn("evenhand embed: data-article must be the article's numeric id");
    return;
  }
  var base = new URL(script.src).origin;
  var target = script.getAttribute("data-target");
  var categories = __CATEGORIES__;

  var host = document.createElement("div");
  host.className = "evenhand-report";
  script.parentNode.insertBefore(host, script.nextSibling);
  var shadow = host.attachShadow({ mode: "open" });
  var style = document.createElement("style");
  style.textContent = [
    ":host{all:initial;font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2129}",
    ".open{background:#17324d;color:#fff;border:0;border-radius:999px;padding:8px 16px;",
    "font:600 14px system-ui,sans-serif;cursor:pointer}",
    ".box{margin-top:10px;max-width:440px;border:1px solid #d6d9df;border-top:4px solid #1f5fa8;",
    "border-radius:10px;padding:14px 16px;background:#fff;box-shadow:0 6px 20px rgba(0,0,0,.08)}",
    "label{display:block;font-weight:600;font-size:13px;margin:10px 0 4px}",
    "select,textarea,input{width:100%;box-sizing:border-box;font:inherit;font-size:14px;",
    "border:1px solid #c9cdd4;border-radius:6px;padding:6px 8px}",
    ".quote{font:14px/1.5 Georgia,serif;background:#fffbea;border-left:3px solid #f2b705;",
    "padding:4px 10px;margin:6px 0;max-height:7.5em;overflow:auto}",
    ".send{margin-top:12px;background:#1f5fa8;color:#fff;border:0;border-radius:6px;",
    "padding:7px 14px;font-weight:600;cursor:pointer}",
    ".msg{margin:10px 0 0;font-size:13.5px}.msg.err{color:#b42318}.msg.ok{color:#237a35}",
    ".fine{color:#5f6673;font-size:12px;margin:8px 0 0}"
  ].join("");
  shadow.appendChild(style);

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  var open = el("button", { type: "button", class: "open", "aria-expanded": "false" },
                "Report bias");
  shadow.appendChild(open);
  var box = el("form", { class: "box", hidden: "" });
  shadow.appendChild(box);
  box.appendChild(el("div", { class: "fine" },
    "If you feel our coverage of this story is biased, tell us where. Select a passage of " +
    "the article first, or report the whole article."));
  var quote = el("div", { class: "quote", hidden: "" });
  box.appendChild(quote);
  box.appendChild(el("label", { for: "eh-cat" }, "What is wrong?"));
  var select = el("select", { id: "eh-cat", required: "" });
  select.appendChild(el("option", { value: "" }, "Choose…"));
  Object.keys(categories).forEach(function (k) {
    select.appendChild(el("option", { value: k }, categories[k]));
  });
  box.appendChild(select);
  box.appendChild(el("label", { for: "eh-comment" }, "Your comment"));
  var comment = el("textarea", { id: "eh-comment", rows: "4", maxlength: "2000" });
  box.appendChild(comment);
  box.appendChild(el("label", { for: "eh-email" }, "E-mail (optional, for an answer)"));
  var email = el("input", { id: "eh-email", type: "email", maxlength: "254" });
  box.appendChild(email);
  var send = el("button", { type: "submit", class: "send" }, "Send report");
  box.appendChild(send);
  var msg = el("p", { class: "msg", role: "status" });
  box.appendChild(msg);
  box.appendChild(el("p", { class: "fine" }, "Sent to evenhand; your IP address is not stored."));

  var passage = "";
  function selectedText() {
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed || sel.rangeCount === 0) return "";
    var scope = target ? document.querySelector(target) : document.body;
    if (!scope || !scope.contains(sel.getRangeAt(0).commonAncestorContainer)) return "";
    return sel.toString().trim().slice(0, 5000);
  }

  open.addEventListener("click", function () {
    passage = selectedText();
    quote.textContent = passage ? "“" + passage + "”" : "";
    quote.hidden = !passage;
    box.hidden = !box.hidden;
    open.setAttribute("aria-expanded", String(!box.hidden));
    msg.textContent = "";
  });

  box.addEventListener("submit", function (event) {
    event.preventDefault();
    send.disabled = true;
    msg.className = "msg";
    msg.textContent = "Sending…";
    var body = { category: select.value, comment: comment.value };
    if (email.value.trim()) body.email = email.value.trim();
    if (passage) body.quote = passage;
    fetch(base + "/api/articles/" + article + "/bias-reports", {
      method: "POST", mode: "cors", credentials: "omit",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (result.ok) {
        msg.className = "msg ok";
        msg.textContent = "Thank you: report #" + result.data.id + " reached the newsroom.";
        comment.value = "";
      } else {
        msg.className = "msg err";
        msg.textContent = (result.data && result.data.error) || "The report could not be sent.";
      }
    }).catch(function () {
      msg.className = "msg err";
      msg.textContent = "The report could not be sent (network error).";
    }).then(function () { send.disabled = false; });
  });
})();
