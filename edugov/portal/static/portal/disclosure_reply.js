// Disclosure reply form: choosing another reply form puts its letter in the text box (while the
// text is still an unedited letter) and keeps the annual-report result consistent with it.
(function () {
  "use strict";
  var form = document.querySelector("[data-reply-templates]");
  var dataNode = document.getElementById("reply-data");
  if (!form || !dataNode) { return; }
  var data = JSON.parse(dataNode.textContent);
  var type = form.querySelector("[name=reply_type]");
  var result = form.querySelector("[name=result]");
  var text = form.querySelector("[name=text]");
  function isTemplate(value) {
    return Object.keys(data.templates).some(function (key) { return data.templates[key] === value; });
  }
  function restrictResults() {
    var allowed = data.results[type.value] || [];
    Array.prototype.forEach.call(result.options, function (option) {
      option.hidden = allowed.indexOf(option.value) === -1;
      option.disabled = option.hidden;
    });
    if (allowed.indexOf(result.value) === -1 && allowed.length) { result.value = allowed[0]; }
  }
  type.addEventListener("change", function () {
    if (isTemplate(text.value.replace(/\r\n/g, "\n"))) { text.value = data.templates[type.value] || text.value; }
    restrictResults();
  });
  restrictResults();
})();
