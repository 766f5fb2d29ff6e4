// Small behaviours of the site's own, loaded on every page (mkdocs.yml extra_javascript).

// The language selector keeps the reader's place: both languages give a section the same id
// (`## 估计量 { #estimator }`), so the link to the twin page takes the section being read along.
// Material's navigation.tracking writes that section into the address as the reader scrolls, but it
// can write the one before: it reads the headings' places once, and blocks above that are drawn late
// (content-visibility in site.css) move them after (a deep link to #next once carried #error_rate).
// So the section is read from the page as it is drawn when the link is used.
(function () {
  const HEADINGS = ".md-typeset :is(h2, h3, h4, h5, h6)[id]";
  function shown(element) {
    const top = element.getBoundingClientRect().top;
    return top >= 0 && top < innerHeight;
  }
  function sectionBeingRead() {
    const named = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (named && shown(named)) return location.hash;
    const header = document.querySelector(".md-header");
    const headerBottom = header ? header.getBoundingClientRect().bottom : 0;
    let section = null;
    // The last heading at or above where a jump to it puts it (below the header, or its scroll margin).
    for (const heading of document.querySelectorAll(HEADINGS)) {
      const limit = Math.max(headerBottom, parseFloat(getComputedStyle(heading).scrollMarginTop) || 0) + 1;
      if (heading.getBoundingClientRect().top > limit) break;
      section = heading;
    }
    return section ? "#" + encodeURIComponent(section.id) : location.hash;
  }
  function carryFragment() {
    const fragment = sectionBeingRead();
    for (const link of document.querySelectorAll(".md-select__link[hreflang]")) {
      link.href = link.href.split("#")[0] + fragment;
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
