// The microphone beside the sentence box: the browser's speech recognition (Web Speech API) writes what was said
// into the box, then the form is sent as if typed. Shown only where the browser has speech recognition; the
// server leaves this script out when the operator switched voice input off (VOICE_INPUT_ENABLED=false).
(function () {
  "use strict";

  var Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  var form = document.querySelector("[data-sentence-form]");
  var button = document.querySelector("[data-mic]");
  var privacy = document.querySelector("[data-privacy]");
  if (!Recognition || !form || !button) return;

  var label = button.querySelector("[data-mic-label]");
  var status = document.querySelector("[data-mic-status]");
  var box = form.querySelector("[data-sentence]");
  var recognition = null;

  button.classList.remove("hidden");
  if (privacy) privacy.classList.remove("hidden");

  function say(text) {
    if (status) status.textContent = text;
  }

  function stopped() {
    recognition = null;
    button.setAttribute("aria-pressed", "false");
    label.textContent = "Speak";
  }

  button.addEventListener("click", function () {
    if (recognition) {
      recognition.stop();
      return;
    }
    recognition = new Recognition();
    recognition.lang = document.documentElement.lang === "de" || /^de\b/.test(navigator.language) ? "de-DE" : "en-US";
    recognition.interimResults = true;
    recognition.maxAlternatives = 1;
    var heard = "";
    recognition.addEventListener("result", function (event) {
      var text = "";
      for (var i = 0; i < event.results.length; i++) text += event.results[i][0].transcript;
      box.value = text;
      if (event.results[event.results.length - 1].isFinal) heard = text;
    });
    recognition.addEventListener("error", function (event) {
      say(event.error === "not-allowed" ? "The microphone is blocked for this site." : "Nothing was heard.");
    });
    recognition.addEventListener("end", function () {
      stopped();
      if (heard.trim()) {
        say("Heard: " + heard);
        form.requestSubmit();
      }
    });
    button.setAttribute("aria-pressed", "true");
    label.textContent = "Listening… tap to stop";
    say("Listening");
    recognition.start();
  });
})();
