// Passkeys: adding one under Settings → Two-factor sign-in ([data-passkey-register]) and using one at the
// second sign-in step ([data-passkey-sign-in]). The server sends WebAuthn options as JSON with base64url
// fields; the browser's API wants ArrayBuffers, and the answer goes back as base64url JSON again.
(function () {
  "use strict";

  function toBuffer(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var raw = atob(base64), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer), raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error(data.detail || "Something went wrong. Try again.");
        return data;
      });
    });
  }

  function credentialJSON(credential) {
    var response = credential.response, out = {
      id: credential.id, rawId: toText(credential.rawId), type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      response: {clientDataJSON: toText(response.clientDataJSON)}
    };
    if (response.attestationObject) {
      out.response.attestationObject = toText(response.attestationObject);
      out.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      out.response.authenticatorData = toText(response.authenticatorData);
      out.response.signature = toText(response.signature);
      if (response.userHandle) out.response.userHandle = toText(response.userHandle);
    }
    return out;
  }

  function wire(box, run) {
    var button = box.querySelector("[data-passkey-button]"), error = box.querySelector("[data-passkey-error]");
    if (!button) return;
    if (!window.PublicKeyCredential) {
      button.disabled = true;
      error.textContent = "This browser cannot use passkeys.";
      error.classList.remove("hidden");
      return;
    }
    button.addEventListener("click", function () {
      button.disabled = true;
      error.classList.add("hidden");
      run(box).then(function (data) {
        window.location.assign(data.redirect_url);
      }).catch(function (problem) {
        button.disabled = false;
        error.textContent = problem && problem.name === "NotAllowedError"
          ? "The passkey was not used (cancelled or timed out)." : (problem.message || String(problem));
        error.classList.remove("hidden");
      });
    });
  }

  document.querySelectorAll("[data-passkey-register]").forEach(function (box) {
    wire(box, function () {
      return post(box.dataset.beginUrl).then(function (options) {
        options.challenge = toBuffer(options.challenge);
        options.user.id = toBuffer(options.user.id);
        (options.excludeCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
        return navigator.credentials.create({publicKey: options});
      }).then(function (credential) {
        var body = credentialJSON(credential), name = box.querySelector("[data-passkey-name]");
        body.name = name ? name.value : "";
        return post(box.dataset.completeUrl, body);
      });
    });
  });

  document.querySelectorAll("[data-passkey-sign-in]").forEach(function (box) {
    wire(box, function () {
      return post(box.dataset.beginUrl).then(function (options) {
        options.challenge = toBuffer(options.challenge);
        (options.allowCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
        return navigator.credentials.get({publicKey: options});
      }).then(function (credential) {
        return post(box.dataset.completeUrl, credentialJSON(credential));
      });
    });
  });
})();
