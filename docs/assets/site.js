// Small behaviours of the site's own, loaded on every page (mkdocs.yml extra_javascript).

// The language selector keeps the reader's place: both languages give a section the same id
// (`## 估计量 { #estimator }`), so the link to the twin page takes the current fragment along.
// Material's navigation.tracking writes the section being read into the address as the reader scrolls.
(function () {
  function carryFragment() {
    for (const link of document.querySelectorAll(".md-select__link[hreflang]")) {
      link.href = link.href.split("#")[0] + location.hash;
    }
  }
  // Before the link is followed, opened in a new tab, hovered or reached with the keyboard.
  for (const type of ["click", "auxclick", "pointerover", "focusin", "contextmenu"]) {
    document.addEventListener(type, function (event) {
      if (event.target instanceof Element && event.target.closest(".md-select")) carryFragment();
    }, true);
  }
})();

// A display formula wider than its column scrolls sideways; the keyboard must reach it too
// (WCAG 2.1.1: a scrolling region takes focus). Only formulas that overflow become tab stops.
(function () {
  const DISPLAY = ".md-typeset .katex-display";
  // A formula off screen is not laid out (content-visibility in site.css) and measures as not
  // overflowing; measuring it would make Chromium lay it out there and then. It is measured when the
  // reader comes near it.
  function drawn(display) {
    return display.firstElementChild !== null && display.firstElementChild.checkVisibility({contentVisibilityAuto: true});
  }
  // Every width read first, then every write: a write between two reads forced a layout per formula.
  function measure(displays) {
    const shown = displays.filter(drawn);
    const overflowing = shown.map(display => display.scrollWidth > display.clientWidth + 1);
    shown.forEach(function (display, i) {
      if (overflowing[i]) {
        display.setAttribute("tabindex", "0");
      } else {
        display.removeAttribute("tabindex");
      }
    });
  }
  function measureAll() {
    measure([...document.querySelectorAll(DISPLAY)]);
  }
  window.addEventListener("resize", measureAll);
  document.addEventListener("contentvisibilityautostatechange", function (event) {
    if (event.skipped || !(event.target instanceof Element)) return;
    measure([...(event.target.matches(DISPLAY) ? [event.target] : []), ...event.target.querySelectorAll(DISPLAY)]);
  }, true);
  // KaTeX's fonts change the formulas' widths: measure once they are in (and say so, for the tests).
  document.fonts.ready.then(function () {
    measureAll();
    document.documentElement.setAttribute("data-formulas-measured", "");
  });
})();
