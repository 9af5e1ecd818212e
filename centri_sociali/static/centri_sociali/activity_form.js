/* Show only the repetition questions that apply to the chosen "Si ripete?" answer. Without
   JavaScript every question stays visible and the server ignores the ones that do not apply. */
(function () {
  "use strict";
  var radios = document.querySelectorAll('input[name="recurrence"]');
  var parts = document.querySelectorAll("[data-recurrence]");
  function update() {
    var checked = document.querySelector('input[name="recurrence"]:checked');
    var choice = checked ? checked.value : "none";
    parts.forEach(function (part) {
      part.hidden = part.dataset.recurrence.split(" ").indexOf(choice) === -1;
    });
  }
  radios.forEach(function (radio) {
    radio.addEventListener("change", update);
  });
  update();
})();
