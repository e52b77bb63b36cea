// Document pages: 打印 prints the page; 复制本条链接 copies the article's address. Without this script
// the print button stays hidden and 复制本条链接 is an ordinary link to the article.
(function () {
  "use strict";

  Array.prototype.forEach.call(document.querySelectorAll("[data-doc-tools]"), function (el) { el.hidden = false; });

  function copied(link) {
    var text = link.textContent;
    link.textContent = "已复制";
    link.setAttribute("aria-live", "polite");
    window.setTimeout(function () { link.textContent = text; }, 2000);
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.closest) return;
    if (target.closest("[data-print-document]")) {
      window.print();
      return;
    }
    var link = target.closest("[data-copy-link]");
    if (!link || !navigator.clipboard || !navigator.clipboard.writeText) return;  // the link just goes there
    event.preventDefault();
    var address = link.href;
    navigator.clipboard.writeText(address).then(function () {
      if (window.history && history.replaceState) history.replaceState(null, "", link.hash);
      copied(link);
    }, function () { window.location.hash = link.hash; });
  });
})();
