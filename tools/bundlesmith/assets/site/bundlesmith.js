/* bundlesmith: the site's knowledge checks. Feedback only: nothing is stored or sent anywhere. */
(function () {
  "use strict";

  function choiceText(input) {
    var label = input.id ? input.ownerDocument.querySelector('label[for="' + input.id + '"]') : null;
    return label ? label.textContent.trim() : "";
  }

  /* Whether a choice is a right answer: its data-key is FNV-1a of salt|question|value|1 (|0 if wrong), as
   * render/module_html.answer_key writes it. Not a secret, only not the answer in plain view. */
  function fnv(text) {
    var bytes = new TextEncoder().encode(text), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i += 1) { h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0; }
    return ("0000000" + h.toString(16)).slice(-8);
  }
  function isRight(question, input) {
    var quiz = question.closest(".bs-quiz");
    var salt = quiz ? quiz.getAttribute("data-salt") : "";
    return input.getAttribute("data-key") === fnv(salt + "|" + question.getAttribute("data-question") + "|" + input.value + "|1");
  }

  function checkQuestion(question) {
    var inputs = Array.prototype.slice.call(question.querySelectorAll("input"));
    var answered = inputs.some(function (input) { return input.checked; });
    var right = inputs.every(function (input) { return input.checked === isRight(question, input); });
    inputs.forEach(function (input) {
      var feedback = question.querySelector('.bs-choice-feedback[data-for="' + input.id + '"]');
      if (feedback) { feedback.hidden = !(input.checked && feedback.textContent.trim()); }
    });
    var general = question.querySelector(".bs-question-feedback");
    if (general) { general.hidden = !answered; }
    var result = question.querySelector(".bs-result");
    if (!answered) {
      question.setAttribute("data-state", "unanswered");
      result.textContent = "Not answered yet: choose an answer, then check again.";
      return false;
    }
    question.setAttribute("data-state", right ? "correct" : "incorrect");
    if (right) {
      result.textContent = "Correct.";
    } else {
      var answers = inputs.filter(function (input) { return isRight(question, input); }).map(choiceText);
      result.textContent = "Not quite. " + (answers.length > 1 ? "The answers are: " : "The answer is: ") + answers.join("; ") + ".";
    }
    return right;
  }

  function checkQuiz(quiz) {
    var questions = Array.prototype.slice.call(quiz.querySelectorAll(".bs-question"));
    var right = questions.filter(checkQuestion).length;
    var score = quiz.querySelector(".bs-score");
    if (score) { score.textContent = "You answered " + right + " of " + questions.length + " questions correctly."; }
  }

  /* The choices of each question in a new order on every page load (the author's order could give the
   * answer away); nothing is stored. The page itself is the same bytes in every build. */
  function random(below) {
    try { return window.crypto.getRandomValues(new Uint32Array(1))[0] % below; } catch (err) { return Math.floor(Math.random() * below); }
  }
  function shuffleChoices() {
    Array.prototype.slice.call(document.querySelectorAll(".bs-quiz .bs-question")).forEach(function (question) {
      var choices = Array.prototype.slice.call(question.querySelectorAll(".bs-choice"));
      if (choices.length < 2) { return; }
      var after = choices[choices.length - 1].nextSibling;
      for (var i = choices.length - 1; i > 0; i -= 1) {
        var j = random(i + 1), swap = choices[i];
        choices[i] = choices[j];
        choices[j] = swap;
      }
      choices.forEach(function (choice) { question.insertBefore(choice, after); });
    });
  }

  /* The current page in the navigation says so to assistive technology, not only by its colour. */
  function markCurrent() {
    var here = location.href.split("#")[0];
    Array.prototype.slice.call(document.querySelectorAll("a.md-nav__link--active")).forEach(function (a) {
      if (a.href.split("#")[0] === here) { a.setAttribute("aria-current", "page"); }
    });
  }
  function ready() { markCurrent(); shuffleChoices(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }

  /* WCAG 2.1.1: a table that scrolls sideways (the theme wraps each in .md-typeset__scrollwrap) can be
   * scrolled by keyboard: a focusable region named after its columns. */
  function tableName(table) {
    var caption = table.querySelector("caption");
    if (caption && caption.textContent.trim()) { return caption.textContent.trim(); }
    var heads = Array.prototype.slice.call(table.querySelectorAll("th")).slice(0, 3).map(function (th) { return th.textContent.trim(); });
    return "Table" + (heads.length ? ": " + heads.join(", ") : "");
  }
  function scrollRegions() {
    Array.prototype.slice.call(document.querySelectorAll(".md-typeset__scrollwrap:not([tabindex])")).forEach(function (wrap) {
      var table = wrap.querySelector("table");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", table ? tableName(table) : "Scrollable content");
    });
  }
  /* axe aria-dialog-name: the theme's search dialog has no name. */
  function nameSearch() {
    var dialog = document.querySelector(".md-search[role='dialog']:not([aria-label])");
    if (dialog) { dialog.setAttribute("aria-label", "Search the site"); }
    /* 4.1.3: how many results the search found is said when it changes, without moving focus. */
    var meta = document.querySelector(".md-search-result__meta:not([role])");
    if (meta) { meta.setAttribute("role", "status"); }
  }
  function tidy() { scrollRegions(); nameSearch(); }
  tidy();
  new MutationObserver(tidy).observe(document.documentElement, { childList: true, subtree: true });

  /* The navigation's buttons (theme/partials): the menu button opens the drawer below 1220 px, a section's
   * button opens the section. Each toggles the theme's checkbox, and aria-expanded follows the checkbox. */
  function drawer() { return document.getElementById("__drawer"); }
  function sync(box) {
    if (box.id === "__drawer") {
      Array.prototype.slice.call(document.querySelectorAll("[data-bs-drawer]")).forEach(function (b) {
        b.setAttribute("aria-expanded", box.checked ? "true" : "false");
      });
    } else {
      Array.prototype.slice.call(document.querySelectorAll('[data-bs-toggle="' + box.id + '"]')).forEach(function (b) {
        b.setAttribute("aria-expanded", box.checked ? "true" : "false");
      });
    }
  }
  document.addEventListener("change", function (event) {
    if (event.target && event.target.classList && event.target.classList.contains("md-toggle")) { sync(event.target); }
  });
  function openDrawer(open, fromKeyboard) {
    var box = drawer();
    if (!box || box.checked === open) { return; }
    box.click();  /* as the theme's label does: the theme listens for the checkbox's change */
    if (open && fromKeyboard) {
      /* The drawer becomes visible after this frame (CSS); then focus goes to its first link. */
      setTimeout(function () {
        var first = Array.prototype.slice.call(document.querySelectorAll(".md-sidebar--primary a[href], .md-sidebar--primary button"))
          .filter(function (el) { return el.getClientRects().length && getComputedStyle(el).visibility === "visible"; })[0];
        if (first) { first.focus(); }
      }, 50);
    }
  }
  document.addEventListener("keydown", function (event) {
    var box = drawer();
    if (event.key === "Escape" && box && box.checked) {
      openDrawer(false);
      var button = document.querySelector("[data-bs-drawer]");
      if (button) { button.focus(); }
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target && event.target.closest ? event.target : null;
    var menu = target ? target.closest("[data-bs-drawer]") : null;
    if (menu) { openDrawer(!drawer().checked, event.detail === 0); return; }
    var toggle = target ? target.closest("[data-bs-toggle]") : null;
    var box = toggle ? document.getElementById(toggle.getAttribute("data-bs-toggle")) : null;
    if (box) {
      box.click();
      /* In the drawer a section is a panel over its parent: focus follows to the panel's way back, or back
       * to the section's button, since what had focus is now covered. */
      if (window.matchMedia("(max-width: 76.234375em)").matches) {
        var path = toggle.getAttribute("data-bs-toggle");
        var next = document.querySelector((box.checked ? ".bs-nav-back" : ".bs-nav-toggle") + '[data-bs-toggle="' + path + '"]');
        if (next) { setTimeout(function () { next.focus(); }, 50); }
      }
      return;
    }
    var button = target ? target.closest(".bs-check") : null;
    var quiz = button ? button.closest(".bs-quiz") : null;
    if (quiz) { checkQuiz(quiz); }
  });
})();
