// Drag-and-drop upload with one progress bar per file. One request per file so
// each shows its own progress and its own error message (in French, from the server).
(function () {
  "use strict";
  var zone = document.getElementById("drop-zone");
  if (!zone) { return; }
  document.documentElement.classList.add("js");
  var input = zone.querySelector("input[type=file]");
  var list = document.getElementById("upload-list");
  var done = document.getElementById("upload-done");
  var url = zone.getAttribute("data-upload-url");
  var maxBytes = parseInt(zone.getAttribute("data-max-size"), 10) * 1024 * 1024;
  var token = zone.querySelector("input[name=csrfmiddlewaretoken]").value;
  var pending = 0;

  function row(file) {
    var li = document.createElement("li");
    var name = document.createElement("span");
    name.className = "upload-name";
    name.textContent = file.name + " ";
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Progression de " + file.name);
    var status = document.createElement("span");
    status.className = "upload-status";
    li.appendChild(name);
    li.appendChild(bar);
    li.appendChild(status);
    list.appendChild(li);
    return { li: li, bar: bar, status: status };
  }

  function finish(ui, ok, text, link) {
    ui.li.classList.add(ok ? "upload-ok" : "upload-error");
    ui.li.setAttribute("data-state", ok ? "ok" : "error");
    ui.status.textContent = " " + text;
    if (link) {
      var a = document.createElement("a");
      a.href = link.href;
      a.textContent = link.text;
      ui.status.appendChild(document.createTextNode(" "));
      ui.status.appendChild(a);
    }
    pending -= 1;
    if (pending === 0) { done.hidden = false; }
  }

  function send(file) {
    var ui = row(file);
    pending += 1;
    if (file.size > maxBytes) {
      finish(ui, false, "« " + file.name + " » dépasse la taille maximale autorisée (" + (maxBytes / 1048576) + " Mo).");
      return;
    }
    var data = new FormData();
    data.append("files", file);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", token);
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) { ui.bar.value = Math.round((event.loaded / event.total) * 100); }
    });
    xhr.addEventListener("load", function () {
      var result;
      try { result = JSON.parse(xhr.responseText).results[0]; } catch (e) { result = null; }
      ui.bar.value = 100;
      if (result && result.ok) {
        finish(ui, true, "Déposé.", { href: result.url, text: result.title });
      } else if (result) {
        finish(ui, false, result.error, result.duplicate_url ? { href: result.duplicate_url, text: "Voir le document existant" } : null);
      } else {
        finish(ui, false, "Le dépôt a échoué (erreur " + xhr.status + "). Réessayez.");
      }
    });
    xhr.addEventListener("error", function () { finish(ui, false, "Connexion interrompue pendant le dépôt. Réessayez."); });
    xhr.send(data);
  }

  function sendAll(files) {
    done.hidden = true;
    for (var i = 0; i < files.length; i += 1) { send(files[i]); }
  }

  input.addEventListener("change", function () { sendAll(input.files); input.value = ""; });
  zone.addEventListener("submit", function (event) { event.preventDefault(); });
  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.add("is-over"); });
  });
  ["dragleave", "drop"].forEach(function (type) {
    zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.remove("is-over"); });
  });
  zone.addEventListener("drop", function (event) {
    if (event.dataTransfer && event.dataTransfer.files.length) { sendAll(event.dataTransfer.files); }
  });
})();
