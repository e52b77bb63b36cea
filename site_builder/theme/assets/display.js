// 无障碍 and 适老化 toolbar (partials/toolbar.html): the links become toggle buttons that act at once.
// The choice is kept in local storage and in the cookie the no-JavaScript switch reads
// (site_builder/display.py: "size[-contrast][-elder]"), so both ways agree on every page.
(function () {
  "use strict";
  var bar = document.querySelector("[data-portal-toolbar]");
  if (!bar) return;
  var root = document.documentElement;
  var SIZES = ["standard", "large", "larger"];

  function read() {
    // The cookie first: both this script and the no-JavaScript switch write it, so it is the newest.
    var m = document.cookie.match(/(?:^|; )portal_display=([a-z-]+)/);
    var value = m ? m[1] : null;
    if (value === null) {
      try { value = localStorage.getItem("portal.display"); } catch (e) { /* private mode */ }
    }
    value = value || "standard";
    var parts = value.split("-");
    return { size: SIZES.indexOf(parts[0]) >= 0 ? parts[0] : "standard",
             contrast: parts.indexOf("contrast") > 0, elder: parts.indexOf("elder") > 0 };
  }

  function key(choice) {
    return [choice.size].concat(choice.contrast ? ["contrast"] : [], choice.elder ? ["elder"] : []).join("-");
  }

  function apply(choice) {
    root.classList.toggle("portal-large", choice.size === "large");
    root.classList.toggle("portal-larger", choice.size === "larger");
    root.classList.toggle("portal-contrast", choice.contrast);
    root.classList.toggle("portal-elder", choice.elder);
    bar.querySelectorAll("[data-display-size]").forEach(function (a) {
      a.setAttribute("aria-pressed", String(a.getAttribute("data-display-size") === choice.size));
    });
    bar.querySelectorAll("[data-display-flag]").forEach(function (a) {
      a.setAttribute("aria-pressed", String(choice[a.getAttribute("data-display-flag")]));
    });
  }

  function save(choice) {
    var value = key(choice);
    try { localStorage.setItem("portal.display", value); } catch (e) { /* private mode */ }
    document.cookie = "portal_display=" + value + "; path=/; max-age=31536000; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
  }

  var choice = read();
  bar.querySelectorAll("[data-display-size], [data-display-flag], [data-display-reset]").forEach(function (a) {
    a.setAttribute("role", "button");
    a.addEventListener("click", function (event) {
      event.preventDefault();
      if (a.hasAttribute("data-display-size")) choice.size = a.getAttribute("data-display-size");
      else if (a.hasAttribute("data-display-flag")) {
        var flag = a.getAttribute("data-display-flag");
        choice[flag] = !choice[flag];
      } else choice = { size: "standard", contrast: false, elder: false };
      save(choice);
      apply(choice);
    });
    a.addEventListener("keydown", function (event) {  // a button also answers the space bar
      if (event.key === " ") { event.preventDefault(); a.click(); }
    });
  });
  apply(choice);

  // 朗读: only where the browser has a Chinese voice, and only on pages with an article to read.
  var article = document.querySelector(".md-content article");
  var speech = window.speechSynthesis;
  if (!article || !speech || !window.SpeechSynthesisUtterance || !article.querySelector("h1")) return;
  function chineseVoice() {
    return speech.getVoices().filter(function (v) { return /^zh/i.test(v.lang); })[0] || null;
  }
  function offer() {
    var voice = chineseVoice();
    if (!voice || document.querySelector(".portal-read")) return;
    var box = document.createElement("p");
    box.className = "portal-read";
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = "朗读本页正文";
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function () {
      if (speech.speaking) {
        speech.cancel();
        return;
      }
      var text = article.innerText.replace(/对本页有意见建议？请告诉我们\s*$/, "");
      var utterance = new SpeechSynthesisUtterance(text);
      utterance.voice = voice;
      utterance.lang = voice.lang;
      utterance.onstart = function () { button.textContent = "停止朗读"; button.setAttribute("aria-pressed", "true"); };
      utterance.onend = utterance.onerror = function () {
        button.textContent = "朗读本页正文";
        button.setAttribute("aria-pressed", "false");
      };
      speech.speak(utterance);
    });
    box.appendChild(button);
    article.insertBefore(box, article.querySelector("h1").nextSibling);
  }
  offer();
  if (speech.addEventListener) speech.addEventListener("voiceschanged", offer);
})();
