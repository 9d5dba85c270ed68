// The advisor's ask forms when a local model writes the answers (the forms then carry data-stream): the question
// shows at once, then the steps the model takes and its text as it writes, then the finished answer with its
// figures, without reloading the page. Without JavaScript, or with written answers only, the forms post as usual.
(function () {
  "use strict";

  var thread = document.querySelector("[data-thread]");
  var mainForm = document.querySelector("[data-ask-form]");
  if (!thread || !mainForm) return;
  var busy = false;

  function copy(selector) {
    return document.querySelector(selector).content.firstElementChild.cloneNode(true);
  }

  function show(element, text) {
    element.textContent = text;
    element.classList.remove("hidden");
  }

  function fromHtml(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    return holder.firstElementChild;
  }

  // "event: name\ndata: {...}" blocks, separated by a blank line.
  function parse(block) {
    var name = "message";
    var data = "";
    block.split("\n").forEach(function (line) {
      if (line.indexOf("event: ") === 0) name = line.slice(7);
      else if (line.indexOf("data: ") === 0) data += line.slice(6);
    });
    return { name: name, data: data ? JSON.parse(data) : {} };
  }

  function finish(pending, event) {
    var answer = fromHtml(event.html);
    pending.replaceWith(answer);
    if (event.url) {
      history.replaceState(null, "", event.url);
      document.querySelectorAll("form[data-ask]").forEach(function (form) {
        form.setAttribute("action", event.action);
        form.setAttribute("data-stream", event.stream);
      });
    }
    if (event.follow_ups) {
      var next = fromHtml(event.follow_ups);
      var current = document.querySelector("[data-follow-ups]");
      if (current) current.replaceWith(next);
      else mainForm.after(next);
    }
    var button = mainForm.querySelector("[data-ask-button]");
    if (button && event.url) button.textContent = "Ask a follow-up";
    answer.focus({ preventScroll: true });
    answer.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  function ask(form) {
    var data = new FormData(form);
    var question = String(data.get("question") || "").trim();
    if (!question) {
      form.submit(); // the plain post: the page says what is missing
      return;
    }
    busy = true;
    var asked = copy("[data-question-template]");
    asked.querySelector("[data-text]").textContent = question;
    var pending = copy("[data-pending-template]");
    var progress = pending.querySelector("[data-progress-text]");
    var draft = pending.querySelector("[data-draft]");
    var replaced = pending.querySelector("[data-replaced]");
    var intro = document.querySelector("[data-intro]");
    if (intro) intro.remove();
    thread.append(asked, pending);
    pending.scrollIntoView({ block: "nearest", behavior: "smooth" });
    var textarea = mainForm.querySelector("[data-question]");
    if (form === mainForm && textarea) textarea.value = "";
    document.querySelectorAll("[data-ask] button[type=submit]").forEach(function (b) { b.disabled = true; });
    var answered = false;

    fetch(form.getAttribute("data-stream"), {
      method: "POST", body: data, credentials: "same-origin", headers: { Accept: "text/event-stream" },
    }).then(function (response) {
      if (!response.ok || !response.body) {
        // Not answered (an invalid question, a signed-out session): ask the plain way, which shows why.
        asked.remove();
        pending.remove();
        if (form === mainForm && textarea) textarea.value = question;
        form.submit();
        answered = true;
        return null;
      }
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      function read() {
        return reader.read().then(function (chunk) {
          if (chunk.done) return null;
          buffer += decoder.decode(chunk.value, { stream: true });
          var blocks = buffer.split("\n\n");
          buffer = blocks.pop();
          blocks.forEach(function (block) {
            if (!block.trim()) return;
            var event = parse(block);
            if (event.name === "tool") {
              progress.textContent = event.data.label + "…";
            } else if (event.name === "delta") {
              draft.classList.remove("hidden");
              draft.textContent += event.data.text;
            } else if (event.name === "replaced") {
              draft.textContent = "";
              draft.classList.add("hidden");
              show(replaced, event.data.label);
            } else if (event.name === "answer") {
              answered = true;
              finish(pending, event.data);
            } else if (event.name === "error") {
              answered = true;
              pending.removeAttribute("aria-busy");
              show(replaced, event.data.message);
              pending.querySelector("[data-progress]").remove();
            }
          });
          return read();
        });
      }
      return read();
    }).catch(function () {
      // Nothing is reposted: the answer may have been stored before the connection was lost.
    }).then(function () {
      if (!answered) {
        pending.removeAttribute("aria-busy");
        var bar = pending.querySelector("[data-progress]");
        if (bar) bar.remove();
        show(replaced, "The answer did not arrive. Reload the page to see whether it was saved, or ask again.");
      }
      busy = false;
      document.querySelectorAll("[data-ask] button[type=submit]").forEach(function (b) { b.disabled = false; });
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-ask][data-stream]");
    if (!form || !form.getAttribute("data-stream")) return;
    event.preventDefault();
    if (!busy) ask(form);
  });

  // Enter asks, Shift+Enter starts a new line.
  mainForm.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.target.matches("[data-question]")) {
      event.preventDefault();
      mainForm.requestSubmit();
    }
  });
})();
