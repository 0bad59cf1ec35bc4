// The assignment form's unit search (proposals/_unit_picker.html): typing narrows the options of every
// unit select in the same form; a chosen unit always stays visible. Delegated, so forms that htmx
// swaps in later work too.
document.addEventListener("input", function (event) {
  var box = event.target;
  if (!box.classList || !box.classList.contains("unit-filter")) return;
  var scope = box.closest("form") || document;
  var words = box.value.trim();
  scope.querySelectorAll('select[name="unit_pick"]').forEach(function (select) {
    select.querySelectorAll("option").forEach(function (option) {
      var keep = !option.value || option.selected || !words || option.textContent.indexOf(words) !== -1;
      option.hidden = !keep;
      option.disabled = !keep;
    });
    select.querySelectorAll("optgroup").forEach(function (group) {
      group.hidden = !group.querySelector("option:not([hidden])");
    });
  });
});
