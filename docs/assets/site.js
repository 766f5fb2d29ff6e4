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
  function measure(display) {
    if (display.scrollWidth > display.clientWidth + 1) {
      display.setAttribute("tabindex", "0");
    } else {
      display.removeAttribute("tabindex");
    }
  }
  function focusableWhenScrolling() {
    for (const display of document.querySelectorAll(DISPLAY)) measure(display);
  }
  window.addEventListener("resize", focusableWhenScrolling);
  // A block off screen is not laid out (content-visibility in site.css) and measures as not
  // overflowing: its formulas are measured again when the reader comes near it.
  document.addEventListener("contentvisibilityautostatechange", function (event) {
    if (event.skipped || !(event.target instanceof Element)) return;
    if (event.target.matches(DISPLAY)) measure(event.target);
    for (const display of event.target.querySelectorAll(DISPLAY)) measure(display);
  }, true);
  // KaTeX's fonts change the formulas' widths: measure once they are in (and say so, for the tests).
  document.fonts.ready.then(function () {
    focusableWhenScrolling();
    document.documentElement.setAttribute("data-formulas-measured", "");
  });
})();
