/* bundlesmith SCORM runtime: SCORM 1.2 and 2004 4th Edition, no framework, no network.
 *
 * The page carries its settings in <script type="application/json" id="bs-config">:
 *   {version: "1.2"|"2004", mastery: 0-100, modules: [{id, objectives: [{id, items: [question ids]}]}]}
 * and one <article class="bs-module" data-module="ID"> per module, each with an optional knowledge check
 * (.bs-quiz > fieldset.bs-question[data-question]) and an end marker (.bs-end).
 *
 * What it does, in order of the SCORM session: find the API (parent frames, then the opener), initialise
 * on load, restore the bookmark and saved answers, set the bookmark as headings scroll past, score the
 * knowledge check (score before status, interactions, objectives wrapped so a refusing LMS never blocks
 * completion), set completion at the end of the module, and terminate exactly once on pagehide/unload.
 * Without an LMS the page still works and says that progress will not be saved.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("bs-config").textContent);
  var is2004 = config.version === "2004";
  var api = null;
  var started = new Date();
  var terminated = false;
  var state = { e: [], a: {}, c: [], s: "" }; // e: modules read to the end, a: answers {module.q: "ac"}, c: modules checked, s: the attempt's shuffle seed
  var lastLocation = "";

  /* ---- API discovery (ADL's algorithm: walk up the parents, then the opener's parents) ---- */
  function scan(win) {
    var name = is2004 ? "API_1484_11" : "API";
    var tries = 0;
    try {
      while (win && !win[name] && win.parent && win.parent !== win && tries < 500) {
        tries += 1;
        win = win.parent;
      }
      return win && win[name] ? win[name] : null;
    } catch (err) { // a frame from another origin: stop looking there
      return null;
    }
  }
  function findApi() {
    var found = scan(window);
    if (!found && window.opener) { found = scan(window.opener); }
    if (!found && window.top && window.top.opener) { found = scan(window.top.opener); }
    return found;
  }

  /* ---- thin, failure-tolerant calls ---- */
  function call(name12, name2004, arg1, arg2) {
    if (!api) { return ""; }
    try {
      var fn = api[is2004 ? name2004 : name12];
      return arguments.length > 3 ? fn.call(api, arg1, arg2) : fn.call(api, arg1 === undefined ? "" : arg1);
    } catch (err) {
      return "";
    }
  }
  function get(element) { return String(call("LMSGetValue", "GetValue", element)); }
  function set(element, value) {
    var ok = call("LMSSetValue", "SetValue", element, String(value));
    return ok === true || ok === "true";
  }
  function commit() { call("LMSCommit", "Commit", ""); }
  function el(v12, v2004) { return is2004 ? v2004 : v12; }

  /* ---- time formats ---- */
  function pad(n, width) { n = String(n); while (n.length < width) { n = "0" + n; } return n; }
  function sessionTime() {
    var cs = Math.max(0, Math.round((new Date() - started) / 10)); // centiseconds
    var h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60, s = Math.floor(cs / 100) % 60, c = cs % 100;
    if (is2004) { return "PT" + h + "H" + m + "M" + s + "." + pad(c, 2) + "S"; }
    return pad(Math.min(h, 9999), 4) + ":" + pad(m, 2) + ":" + pad(s, 2) + "." + pad(c, 2);
  }
  function timestamp() {
    var d = new Date();
    if (is2004) { return d.toISOString().slice(0, 19); }
    return pad(d.getHours(), 2) + ":" + pad(d.getMinutes(), 2) + ":" + pad(d.getSeconds(), 2);
  }

  /* ---- state kept in suspend_data, compact (SCORM 1.2 allows 4,096 characters; a whole bundle fits):
   * {"v":1,"e":[module indexes read to the end],"c":[module indexes checked],"n":questions,"a":"a|bc|...",
   *  "s":"8 hex digits: the seed of this attempt's order of choices"} */
  function moduleIds() { return articles.map(function (a) { return a.getAttribute("data-module"); }); }
  function encodeState() {
    var ids = moduleIds();
    var indexes = function (list) { return list.map(function (id) { return ids.indexOf(id); }).filter(function (i) { return i >= 0; }); };
    var all = questions();
    return JSON.stringify({ v: 1, e: indexes(state.e), c: indexes(state.c), n: all.length,
      a: all.map(function (f) { return state.a[keyOf(f)] || ""; }).join("|"), s: state.s });
  }
  function saveState() {
    if (!api) { return; }
    var text = encodeState();
    if (text.length < 4000) { set("cmi.suspend_data", text); }
  }
  function loadState() {
    var text = get("cmi.suspend_data");
    if (!text) { return; }
    try {
      var saved = JSON.parse(text), ids = moduleIds(), all = questions();
      if (!saved || saved.v !== 1) { return; }
      var byIndex = function (list) {
        return (Array.isArray(list) ? list : []).map(function (i) { return ids[i]; }).filter(Boolean);
      };
      state.e = byIndex(saved.e);
      if (typeof saved.s === "string" && /^[0-9a-f]{8}$/.test(saved.s)) { state.s = saved.s; }
      if (saved.n === all.length && typeof saved.a === "string") { // answers only if the questions are the same
        var answers = saved.a.split("|");
        all.forEach(function (f, i) { if (answers[i]) { state.a[keyOf(f)] = answers[i]; } });
        state.c = byIndex(saved.c);
      }
    } catch (err) { /* not ours, or damaged: start afresh */ }
  }

  /* ---- messages for the learner ---- */
  function notice(text) {
    var box = document.getElementById("bs-lms-status");
    if (box) { box.textContent = text; box.hidden = false; }
  }

  /* ---- knowledge check ---- */
  var articles = Array.prototype.slice.call(document.querySelectorAll("article.bs-module"));
  var modules = config.modules || [];
  function moduleConfig(id) {
    for (var i = 0; i < modules.length; i += 1) { if (modules[i].id === id) { return modules[i]; } }
    return { id: id, objectives: [] };
  }
  function questions() {
    return Array.prototype.slice.call(document.querySelectorAll("fieldset.bs-question"));
  }
  function moduleOf(node) { return node.closest("article.bs-module").getAttribute("data-module"); }
  function keyOf(fieldset) { return moduleOf(fieldset) + "." + fieldset.getAttribute("data-question"); }
  function chosen(fieldset) {
    return Array.prototype.slice.call(fieldset.querySelectorAll("input:checked")).map(function (i) { return i.value; }).join("");
  }
  /* The right answers, worked out when the learner answers: each choice's data-key is FNV-1a of
   * salt|question|value|1 (|0 if wrong), as render/module_html.answer_key writes it. A check in the browser
   * can never be a secret; this only keeps the answers out of plain view. */
  function fnv(text) {
    var bytes = new TextEncoder().encode(text), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i += 1) { h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0; }
    return ("0000000" + h.toString(16)).slice(-8);
  }
  function correctAnswer(fieldset) {
    var quiz = fieldset.closest(".bs-quiz"), salt = quiz ? quiz.getAttribute("data-salt") : "";
    var q = fieldset.getAttribute("data-question");
    return Array.prototype.slice.call(fieldset.querySelectorAll("input")).filter(function (i) {
      return i.getAttribute("data-key") === fnv(salt + "|" + q + "|" + i.value + "|1");
    }).map(function (i) { return i.value; }).join("");
  }
  function showFeedback(fieldset) {
    var answer = chosen(fieldset), right = answer === correctAnswer(fieldset);
    Array.prototype.slice.call(fieldset.querySelectorAll(".bs-choice-feedback")).forEach(function (p) {
      var input = document.getElementById(p.getAttribute("data-for"));
      p.hidden = !(input && input.checked);
    });
    var general = fieldset.querySelector(".bs-question-feedback");
    if (general) { general.hidden = false; }
    var result = fieldset.querySelector(".bs-result");
    result.textContent = answer ? (right ? "Correct." : "Not quite: see the feedback on your answer.") : "Not answered.";
    fieldset.setAttribute("data-result", right ? "correct" : "wrong");
    return right;
  }
  /* ---- the order of choices: shuffled once per attempt (the author's order would give the answers away
   * when they sit in the same place), from a seed kept in suspend_data, so a resumed attempt shows the same
   * order. The package itself is the same bytes in every build: only the page, at run time, reorders. */
  function newSeed() {
    var n = 0;
    try { n = window.crypto.getRandomValues(new Uint32Array(1))[0]; } catch (err) { n = Math.floor(Math.random() * 4294967296); }
    return ("0000000" + (n >>> 0).toString(16)).slice(-8);
  }
  function generator(seed) { // mulberry32: small, and the same numbers from the same seed in every browser
    var a = parseInt(seed, 16) >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      var t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  function shuffleChoices(seed) {
    questions().forEach(function (fieldset) {
      var choices = Array.prototype.slice.call(fieldset.querySelectorAll(".bs-choice"));
      if (choices.length < 2) { return; }
      var random = generator(fnv(seed + "|" + keyOf(fieldset)));
      for (var i = choices.length - 1; i > 0; i -= 1) {
        var j = Math.floor(random() * (i + 1)), swap = choices[i];
        choices[i] = choices[j];
        choices[j] = swap;
      }
      var after = choices.reduce(function (last, c) { return last.compareDocumentPosition(c) & 4 ? c : last; }).nextSibling;
      choices.forEach(function (choice) { fieldset.insertBefore(choice, after); });
    });
    document.documentElement.setAttribute("data-bs-order", seed);
  }

  function restoreAnswers() {
    questions().forEach(function (fieldset) {
      var answer = state.a[keyOf(fieldset)];
      if (!answer) { return; }
      Array.prototype.slice.call(fieldset.querySelectorAll("input")).forEach(function (input) {
        input.checked = answer.indexOf(input.value) >= 0;
      });
      if (state.c.indexOf(moduleOf(fieldset)) >= 0) { showFeedback(fieldset); }
    });
  }

  function pct(right, total) { return total ? Math.round((100 * right) / total) : 0; }
  /* The pass mark is the bundle's, written into the package (what was accredited). An LMS may serve another
   * (cmi.scaled_passing_score, cmi.student_data.mastery_score: Moodle serves 1.0 for an objective without
   * one); it never fails a learner the bundle passes. docs/scorm.md, "Which pass mark wins". */
  function mastery() { return Number(config.mastery); }
  function tally() { // every question of the page, so a single-SCO package scores the whole bundle
    var all = questions(), right = 0, answered = 0;
    all.forEach(function (f) {
      var key = keyOf(f);
      if (state.a[key]) { answered += 1; }
      if (state.a[key] && state.a[key] === correctAnswer(f)) { right += 1; }
    });
    return { total: all.length, right: right, answered: answered };
  }
  function allChecked() {
    return articles.every(function (a) {
      return !a.querySelector(".bs-quiz") || state.c.indexOf(a.getAttribute("data-module")) >= 0;
    });
  }
  function allRead() {
    return articles.every(function (a) { return state.e.indexOf(a.getAttribute("data-module")) >= 0; });
  }

  var appended = 0;
  function interactionIndex(id) {
    // 2004 lets us read ids back, so a retry updates the same interaction; 1.2 journals (appends).
    var count = parseInt(get("cmi.interactions._count"), 10);
    if (isNaN(count)) { appended += 1; return appended - 1; } // an LMS without _count support
    if (is2004) {
      for (var i = 0; i < count; i += 1) { if (get("cmi.interactions." + i + ".id") === id) { return i; } }
    }
    return count;
  }
  function writeInteractions(fieldsets) {
    fieldsets.forEach(function (f) {
      var id = moduleOf(f) + "-" + f.getAttribute("data-question");
      var n = interactionIndex(id);
      var p = "cmi.interactions." + n + ".";
      var answer = chosen(f).split(""), key = correctAnswer(f).split("");
      var sep = is2004 ? "[,]" : ",";
      try {
        set(p + "id", id);
        set(p + "type", "choice");
        set(p + el("time", "timestamp"), timestamp());
        if (is2004) {
          var legend = f.querySelector("legend");
          set(p + "description", (legend ? legend.textContent : id).replace(/\s+/g, " ").trim().slice(0, 250));
        }
        set(p + "correct_responses.0.pattern", key.join(sep));
        if (answer.length && answer[0]) { set(p + el("student_response", "learner_response"), answer.join(sep)); }
        set(p + "result", chosen(f) === correctAnswer(f) ? "correct" : el("wrong", "incorrect"));
        set(p + "weighting", "1");
        var k = 0; // the standards this question assesses
        (moduleConfig(moduleOf(f)).objectives || []).forEach(function (objective) {
          if (objective.items.indexOf(f.getAttribute("data-question")) >= 0) {
            set(p + "objectives." + k + ".id", objective.id);
            k += 1;
          }
        });
      } catch (err) { /* an LMS that refuses interactions must not block scoring */ }
    });
  }
  function objectiveIndex(id, used) {
    var count = parseInt(get("cmi.objectives._count"), 10);
    if (!isNaN(count)) {
      for (var i = 0; i < count; i += 1) { if (get("cmi.objectives." + i + ".id") === id) { return i; } }
    }
    return Math.max(isNaN(count) ? 0 : count, used);
  }
  function writeObjectives(threshold) {
    var used = 0;
    modules.forEach(function (mod) {
      if (state.c.indexOf(mod.id) < 0) { return; }
      (mod.objectives || []).forEach(function (objective) {
        try { // some LMSs reject objectives: never let that block completion
          var right = 0;
          objective.items.forEach(function (q) {
            var f = document.querySelector("article.bs-module[data-module='" + mod.id + "'] fieldset.bs-question[data-question='" + q + "']");
            if (f && state.a[mod.id + "." + q] === correctAnswer(f)) { right += 1; }
          });
          var score = pct(right, objective.items.length), passed = score >= threshold;
          var n = objectiveIndex(objective.id, used);
          used = n + 1;
          var p = "cmi.objectives." + n + ".";
          set(p + "id", objective.id);
          set(p + "score.raw", score);
          set(p + "score.min", 0);
          set(p + "score.max", 100);
          if (is2004) {
            set(p + "score.scaled", (score / 100).toFixed(2));
            set(p + "success_status", passed ? "passed" : "failed");
            set(p + "completion_status", "completed");
          } else {
            set(p + "status", passed ? "passed" : "failed");
          }
        } catch (err) { /* keep going */ }
      });
    });
  }

  /* What the LMS held when this session began: a relaunch never lowers completion or success. */
  var before = { completed: false, passed: false, failed: false };
  function rememberLaunch() {
    var completion = get(el("cmi.core.lesson_status", "cmi.completion_status"));
    var success = is2004 ? get("cmi.success_status") : completion;
    before.completed = completion === "completed" || completion === "passed" || completion === "failed";
    before.passed = success === "passed";
    before.failed = success === "failed";
  }

  /* Status written last, after the score: one well-known LMS breaks when status comes first. The score
   * (and the objectives) are reported only once the module is complete: with Moodle's default "mastery
   * score overrides status", a SCORM 1.2 score alone would turn an unfinished module into passed. */
  function report() {
    if (!api) { return; }
    var t = tally(), threshold = mastery(), hasQuiz = t.total > 0, checked = hasQuiz && allChecked();
    var complete = allRead() && (!hasQuiz || checked);
    var score = pct(t.right, t.total), passed = checked && score >= threshold;
    var scored = checked && complete && !(before.passed && !passed); // a failed retry never replaces a pass
    if (scored) {
      set(el("cmi.core.score.raw", "cmi.score.raw"), score);
      set(el("cmi.core.score.min", "cmi.score.min"), 0);
      set(el("cmi.core.score.max", "cmi.score.max"), 100);
      if (is2004) { set("cmi.score.scaled", (score / 100).toFixed(2)); }
      writeObjectives(threshold);
    }
    if (is2004) {
      if (complete || !before.completed) { set("cmi.completion_status", complete ? "completed" : "incomplete"); }
      if (scored) { set("cmi.success_status", passed ? "passed" : "failed"); }
    } else if (scored) {
      set("cmi.core.lesson_status", passed ? "passed" : "failed");
    } else if (complete && !hasQuiz && !before.passed && !before.failed) {
      set("cmi.core.lesson_status", "completed");
    } else if (!complete && !before.completed) {
      set("cmi.core.lesson_status", "incomplete");
    }
  }

  function onCheck(event) {
    var quiz = event.target.closest(".bs-quiz");
    var article = event.target.closest("article.bs-module");
    var id = article.getAttribute("data-module");
    var fieldsets = Array.prototype.slice.call(quiz.querySelectorAll("fieldset.bs-question"));
    var right = 0;
    fieldsets.forEach(function (f) {
      state.a[keyOf(f)] = chosen(f);
      if (showFeedback(f)) { right += 1; }
    });
    if (state.c.indexOf(id) < 0) { state.c.push(id); }
    var score = pct(right, fieldsets.length), threshold = mastery();
    var out = quiz.querySelector(".bs-score");
    out.textContent = "You scored " + score + "% (" + right + " of " + fieldsets.length + "). " +
      (score >= threshold ? "You have passed this knowledge check." : "The pass mark is " + threshold + "%: review the feedback and try again.");
    if (api) {
      writeInteractions(fieldsets);
      saveState();
      report();
      commit();
    }
  }

  /* ---- reading: bookmark and end of module ---- */
  function setLocation(id) {
    if (!api || !id || id === lastLocation || id.length > 255) { return; }
    lastLocation = id;
    set(el("cmi.core.lesson_location", "cmi.location"), id);
  }
  function reachedEnd(article) {
    var id = article.getAttribute("data-module");
    if (state.e.indexOf(id) >= 0) { return; }
    state.e.push(id);
    var end = article.querySelector(".bs-end-status");
    if (end) { end.textContent = "You have reached the end of this module."; }
    if (api) { saveState(); report(); commit(); }
  }
  function watchReading() {
    var headings = Array.prototype.slice.call(document.querySelectorAll("main h2[id], main h3[id], article.bs-module[id]"));
    var ends = Array.prototype.slice.call(document.querySelectorAll(".bs-end"));
    var pending = false;
    function check() { // where the learner has got to: the last heading above the upper third of the view
      pending = false;
      var mark = window.innerHeight / 3, current = null;
      headings.forEach(function (h) { if (h.getBoundingClientRect().top <= mark) { current = h; } });
      if (current) { setLocation(current.id); }
      ends.forEach(function (e) {
        if (e.getBoundingClientRect().top < window.innerHeight) { reachedEnd(e.closest("article.bs-module")); }
      });
    }
    window.addEventListener("scroll", function () {
      if (!pending) { pending = true; window.setTimeout(check, 200); }
    }, { passive: true });
    if ("IntersectionObserver" in window) { // an end marker that comes into view without scrolling (short module, zoom)
      var seen = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) { if (entry.isIntersecting) { reachedEnd(entry.target.closest("article.bs-module")); } });
      });
      ends.forEach(function (e) { seen.observe(e); });
    }
    Array.prototype.slice.call(document.querySelectorAll(".bs-finish")).forEach(function (button) {
      button.addEventListener("click", function () { reachedEnd(button.closest("article.bs-module")); });
    });
    document.addEventListener("focusin", function (event) { // keyboard users: the heading or section focused
      var h = event.target.closest && event.target.closest("section[id], h2[id], h3[id]");
      if (h) { setLocation(h.id); }
    });
  }

  function resume() {
    var location = get(el("cmi.core.lesson_location", "cmi.location"));
    if (!location) { return; }
    var target = document.getElementById(location);
    if (!target) { return; }
    lastLocation = location;
    // The "Welcome back" notice moves to where the learner left off, just above the bookmark, and takes
    // focus (WCAG 2.4.3): a screen reader reads it, and the next Tab goes on from there, not from the top.
    // Its "Go back to the start" link keeps pointing at the start.
    var box = document.getElementById("bs-resume");
    var first = box || target;
    if (box) {
      target.parentNode.insertBefore(box, target);
      box.hidden = false;
    }
    // scroll this page only (scrollIntoView would also scroll the LMS page around the frame)
    var top = first.getBoundingClientRect().top + (window.pageYOffset || 0);
    try { window.scrollTo({ top: top, left: 0, behavior: "instant" }); } catch (err) { window.scrollTo(0, top); }
    if (box) {
      try { box.focus({ preventScroll: true }); } catch (err) { box.focus(); }
    }
  }

  /* ---- end of the session: exactly once, whichever of pagehide/unload comes first ---- */
  function finish() {
    if (terminated || !api) { return; }
    terminated = true;
    saveState();
    set(el("cmi.core.session_time", "cmi.session_time"), sessionTime());
    // Always "suspend", finished or not: after "normal" Moodle hands the next launch nothing (completion
    // unknown, no suspend_data) yet keeps the same attempt, so the SCO could not tell it was finished.
    set(el("cmi.core.exit", "cmi.exit"), "suspend");
    call("LMSFinish", "Terminate", "");
  }

  /* A link to another SCO of the package (SCORM 2004): ask the LMS to go there, never move the frame
   * behind its back. Without an LMS, or when it does not allow that choice, say where to find the module. */
  function onNav(event) {
    var link = event.target.closest && event.target.closest("a.bs-nav[data-bs-nav]");
    if (!link) { return; }
    event.preventDefault();
    var target = "{target=" + link.getAttribute("data-bs-nav") + "}";
    if (api && is2004 && get("adl.nav.request_valid.choice." + target) !== "false") {
      set("adl.nav.request", target + "choice");
      finish();
      return;
    }
    notice("Open \u201c" + link.textContent.trim() + "\u201d from the course menu to go to that module.");
  }

  function start() {
    Array.prototype.slice.call(document.querySelectorAll(".bs-check")).forEach(function (b) {
      b.addEventListener("click", onCheck);
    });
    document.addEventListener("click", onNav);
    api = findApi();
    if (api) {
      var ok = call("LMSInitialize", "Initialize", "");
      if (!(ok === true || ok === "true")) { api = null; }
    }
    if (!api) {
      notice("This module is not connected to a learning management system, so your progress will not be saved.");
      shuffleChoices(newSeed());
    } else {
      loadState();
      var fresh = !state.s;
      if (fresh) { state.s = newSeed(); }
      shuffleChoices(state.s);
      if (fresh && questions().length) { saveState(); commit(); }
      restoreAnswers();
      rememberLaunch();
      var status = get(el("cmi.core.lesson_status", "cmi.completion_status"));
      if (status === "not attempted" || status === "unknown" || status === "") {
        set(el("cmi.core.lesson_status", "cmi.completion_status"), "incomplete");
        commit();
      }
      resume();
    }
    document.documentElement.setAttribute("data-bs-runtime", api ? "lms" : "standalone");
    watchReading();
  }

  document.addEventListener("visibilitychange", function () { // a phone may discard a hidden tab: save first
    if (document.visibilityState === "hidden" && api && !terminated) { saveState(); commit(); }
  });
  window.addEventListener("pagehide", finish);
  window.addEventListener("unload", finish);
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
