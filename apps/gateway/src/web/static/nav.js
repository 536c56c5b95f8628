// The navigation menus are <details> elements, usable without script; this adds what a menu is
// expected to do: Escape closes it (focus back on its button), a click elsewhere closes it, and
// only one is open at a time.
/** @type {HTMLDetailsElement[]} */
const menus = [...document.querySelectorAll('details[data-menu]')].filter(
  (m) => m instanceof HTMLDetailsElement,
);

for (const menu of menus) {
  menu.addEventListener('toggle', () => {
    if (!menu.open) return;
    for (const other of menus) if (other !== menu) other.open = false;
  });
  menu.addEventListener('keydown', (/** @type {KeyboardEvent} */ event) => {
    if (event.key !== 'Escape' || !menu.open) return;
    menu.open = false;
    menu.querySelector('summary')?.focus();
    event.stopPropagation();
  });
}

document.addEventListener('click', (event) => {
  for (const menu of menus) {
    if (menu.open && !(event.target instanceof Node && menu.contains(event.target))) menu.open = false;
  }
});
