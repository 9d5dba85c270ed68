// What a reader would see as broken layout on the page as it is now drawn; returns one sentence per problem.
// Read by tests/browser/test_page_sweep.py and evaluated in the page (an arrow function, no arguments).
() => {
  const problems = [];
  const viewport = window.innerWidth;
  // An amount as the money filter writes it: "EUR 1,234.56", "-1,234.56".
  const MONEY = /(^|[^\w.,])[+\-−]?\d{1,3}(,\d{3})*\.\d{2}($|[^\w.,])/;

  const name = (el) => {
    let label = el.tagName.toLowerCase();
    if (el.id) label += `#${el.id}`;
    const text = (el.innerText || el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 60);
    return text ? `${label} “${text}”` : label;
  };
  const shown = (el) => {
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  // Screen-reader-only text (sr-only, sm:sr-only...) is clipped to a pixel on purpose.
  const srOnly = (el) => {
    for (let up = el; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.position === "absolute" && up.clientWidth <= 1 && up.clientHeight <= 1) return true;
    }
    return false;
  };
  const scrolls = (style) => style.overflowX === "auto" || style.overflowX === "scroll";
  const clips = (style) => style.overflowX === "hidden" || style.overflowX === "clip";
  // A sideways scroller is allowed only when it says so: data-scroll-hint names a visible hint element.
  const hinted = (el) => {
    for (let box = el; box; box = box.parentElement) {
      if (!box.dataset || !box.dataset.scrollHint) continue;
      const hint = document.getElementById(box.dataset.scrollHint);
      if (hint && shown(hint) && scrolls(getComputedStyle(box))) return true;
    }
    return false;
  };

  const page = document.documentElement;
  if (page.scrollWidth > viewport) {
    problems.push(`the page is ${page.scrollWidth}px wide in a ${viewport}px window`);
  }

  const bar = document.querySelector("header nav");
  if (bar && bar.scrollWidth > bar.clientWidth + 1) {
    problems.push(`the navigation bar's items run ${bar.scrollWidth - bar.clientWidth}px past its edge`);
  }

  for (const table of document.querySelectorAll("table")) {
    if (!shown(table) || hinted(table)) continue;
    const container = table.parentElement;
    const width = table.getBoundingClientRect().width;
    if (width > container.clientWidth + 1) {
      problems.push(`table ${name(table)} is ${Math.round(width)}px wide in a ${container.clientWidth}px container`);
    }
  }

  for (const el of document.body.querySelectorAll("*")) {
    if (!shown(el) || srOnly(el)) continue;
    const style = getComputedStyle(el);
    if (scrolls(style) && el.scrollWidth > el.clientWidth + 1 && !hinted(el)) {
      problems.push(`${name(el)} scrolls sideways (${el.scrollWidth}px in ${el.clientWidth}px) with no hint`);
    }
  }

  // Text: never outside its card or cell, never clipped if it is an amount, never squeezed to a word a line.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const reported = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || reported.has(el) || srOnly(el) || !shown(el)) continue;
    if (el.closest("script, style, template, svg, option, select, textarea, [hidden]")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;

    let clipper = null;
    for (let up = el; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (clips(style) || scrolls(style)) { clipper = up; break; }
    }
    if (clipper && !scrolls(getComputedStyle(clipper))) {
      const edge = clipper.getBoundingClientRect();
      if (box.right > edge.right + 1 || box.left < edge.left - 1) {
        const style = getComputedStyle(clipper);
        const fontSize = parseFloat(style.fontSize);
        const ellipsis = getComputedStyle(el).textOverflow === "ellipsis" || style.textOverflow === "ellipsis";
        const money = MONEY.test(text);
        if (money || !ellipsis) {
          problems.push(`${money ? "amount" : "text"} ${name(el)} is clipped (${Math.round(box.width)}px of text in ${Math.round(edge.width)}px)`);
          reported.add(el);
          continue;
        }
        if (edge.width < 4 * fontSize) {
          problems.push(`text ${name(el)} is cut to ${Math.round(edge.width)}px, a letter or two`);
          reported.add(el);
          continue;
        }
      }
    }

    const card = el.closest(".card, [data-card], td, th");
    if (card && (!clipper || card.contains(clipper) === false)) {
      const edge = card.getBoundingClientRect();
      if (box.right > edge.right + 1 || box.left < edge.left - 1) {
        problems.push(`text ${name(el)} runs out of its ${card.tagName.toLowerCase()} (${Math.round(box.right - edge.right)}px past the edge)`);
        reported.add(el);
        continue;
      }
    }

    const words = text.split(/\s+/).length;
    const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    const em = parseFloat(getComputedStyle(el).fontSize);
    if (words >= 4 && lines >= 3 && words <= 2 * lines && box.width < 8 * em) {
      problems.push(`text ${name(el)} is squeezed to one word a line (${Math.round(box.width)}px wide)`);
      reported.add(el);
    }
  }
  return problems;
}
