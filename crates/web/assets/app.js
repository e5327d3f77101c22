// motcua: progressive enhancement only; every page works without this script.
// Suggestions as you type in the procedure search box, through a native <datalist>.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("goi-y");
  if (!input || !list || !window.fetch) { return; }
  var timer = null;
  var last = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var text = input.value.trim();
      if (text.length < 2 || text === last) { return; }
      fetch("/api/v1/procedures/suggest?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (body) {
          // An older answer arriving late must not replace a newer one.
          if (input.value.trim() !== text) { return; }
          last = text;
          list.textContent = "";
          (body.suggestions || []).forEach(function (s) {
            var option = document.createElement("option");
            option.value = s.name;
            list.appendChild(option);
          });
        })
        .catch(function () { /* offline or slow: the form still works */ });
    }, 200);
  });
})();
