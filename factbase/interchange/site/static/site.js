// factbase report: the filters of the conflicts page. Plain JavaScript, no library;
// the page is whole without it (every conflict is shown).
(function () {
  "use strict";
  var form = document.getElementById("conflict-filters");
  if (!form) { return; }
  var conflicts = Array.prototype.slice.call(document.querySelectorAll("article.conflict"));
  var count = document.getElementById("conflict-count");
  function apply() {
    var wanted = {};
    form.querySelectorAll("select[data-filter]").forEach(function (select) {
      wanted[select.dataset.filter] = select.value;
    });
    var text = form.querySelector("input[data-filter=text]").value.trim().toLowerCase();
    var shown = 0;
    conflicts.forEach(function (conflict) {
      var match = Object.keys(wanted).every(function (name) {
        return !wanted[name] || conflict.dataset[name] === wanted[name];
      }) && (!text || conflict.textContent.toLowerCase().indexOf(text) !== -1);
      conflict.hidden = !match;
      if (match) { shown += 1; }
    });
    count.textContent = shown + " shown";
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
}());
