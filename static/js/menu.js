// The main menu works without this file (the menu is then always open and each group is a <details>).
// With it: on narrow screens the menu folds behind a button, one group is open at a time, and Escape or a
// click elsewhere closes an open group.
(function () {
  var menu = document.getElementById("portal-nav");
  var toggler = document.querySelector('[data-bs-target="#portal-nav"]');
  if (!menu || !toggler) return;
  menu.classList.add("collapse");
  toggler.classList.remove("d-none");
  var groups = Array.prototype.slice.call(menu.querySelectorAll("details.portal-disclosure"));
  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (!group.open) return;
      groups.forEach(function (other) { if (other !== group) other.open = false; });
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    groups.forEach(function (group) {
      if (group.open) { group.open = false; group.querySelector("summary").focus(); }
    });
  });
  document.addEventListener("click", function (event) {
    groups.forEach(function (group) { if (group.open && !group.contains(event.target)) group.open = false; });
  });
})();
