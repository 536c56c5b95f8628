// The navigation menus are <details> elements, usable without script; this adds what a menu is
// expected to do: Escape closes it (focus back on its button), a click elsewhere closes it, and
// only one is open at a time.
const menus = [...document.querySelectorAll('details[data-menu]')];

for (const menu of menus) {
  menu.addEventListener('toggle', () => {
    if (!menu.open) return;
    for (const other of menus) if (other !== menu) other.open = false;
  });
  menu.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || !menu.open) return;
    menu.open = false;
    menu.querySelector('summary')?.focus();
    event.stopPropagation();
  });
}

document.addEventListener('click', (event) => {
  for (const menu of menus) {
    if (menu.open && !menu.contains(event.target)) menu.open = false;
  }
});
