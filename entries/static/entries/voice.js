// The microphone beside the sentence box. Two ways, chosen by the server:
// - where this server transcribes (data-mic-server: the operator installed a speech engine), the microphone
//   records, the recording is encoded as mono 16 kHz WAV and sent with the form; nothing leaves the server;
// - otherwise the browser's speech recognition (Web Speech API) writes what was said into the box, then the form
//   is sent as if typed. Shown only where the browser has it.
// The server leaves this script out when the operator switched voice input off (VOICE_INPUT_ENABLED=false).
(function () {
  "use strict";

  var form = document.querySelector("[data-sentence-form]");
  var button = document.querySelector("[data-mic]");
  var privacy = document.querySelector("[data-privacy]");
  if (!form || !button) return;

  var label = button.querySelector("[data-mic-label]");
  var status = document.querySelector("[data-mic-status]");
  var box = form.querySelector("[data-sentence]");
  var RATE = 16000;

  function say(text) {
    if (status) status.textContent = text;
  }

  function show() {
    button.classList.remove("hidden");
    if (privacy) privacy.classList.remove("hidden");
  }

  function stopped() {
    button.setAttribute("aria-pressed", "false");
    label.textContent = "Speak";
  }

  function wav(chunks, length, rate) {
    // Mono signed 16-bit at 16 kHz, each sample the mean of the microphone's samples it spans.
    var all = new Float32Array(length);
    var offset = 0;
    chunks.forEach(function (chunk) {
      all.set(chunk, offset);
      offset += chunk.length;
    });
    var ratio = rate / RATE;
    var count = Math.floor(length / ratio);
    var buffer = new ArrayBuffer(44 + count * 2);
    var view = new DataView(buffer);
    function text(at, word) {
      for (var i = 0; i < word.length; i++) view.setUint8(at + i, word.charCodeAt(i));
    }
    text(0, "RIFF");
    view.setUint32(4, 36 + count * 2, true);
    text(8, "WAVE");
    text(12, "fmt ");
    view.setUint32(16, 16, true);
    view.setUint16(20, 1, true); // PCM
    view.setUint16(22, 1, true); // mono
    view.setUint32(24, RATE, true);
    view.setUint32(28, RATE * 2, true);
    view.setUint16(32, 2, true);
    view.setUint16(34, 16, true);
    text(36, "data");
    view.setUint32(40, count * 2, true);
    for (var i = 0; i < count; i++) {
      var start = Math.floor(i * ratio);
      var end = Math.min(length, Math.max(start + 1, Math.floor((i + 1) * ratio)));
      var sum = 0;
      for (var j = start; j < end; j++) sum += all[j];
      var value = Math.max(-1, Math.min(1, sum / (end - start)));
      view.setInt16(44 + i * 2, value < 0 ? value * 0x8000 : value * 0x7fff, true);
    }
    return buffer;
  }

  function recordOnServer() {
    var input = form.querySelector("[data-audio]");
    var AudioContext = window.AudioContext || window.webkitAudioContext;
    var media = navigator.mediaDevices;
    if (!input || !AudioContext || !media || !media.getUserMedia || !window.DataTransfer) return;
    var longest = parseInt(button.getAttribute("data-max-seconds"), 10) || 30;
    var recording = null;
    show();

    button.addEventListener("click", function () {
      if (recording) {
        recording.stop();
        return;
      }
      media.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true } }).then(
        function (stream) {
          var context = new AudioContext();
          var source = context.createMediaStreamSource(stream);
          var processor = context.createScriptProcessor(4096, 1, 1);
          var chunks = [];
          var length = 0;
          recording = {
            stop: function () {
              recording = null;
              processor.disconnect();
              source.disconnect();
              stream.getTracks().forEach(function (track) { track.stop(); });
              var rate = context.sampleRate;
              context.close();
              stopped();
              if (length < rate / 2) {
                say("Nothing was recorded.");
                return;
              }
              var transfer = new DataTransfer();
              transfer.items.add(new File([wav(chunks, length, rate)], "sentence.wav", { type: "audio/wav" }));
              input.files = transfer.files;
              box.value = "";
              label.textContent = "Reading what you said…";
              button.disabled = true;
              say("Reading what you said");
              form.requestSubmit();
            },
          };
          processor.onaudioprocess = function (event) {
            var samples = event.inputBuffer.getChannelData(0);
            chunks.push(new Float32Array(samples));
            length += samples.length;
            if (recording && length >= (longest - 1) * context.sampleRate) recording.stop();
          };
          source.connect(processor);
          processor.connect(context.destination);
          button.setAttribute("aria-pressed", "true");
          label.textContent = "Recording… tap to stop";
          say("Recording");
        },
        function () {
          say("The microphone is blocked for this site.");
        }
      );
    });
  }

  function recognizeInBrowser() {
    var Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
    if (!Recognition) return;
    var recognition = null;
    show();

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
        recognition = null;
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
  }

  if (button.hasAttribute("data-mic-server")) recordOnServer();
  else recognizeInBrowser();
})();
