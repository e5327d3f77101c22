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

// E-forms: conditional fields shown live, communes of the chosen province, every
// change saved at once (a dropped connection loses at most the field being typed),
// and submit buttons that send once.
(function () {
  "use strict";
  document.documentElement.className += " js";
  var form = document.querySelector("form[data-autosave]");
  function value(name) {
    var inputs = form.querySelectorAll("[name='" + name + "']");
    var values = [];
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { continue; }
      values.push(el.type === "checkbox" && el.value === "1" ? true : el.value);
    }
    return values;
  }
  function holds(rule, scope) {
    var name = scope ? scope + rule.field : rule.field;
    var values = value(name);
    if (!values.length && scope) { values = value(rule.field); }
    if (rule.equals !== undefined) {
      if (typeof rule.equals === "boolean") { return (values.indexOf(true) >= 0) === rule.equals; }
      return values.indexOf(rule.equals) >= 0;
    }
    if (rule.any_of) { return values.some(function (v) { return rule.any_of.indexOf(v) >= 0; }); }
    return values.some(function (v) { return v !== "" && v !== false; });
  }
  function refresh() {
    var all = form.querySelectorAll("[data-show-if]");
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      var rule = JSON.parse(el.getAttribute("data-show-if"));
      var id = el.id.replace(/^f-/, "");
      var bracket = id.lastIndexOf("].");
      var scope = bracket >= 0 ? id.slice(0, bracket + 2) : "";
      el.hidden = !holds(rule, scope);
    }
  }
  if (form) {
    form.addEventListener("change", refresh);
    var status = form.querySelector(".autosave-status");
    var timer = null;
    var save = function () {
      if (!window.fetch || !window.FormData) { return; }
      var data = new URLSearchParams(new FormData(form));
      data.set("_action", "autosave");
      fetch(form.action, { method: "POST", body: data, headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (body) { if (status) { status.textContent = body.saved ? "Đã lưu lúc " + body.at : body.message; } })
        .catch(function () { if (status) { status.textContent = "Chưa lưu được (mất kết nối?). Nội dung vẫn còn trên trang; bấm Lưu nháp khi có mạng."; } });
    };
    form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(save, 300); });
    var provinces = form.querySelectorAll("select[data-communes]");
    for (var p = 0; p < provinces.length; p++) {
      provinces[p].addEventListener("change", function (event) {
        var select = event.target;
        var target = document.getElementById(select.getAttribute("data-communes"));
        if (!target || !window.fetch) { return; }
        target.innerHTML = "<option value=\"\">— Đang tải… —</option>";
        if (!select.value) { return; }
        fetch("/api/v1/places/" + encodeURIComponent(select.value) + "/communes", { headers: { Accept: "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (body) {
            target.innerHTML = "<option value=\"\">— Chọn xã, phường —</option>";
            (body.communes || []).forEach(function (c) {
              var option = document.createElement("option");
              option.value = c.code;
              option.textContent = c.name;
              target.appendChild(option);
            });
          });
      });
    }
  }
  var once = document.querySelectorAll("button[data-once]");
  for (var b = 0; b < once.length; b++) {
    once[b].form.addEventListener("submit", function (event) {
      var button = event.target.querySelector("button[data-once]");
      if (button.disabled) { event.preventDefault(); return; }
      setTimeout(function () { button.disabled = true; button.textContent = "Đang nộp…"; }, 0);
    });
  }
})();
